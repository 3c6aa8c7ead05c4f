import { PhotoProblem } from './prepare-photo';
import { problemFrom } from './upload-request';

export interface CreatedVideo {
  id: string;
  url: string;
  statusUrl: string;
  /** Lets this uploader delete the video later (DELETE /api/videos/{id}); shown only once. */
  deleteToken?: string;
}

/** POSTs the video as multipart field `video` (202 once stored and checked), reporting upload progress 0..1. */
export function uploadVideo(file: File, onProgress: (fraction: number) => void): Promise<CreatedVideo> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/videos');
    xhr.responseType = 'text';
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.upload.onload = () => onProgress(1);
    xhr.onload = () => {
      if (xhr.status === 202) resolve(JSON.parse(xhr.responseText) as CreatedVideo);
      else reject(problemFrom(xhr));
    };
    xhr.onerror = () => reject(new PhotoProblem('Could not reach the server', 'Check your connection and try again.', true));
    const form = new FormData();
    form.append('video', file, file.name || 'video');
    xhr.send(form);
  });
}
