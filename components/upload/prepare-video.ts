import { formatBytes, PhotoProblem } from './prepare-photo';

/** Video types the drop zone takes beside photos; the server checks the content itself with ffprobe. */
export const videoTypes = ['video/mp4', 'video/quicktime', 'video/webm', 'video/x-matroska'] as const;
const videoExtensions = /\.(mp4|m4v|mov|webm|mkv)$/i;

/** The limits the server enforces (VIDEO_MAX_MB, VIDEO_MAX_SECONDS), handed to the page by the server. */
export interface VideoLimits {
  maxBytes: number;
  maxSeconds: number;
}

/** Whether a chosen file is a video (by its type, or its name when the browser gives no type, as for MKV). */
export function isVideoFile(file: File): boolean {
  return file.type.startsWith('video/') || (!file.type && videoExtensions.test(file.name));
}

/** Throws for a video the server would refuse anyway: empty, over the size limit, or of a type it does not take. */
export function checkVideo(file: File, limits: VideoLimits): void {
  if (file.size === 0) throw new PhotoProblem('That file is empty', 'It has no content. Choose a video instead.');
  if (!(videoTypes as readonly string[]).includes(file.type) && !videoExtensions.test(file.name)) {
    throw new PhotoProblem('That video type is not supported', `“${file.name}” is ${file.type || 'of an unknown type'}. Use an MP4, MOV, WebM or MKV video.`);
  }
  if (file.size > limits.maxBytes) {
    throw new PhotoProblem('That video is too large', `It is ${formatBytes(file.size)}; videos up to ${formatBytes(limits.maxBytes)} are accepted.`);
  }
}
