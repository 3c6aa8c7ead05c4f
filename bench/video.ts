/**
 * npm run bench:video -- [--seconds 60] [--fps 2] [--keep]
 * How fast a video job runs: a 720p clip (1280×720, 30 fps, H.264) made from dataset photos with a slow pan
 * over each (every frame differs, as in a real video; 2-6 faces on screen), processed by the real job runner
 * as the server runs it: ffmpeg decoding and sampling, the engine with the shipped celebrity pack, SQLite
 * checkpoints, tracking and the best-face thumbnails. Prints the CPU, ffmpeg's version, the sampling rate,
 * frames, faces, wall time and the speed in multiples of real time against the target (≥ 5×). The last line is
 * one JSON object.
 */
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getConfig } from '../lib/config';
import { createLocalRecognizer } from '../lib/recognizer/local';
import { createSqliteVideoStore } from '../lib/store/video-store';
import { createVideoJobRunner, frameRecognizerFor } from '../lib/use-cases/video-jobs';
import { extractFrame, ffmpegVersion, probeVideo } from '../lib/video/ffmpeg';
import { framesPlanned, intervalMsFor } from '../lib/video/sampling';
import { buildSlideshow, type Slide } from '../test/video/clip';

const TARGET_SPEED = 5;
const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
const PHOTOS = [
  'raw/face_recognition_ageitgey/examples/two_people.jpg',
  'raw/face_recognition_ageitgey/examples/knn_examples/test/kit_with_rose.jpg',
  'raw/faceapi_bbt/examples/images/bbt1.jpg',
  'raw/openface_cmu/images/examples/longoria-cooper.jpg',
  'raw/five_celebrity_jasmcaus/Resources/Photos/group 2.jpg',
  'raw/faceapi_bbt/examples/images/bbt4.jpg',
];

const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, fps: { type: 'string', default: '2' }, keep: { type: 'boolean', default: false } } });
const seconds = Number(args.seconds);
const sampleFps = Number(args.fps);

const dir = await mkdtemp(join(tmpdir(), 'cf-bench-video-'));
const clip = join(dir, 'bench-720p.mp4');
const slideMs = (seconds * 1000) / PHOTOS.length;
const slides: Slide[] = PHOTOS.map((photo, i) => ({ photo, fromMs: Math.round(i * slideMs), toMs: Math.round((i + 1) * slideMs) }));
let started = performance.now();
buildSlideshow(slides, clip, { width: 1280, height: 720, fps: 30, pan: true });
const buildMs = performance.now() - started;

const config = getConfig({ ...process.env, DATA_DIR: join(dir, 'data'), GALLERY_OPT_OUT: join(dir, 'none.txt') });
const store = createSqliteVideoStore(join(dir, 'data'));
const recognizer = await createLocalRecognizer(config);
const metadata = await probeVideo(clip, tools);
const intervalMs = intervalMsFor(sampleFps);
const tempPath = store.incomingPath('mp4');
await copyFile(clip, tempPath);
const recognize = frameRecognizerFor(recognizer);
// Warm-up: the first inference of each net is slower; a server is warm before its first job.
await recognize(await extractFrame(clip, tools, 1_000));
let faces = 0;
const video = await store.create({
  tempPath, mimeType: 'video/mp4', byteLength: (await stat(clip)).size, metadata, intervalMs,
  framesPlanned: framesPlanned(metadata.durationMs, intervalMs), poster: await extractFrame(clip, tools, 1_000),
});
started = performance.now();
const cpuBefore = process.cpuUsage();
const loadBefore = os.loadavg()[0]!;
const runner = createVideoJobRunner({
  store, tools, slots: 1, pollMs: 50,
  recognizeFrame: async () => async (jpeg) => {
    const found = await recognize(jpeg);
    faces += found.length;
    return found;
  },
});
let job = await store.get(video.id);
while (job && job.status !== 'done' && job.status !== 'failed') {
  await new Promise((done) => setTimeout(done, 20));
  job = await store.get(video.id);
}
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const ownCpuMs = (cpu.user + cpu.system) / 1000;
const loadAfter = os.loadavg()[0]!;
await runner.stop();
if (!job || job.status !== 'done') throw new Error(`the job did not finish: ${job?.status} ${job?.statusMessage}`);
const speed = metadata.durationMs / wallMs;

const cpuModel = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`CPU: ${cpuModel}, ${os.availableParallelism()} cores; ${await ffmpegVersion(tools)}`);
console.log(`clip: ${metadata.width}×${metadata.height} ${metadata.codec} ${metadata.frameRate} fps, ${(metadata.durationMs / 1000).toFixed(1)} s (built in ${(buildMs / 1000).toFixed(1)} s)`);
console.log(`sampling: ${sampleFps} frames/s (every ${intervalMs} ms): ${job.framesDone} frames, ${faces} faces, ${job.result!.persons.length} persons`);
console.log(`job: ${(wallMs / 1000).toFixed(2)} s wall, ${(wallMs / job.framesDone).toFixed(1)} ms a frame; this process's CPU ${(ownCpuMs / 1000).toFixed(1)} s (ffmpeg's not counted)`);
// Other work on the machine slows the job down: a 1-minute load average above ~2.5 on 2 cores means it was not alone.
console.log(`load average (1 min): ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after${loadAfter > 2.5 ? ': the machine was busy, the speed is not this code\'s' : ''}`);
console.log(`speed: ${speed.toFixed(1)}× real time (target ≥ ${TARGET_SPEED}×: ${speed >= TARGET_SPEED ? 'met' : 'NOT met'})`);
console.log(JSON.stringify({ cpu: cpuModel, cores: os.availableParallelism(), width: metadata.width, height: metadata.height, durationMs: metadata.durationMs, sampleFps, frames: job.framesDone, faces, wallMs: Math.round(wallMs), speed: Math.round(speed * 10) / 10, target: TARGET_SPEED, ownCpuMs: Math.round(ownCpuMs), loadBefore, loadAfter }));
store.close();
if (!args.keep) await rm(dir, { recursive: true, force: true });
process.exit(0);
