/**
 * The one gateway to ffmpeg and ffprobe (Debian's packages; server/install-system-deps.sh installs them).
 * No other module spawns them. Every run has a deadline or an abort signal, reads no stdin, and its stderr
 * is kept only for the log: what the client hears is an AppError with a plain message.
 */
import { spawn } from 'node:child_process';
import { AppError } from '../errors';
import { log } from '../observability/log';
import { MultipartJpegSplitter } from './mpjpeg';

export interface FfmpegTools {
  ffmpeg: string;
  ffprobe: string;
}

/** What a video is, from its container and first video stream. */
export interface VideoProbe {
  /** `mp4` (MP4, MOV and other ISO/QuickTime files) or `matroska` (MKV, WebM). */
  container: 'mp4' | 'matroska';
  /** ffprobe's format name, e.g. `mov,mp4,m4a,3gp,3g2,mj2` (AWS's VideoMetadata.Format). */
  format: string;
  codec: string;
  durationMs: number;
  /** Upright (display) size: a phone's rotation flag is applied, as decoders and browsers apply it. */
  width: number;
  height: number;
  frameRate: number;
  colorRange: 'FULL' | 'LIMITED';
}

/** A sampled frame: JPEG of the video at `timeMs` (the frame on screen then), upright, long side ≤ maxSide. */
export interface SampledFrame {
  index: number;
  timeMs: number;
  jpeg: Uint8Array;
}

const PROBE_TIMEOUT_MS = 20_000;
const FRAME_TIMEOUT_MS = 30_000;
const STDERR_KEEP = 4_000;
const SUPPORTED = 'MP4, MOV, WebM or MKV';

interface RunResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function run(command: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_KEEP)));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(missingTool(command, error));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr });
    });
  });
}

function missingTool(command: string, error: Error): Error {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
    return new AppError('internal', 'Video processing is not available on this server.', {
      cause: new Error(`${command} not found: install Debian's ffmpeg package (server/install-system-deps.sh) or set FFMPEG_PATH/FFPROBE_PATH`),
    });
  }
  return error;
}

interface ProbeJson {
  format?: { format_name?: string; duration?: string };
  streams?: Array<{
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    duration?: string;
    color_range?: string;
    disposition?: { attached_pic?: number };
    tags?: { rotate?: string };
    side_data_list?: Array<{ rotation?: number }>;
  }>;
}

function ratio(value: string | undefined): number {
  const [num, den] = (value ?? '0/1').split('/').map(Number);
  return num && den ? num / den : 0;
}

function containerOf(formatName: string): VideoProbe['container'] | null {
  const names = formatName.split(',');
  if (names.includes('mp4') || names.includes('mov')) return 'mp4';
  if (names.includes('matroska') || names.includes('webm')) return 'matroska';
  return null;
}

/**
 * Reads a video's container and first real video stream (cover pictures do not count). Throws AppError:
 * `unsupported_type` for anything ffprobe cannot read or that is not MP4/MOV/WebM/MKV, `no_video_stream`
 * for a container without a picture stream.
 */
export async function probeVideo(path: string, tools: FfmpegTools): Promise<VideoProbe> {
  const probe = await run(tools.ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path], PROBE_TIMEOUT_MS);
  let parsed: ProbeJson = {};
  if (probe.code === 0) {
    try {
      parsed = JSON.parse(probe.stdout.toString()) as ProbeJson;
    } catch {
      parsed = {};
    }
  }
  const container = containerOf(parsed.format?.format_name ?? '');
  if (probe.code !== 0 || !container) {
    log.info({ code: probe.code, format: parsed.format?.format_name, stderr: probe.stderr.slice(-500) }, 'video: not a readable video');
    throw new AppError('unsupported_type', `This file is not a video we can read. Use ${SUPPORTED}.`);
  }
  const stream = parsed.streams?.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic && (s.width ?? 0) > 0);
  if (!stream) throw new AppError('no_video_stream', 'This file has no video picture to look at (audio only?).');
  const rotation = Math.abs(Number(stream.tags?.rotate ?? stream.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0)) % 180;
  const [width, height] = rotation === 90 ? [stream.height!, stream.width!] : [stream.width!, stream.height!];
  let durationMs = Math.round(1000 * Number(parsed.format?.duration ?? stream.duration ?? NaN));
  // WebM from a browser's MediaRecorder has no duration in its header: read the packets' times instead.
  if (!Number.isFinite(durationMs) || durationMs <= 0) durationMs = await demuxedDurationMs(path, tools);
  if (!(durationMs > 0)) throw new AppError('unsupported_type', `This video has no readable frames. Use ${SUPPORTED}.`);
  return {
    container,
    format: parsed.format!.format_name!,
    codec: stream.codec_name ?? 'unknown',
    durationMs,
    width,
    height,
    frameRate: Math.round(100 * (ratio(stream.avg_frame_rate) || ratio(stream.r_frame_rate))) / 100,
    colorRange: stream.color_range === 'pc' ? 'FULL' : 'LIMITED',
  };
}

/** The video stream's length from its packets (a copy to nowhere: no decoding). */
async function demuxedDurationMs(path: string, tools: FfmpegTools): Promise<number> {
  const result = await run(tools.ffmpeg, ['-nostdin', '-v', 'error', '-i', path, '-map', '0:v:0', '-c', 'copy', '-f', 'null', '-progress', 'pipe:1', '-'], PROBE_TIMEOUT_MS);
  const times = [...result.stdout.toString().matchAll(/out_time_us=(\d+)/g)].map((m) => Number(m[1]));
  return times.length ? Math.round(Math.max(...times) / 1000) : 0;
}

/** The scale filter that fits a frame into maxSide × maxSide without enlarging it. */
function fitWithin(maxSide: number): string {
  return `scale=w='min(${maxSide},iw)':h='min(${maxSide},ih)':force_original_aspect_ratio=decrease:force_divisible_by=2`;
}

export interface SampleOptions {
  intervalMs: number;
  /** First frame index to produce (frames before it were done by an earlier run of the job). */
  startIndex?: number;
  /** Longest side of the frames, pixels (default 1280: 720p as it is, larger videos scaled down). */
  maxSide?: number;
  signal?: AbortSignal;
}

/**
 * Frames of the video every `intervalMs`: frame k shows what is on screen at k × intervalMs (ffmpeg's fps
 * filter with round=up picks the last frame shown at or before that time), as JPEGs streamed through a pipe
 * (mpjpeg). Backpressure is the pipe's: ffmpeg waits while the consumer is busy. Audio, subtitles and data
 * streams are not read. Resuming at `startIndex` seeks there first. Throws AppError('unsupported_type')
 * when ffmpeg fails to decode the video.
 */
export async function* sampleFrames(path: string, tools: FfmpegTools, options: SampleOptions): AsyncGenerator<SampledFrame> {
  const startIndex = options.startIndex ?? 0;
  const startMs = startIndex * options.intervalMs;
  const args = ['-nostdin', '-hide_banner', '-loglevel', 'error'];
  if (startMs > 0) args.push('-ss', (startMs / 1000).toFixed(3));
  args.push('-i', path, '-map', '0:v:0', '-an', '-sn', '-dn');
  args.push('-vf', `fps=fps=${1000 / options.intervalMs}:round=up:start_time=0,${fitWithin(options.maxSide ?? 1280)}`);
  args.push('-c:v', 'mjpeg', '-q:v', '3', '-f', 'mpjpeg', 'pipe:1');
  const child = spawn(tools.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_KEEP)));
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(missingTool(tools.ffmpeg, error)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  const abort = () => child.kill('SIGKILL');
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    await spawned;
    const splitter = new MultipartJpegSplitter();
    let index = startIndex;
    for await (const chunk of child.stdout) {
      for (const jpeg of splitter.push(chunk as Buffer)) {
        yield { index, timeMs: index * options.intervalMs, jpeg };
        index += 1;
      }
    }
    const code = await exited;
    if (options.signal?.aborted) return;
    if (code !== 0) {
      log.warn({ code, stderr: stderr.slice(-1000) }, 'video: ffmpeg could not decode');
      throw new AppError('unsupported_type', 'This video could not be decoded: the file may be damaged.');
    }
  } finally {
    options.signal?.removeEventListener('abort', abort);
    if (child.exitCode === null && child.signalCode === null) abort();
  }
}

/** One frame at `timeMs` as a JPEG, at most maxSide on its long side (thumbnails, the poster). */
export async function extractFrame(path: string, tools: FfmpegTools, timeMs: number, maxSide = 1280): Promise<Uint8Array> {
  const args = ['-nostdin', '-v', 'error', '-ss', (Math.max(0, timeMs) / 1000).toFixed(3), '-i', path, '-map', '0:v:0', '-frames:v', '1'];
  args.push('-vf', fitWithin(maxSide), '-c:v', 'mjpeg', '-q:v', '2', '-f', 'image2pipe', 'pipe:1');
  const result = await run(tools.ffmpeg, args, FRAME_TIMEOUT_MS);
  if (result.code !== 0 || result.stdout.length === 0) {
    log.warn({ code: result.code, timeMs, stderr: result.stderr.slice(-500) }, 'video: frame not extracted');
    throw new AppError('unsupported_type', 'A frame of this video could not be decoded.');
  }
  return new Uint8Array(result.stdout);
}

/** `ffmpeg -version`'s first line, or null when ffmpeg is missing (health and benchmarks print it). */
export async function ffmpegVersion(tools: FfmpegTools): Promise<string | null> {
  try {
    const result = await run(tools.ffmpeg, ['-version'], 5_000);
    return result.code === 0 ? (result.stdout.toString().split('\n')[0] ?? null) : null;
  } catch {
    return null;
  }
}
