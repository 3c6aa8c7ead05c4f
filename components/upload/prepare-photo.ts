import { limits } from '@/lib/limits';

/** MIME types the server accepts (it checks magic bytes again; this only spares a pointless upload). */
export const acceptedTypes = ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/gif'] as const;
/** Past this, even trying to decode the file in a phone's browser is unreasonable. */
export const maxSourceBytes = 50 * 1024 * 1024;
const MAX_SIDE = 4096;

export class PhotoProblem extends Error {
  /** `retriable`: the same photo may work later (busy server, lost connection), so a retry is offered. */
  constructor(readonly title: string, message: string, readonly retriable = false) {
    super(message);
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const mb = bytes / 1024 / 1024;
  // Limits are whole megabytes ("up to 200 MB"); a file's size keeps one decimal ("12.4 MB").
  return Number.isInteger(mb) ? `${mb} MB` : `${mb.toFixed(1)} MB`;
}

/** Throws PhotoProblem for files the server would refuse anyway: empty, not an image, hopelessly large. */
export function checkPhoto(file: File): void {
  if (file.size === 0) throw new PhotoProblem('That file is empty', 'It has no content. Choose a photo instead.');
  if (file.type && !(acceptedTypes as readonly string[]).includes(file.type)) {
    throw new PhotoProblem('That file is not a supported photo', `“${file.name}” is ${file.type}. Use a JPEG, PNG, WebP, AVIF or GIF image.`);
  }
  if (file.size > maxSourceBytes) {
    throw new PhotoProblem('That photo is too large', `It is ${formatBytes(file.size)}; photos up to ${formatBytes(maxSourceBytes)} can be shrunk before upload.`);
  }
}

function encode(canvas: HTMLCanvasElement, quality: number): Promise<Blob> {
  return new Promise((done, fail) => canvas.toBlob((blob) => (blob ? done(blob) : fail(new Error('encode failed'))), 'image/jpeg', quality));
}

/**
 * Photos over the upload limit are redrawn smaller as JPEG in the browser. createImageBitmap applies the
 * EXIF orientation (imageOrientation 'from-image'), so the shrunk photo stays upright.
 */
export async function shrinkToUploadLimit(file: File): Promise<File> {
  if (file.size <= limits.maxUploadBytes) return file;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new PhotoProblem('That photo could not be read', 'Your browser could not open it to shrink it. Try a JPEG or PNG under 10 MB.');
  }
  let scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height), Math.sqrt(limits.maxUploadBytes / file.size) * 1.5);
  const canvas = document.createElement('canvas');
  for (let attempt = 0; attempt < 6; attempt += 1) {
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const context = canvas.getContext('2d');
    if (!context) break;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await encode(canvas, 0.9);
    if (blob.size <= limits.maxUploadBytes) {
      bitmap.close();
      return new File([blob], file.name.replace(/\.[^.]*$/, '') + '.jpg', { type: 'image/jpeg' });
    }
    scale *= 0.75;
  }
  bitmap.close();
  throw new PhotoProblem('That photo is too large', `We could not shrink it under ${formatBytes(limits.maxUploadBytes)}.`);
}
