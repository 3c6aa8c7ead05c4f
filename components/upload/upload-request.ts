import type { RecognizeCelebritiesResult } from '@/lib/contract/rekognition';
import { PhotoProblem } from './prepare-photo';

export interface CreatedRecognition {
  id: string;
  url: string;
  result: RecognizeCelebritiesResult;
  /** Lets this uploader delete the result later (DELETE /api/recognitions/{id}); shown only once. */
  deleteToken?: string;
}

const titles: Record<string, string> = {
  invalid_input: 'That upload did not work',
  image_too_small: 'That image is too small',
  unsupported_type: 'That file is not a photo we can read',
  too_large: 'That photo is too large',
  // The server keeps no photo without a face (docs/hardening.md): it answers 422 no_face, not a result.
  no_face: 'No faces found',
  busy: 'We are busy right now',
  rate_limited: 'Too many photos at once',
  timeout: 'That took too long',
  not_ready: 'Still warming up',
  no_video_stream: 'That file has no picture',
  too_long: 'That video is too long',
};

export function problemFrom(xhr: XMLHttpRequest): PhotoProblem {
  let code = 'internal';
  let message = 'Something went wrong on our side. Please try again.';
  try {
    const body = JSON.parse(xhr.responseText) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
  } catch {
    // Not our JSON (e.g. a proxy's error page): keep the generic message.
  }
  const retryAfter = xhr.getResponseHeader('retry-after');
  if (retryAfter && (xhr.status === 503 || xhr.status === 429)) message += ` Try again in ${retryAfter} s.`;
  return new PhotoProblem(titles[code] ?? 'Something went wrong', message, xhr.status === 429 || xhr.status >= 500 || xhr.status === 0);
}

/** POSTs the photo as multipart field `image`, reporting upload progress 0..1; XHR because fetch cannot. */
export function uploadPhoto(file: File, onProgress: (fraction: number) => void): Promise<CreatedRecognition> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/recognitions');
    xhr.responseType = 'text';
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.upload.onload = () => onProgress(1);
    xhr.onload = () => {
      if (xhr.status === 201) resolve(JSON.parse(xhr.responseText) as CreatedRecognition);
      else reject(problemFrom(xhr));
    };
    xhr.onerror = () => reject(new PhotoProblem('Could not reach the server', 'Check your connection and try again.', true));
    const form = new FormData();
    form.append('image', file, file.name || 'photo');
    xhr.send(form);
  });
}
