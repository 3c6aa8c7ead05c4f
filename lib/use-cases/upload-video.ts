import 'server-only';
import { rename } from 'node:fs/promises';
import { extname } from 'node:path';
import { getConfig, type AppConfig } from '../config';
import { AppError } from '../errors';
import { receiveFile } from '../http/multipart-file';
import { log } from '../observability/log';
import { metrics } from '../observability/metrics';
import { newDeleteToken } from '../security/delete-token';
import { getVideoStore, type StoredVideo } from '../store';
import { extractFrame, probeVideo, type FfmpegTools, type VideoProbe } from '../video/ffmpeg';
import { framesPlanned, intervalMsFor } from '../video/sampling';
import { wakeVideoJobs } from './video-jobs';

const MIB = 1024 * 1024;

/** The video limits in force (VIDEO_MAX_MB, VIDEO_MAX_SECONDS, VIDEO_SAMPLE_FPS), for the API, the page and docs. */
export interface VideoLimits {
  maxBytes: number;
  maxSeconds: number;
  sampleFps: number;
}

export function videoLimits(config: Pick<AppConfig, 'VIDEO_MAX_MB' | 'VIDEO_MAX_SECONDS' | 'VIDEO_SAMPLE_FPS'> = getConfig()): VideoLimits {
  return { maxBytes: Math.round(config.VIDEO_MAX_MB * MIB), maxSeconds: config.VIDEO_MAX_SECONDS, sampleFps: config.VIDEO_SAMPLE_FPS };
}

export function ffmpegTools(config: Pick<AppConfig, 'FFMPEG_PATH' | 'FFPROBE_PATH'> = getConfig()): FfmpegTools {
  return { ffmpeg: config.FFMPEG_PATH, ffprobe: config.FFPROBE_PATH };
}

function formatMinutes(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/** What the player is told the file is: Chromium and Firefox play Matroska with WebM's codecs as video/webm. */
function playerMimeType(probe: VideoProbe): string {
  return probe.container === 'mp4' ? 'video/mp4' : 'video/webm';
}

/**
 * The video upload use case: streams the multipart field `video` to disk (at most VIDEO_MAX_MB), then
 * queueVideoFile. Answers at once: the job runs in the background (lib/use-cases/video-jobs). Throws
 * AppError; nothing is left on disk then.
 */
export async function uploadVideo(request: Request): Promise<StoredVideo & { deleteToken: string }> {
  const limits = videoLimits();
  const store = getVideoStore();
  const maxMb = Math.round(limits.maxBytes / MIB);
  const file = await receiveFile(request, {
    field: 'video',
    maxBytes: limits.maxBytes,
    target: (filename) => store.incomingPath(extname(filename).slice(1).toLowerCase() || 'video'),
    tooLarge: () => new AppError('too_large', `The video is too large; the limit is ${maxMb} MB.`),
    invalid: (message) => new AppError('invalid_input', message),
  });
  return queueVideoFile(file.path, file.bytes);
}

/**
 * A video already on this host's disk (an upload, or an object read from the bucket): checks it with
 * ffprobe (a container ffmpeg reads, a picture stream, at most VIDEO_MAX_SECONDS), takes a poster frame,
 * stores it with the hash of a new delete token and queues its recognition job. The file is taken into the
 * store, or removed when it is refused (AppError).
 */
export async function queueVideoFile(path: string, bytes: number): Promise<StoredVideo & { deleteToken: string }> {
  const limits = videoLimits();
  const tools = ffmpegTools();
  const store = getVideoStore();
  const file = { path, bytes };
  let kept = false;
  try {
    if (file.bytes === 0) throw new AppError('invalid_input', 'The file is empty.');
    if (file.bytes > limits.maxBytes) throw new AppError('too_large', `The video is too large; the limit is ${Math.round(limits.maxBytes / MIB)} MB.`);
    const probe = await probeVideo(file.path, tools);
    if (probe.durationMs > limits.maxSeconds * 1000) {
      throw new AppError('too_long', `The video is ${formatMinutes(Math.round(probe.durationMs / 1000))} long; the limit is ${formatMinutes(limits.maxSeconds)}.`);
    }
    const poster = await extractFrame(file.path, tools, Math.min(1_000, probe.durationMs / 2));
    const intervalMs = intervalMsFor(limits.sampleFps);
    const { token, hash } = newDeleteToken();
    // The stored name's extension follows the container, never the client's name.
    const tempPath = store.incomingPath(probe.container === 'mp4' ? 'mp4' : 'mkv');
    await rename(file.path, tempPath);
    file.path = tempPath;
    const video = await store.create({
      tempPath,
      mimeType: playerMimeType(probe),
      byteLength: file.bytes,
      metadata: probe,
      intervalMs,
      framesPlanned: framesPlanned(probe.durationMs, intervalMs),
      poster,
      deleteTokenHash: hash,
    });
    kept = true;
    metrics().videoUploads.inc({ outcome: 'accepted' });
    log.info({ videoId: video.id, durationMs: probe.durationMs, width: probe.width, height: probe.height, codec: probe.codec, bytes: file.bytes }, 'video: queued');
    wakeVideoJobs();
    return { ...video, deleteToken: token };
  } catch (error) {
    metrics().videoUploads.inc({ outcome: error instanceof AppError ? error.code : 'internal' });
    throw error;
  } finally {
    if (!kept) await store.discardIncoming(file.path);
  }
}
