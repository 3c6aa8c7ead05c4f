/** The gateway against Debian's real ffmpeg, on tiny files made here. */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { extractFrame, probeVideo, sampleFrames } from './ffmpeg';

const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
let dir: string;

function ffmpeg(...args: string[]): void {
  const result = spawnSync('ffmpeg', ['-y', '-nostdin', '-loglevel', 'error', ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cf-ffmpeg-'));
  // 3 s at 30 fps: black, then white from exactly 1.2 s.
  ffmpeg('-f', 'lavfi', '-i', 'color=c=black:s=160x120:r=30:d=3', '-vf', "drawbox=enable='gte(t,1.2)':c=white:t=fill", '-c:v', 'libx264', '-pix_fmt', 'yuv420p', join(dir, 'switch.mp4'));
  ffmpeg('-f', 'lavfi', '-i', 'color=c=red:s=160x120:r=25:d=1', '-c:v', 'libvpx-vp9', '-deadline', 'realtime', join(dir, 'red.webm'));
  ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', join(dir, 'audio.m4a'));
  await writeFile(join(dir, 'text.mp4'), 'this is not a video at all');
  await sharp({ create: { width: 64, height: 64, channels: 3, background: '#888' } }).jpeg().toFile(join(dir, 'photo.jpg'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('probeVideo', () => {
  it('reads MP4 and WebM facts', async () => {
    expect(await probeVideo(join(dir, 'switch.mp4'), tools)).toMatchObject({ container: 'mp4', codec: 'h264', width: 160, height: 120, frameRate: 30, durationMs: 3_000 });
    expect(await probeVideo(join(dir, 'red.webm'), tools)).toMatchObject({ container: 'matroska', codec: 'vp9', width: 160, height: 120 });
  });

  it('refuses what is not a readable video with a clear 4xx', async () => {
    const text = await failure(probeVideo(join(dir, 'text.mp4'), tools));
    expect([text.code, text.status]).toEqual(['unsupported_type', 415]);
    const photo = await failure(probeVideo(join(dir, 'photo.jpg'), tools));
    expect([photo.code, photo.status]).toEqual(['unsupported_type', 415]);
    const audio = await failure(probeVideo(join(dir, 'audio.m4a'), tools));
    expect([audio.code, audio.status, audio.message]).toEqual(['no_video_stream', 422, 'This file has no video picture to look at (audio only?).']);
  });
});

describe('sampleFrames', () => {
  const brightness = async (jpeg: Uint8Array) => Math.round((await sharp(jpeg).stats()).channels[0]!.mean);

  it('gives frame k as the picture on screen at k × interval, from the start or resumed at any frame', async () => {
    const whole: Array<[number, boolean]> = [];
    for await (const frame of sampleFrames(join(dir, 'switch.mp4'), tools, { intervalMs: 400 })) whole.push([frame.timeMs, (await brightness(frame.jpeg)) > 128]);
    // White from 1.2 s: the sample at 1.2 s shows it, the one at 0.8 s does not.
    expect(whole).toEqual([[0, false], [400, false], [800, false], [1200, true], [1600, true], [2000, true], [2400, true], [2800, true]]);
    const resumed: Array<[number, boolean]> = [];
    for await (const frame of sampleFrames(join(dir, 'switch.mp4'), tools, { intervalMs: 400, startIndex: 2 })) resumed.push([frame.timeMs, (await brightness(frame.jpeg)) > 128]);
    expect(resumed).toEqual(whole.slice(2));
  });

  it('stops ffmpeg when the consumer stops early', async () => {
    let taken = 0;
    for await (const frame of sampleFrames(join(dir, 'switch.mp4'), tools, { intervalMs: 100 })) {
      expect(frame.jpeg.byteLength).toBeGreaterThan(100);
      if (++taken === 2) break;
    }
    expect(taken).toBe(2);
  });

  it('extracts one frame as a JPEG', async () => {
    expect(await brightness(await extractFrame(join(dir, 'switch.mp4'), tools, 2_000))).toBeGreaterThan(200);
    expect(await brightness(await extractFrame(join(dir, 'switch.mp4'), tools, 500))).toBeLessThan(50);
  });
});
