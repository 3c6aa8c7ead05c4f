/**
 * StartCelebrityRecognition / GetCelebrityRecognition with the real @aws-sdk/client-rekognition against a
 * production build of the app (local engine, the shipped celebrity pack, signature check on). The clip is
 * built at test time from dataset photos (test/video/clip.ts): Obama, then Kit Harington with Rose Leslie,
 * then a stranger; it is uploaded with POST /api/videos and named to the SDK as an object of the `uploads`
 * bucket, as no S3 bucket is configured.
 */
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetCelebrityRecognitionCommand,
  type GetCelebrityRecognitionCommandOutput,
  InvalidPaginationTokenException,
  InvalidS3ObjectException,
  RekognitionClient,
  ResourceNotFoundException,
  StartCelebrityRecognitionCommand,
} from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSlideshow, type Slide } from '../video/clip';
import { ensureProductionBuild, startApp, type RunningApp } from './app-server';

const PORT = 3202;
const DATA_DIR = '/tmp/cf-rekognition/video-contract';
const KEYS = { accessKeyId: 'AKIDVIDEOCONTRACT', secretAccessKey: 'video-contract-secret' };
const EXAMPLES = 'raw/face_recognition_ageitgey/examples';
const slides: Slide[] = [
  { photo: `${EXAMPLES}/obama2.jpg`, fromMs: 0, toMs: 2_000, people: ['Barack Obama'] },
  { photo: `${EXAMPLES}/knn_examples/test/kit_with_rose.jpg`, fromMs: 2_000, toMs: 4_000, people: ['Kit Harington', 'Rose Leslie'] },
  { photo: 'raw/five_celebrity_jasmcaus/Resources/Photos/lady.jpg', fromMs: 4_000, toMs: 5_000 },
];

let app: RunningApp;
let dir: string;
let videoId: string;

const client = () => new RekognitionClient({ region: 'us-east-1', endpoint: `${app.baseUrl}/api/rekognition`, credentials: KEYS, maxAttempts: 1 });

async function thrownBy(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => new Error('expected the call to fail'), (error: unknown) => error);
}

async function untilDone(jobId: string): Promise<GetCelebrityRecognitionCommandOutput> {
  for (let i = 0; i < 240; i += 1) {
    const answer = await client().send(new GetCelebrityRecognitionCommand({ JobId: jobId }));
    if (answer.JobStatus !== 'IN_PROGRESS') return answer;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error('the job did not finish within 60 s');
}

beforeAll(async () => {
  ensureProductionBuild();
  await rm(DATA_DIR, { recursive: true, force: true });
  dir = await mkdtemp(join(tmpdir(), 'cf-video-contract-'));
  const clip = join(dir, 'clip.mp4');
  buildSlideshow(slides, clip, { width: 480, height: 270 });
  const audio = spawnSync('ffmpeg', ['-y', '-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', join(dir, 'audio.m4a')]);
  if (audio.status !== 0) throw new Error('ffmpeg could not make the audio file');
  app = await startApp(PORT, { RECOGNIZER: 'local', DATA_DIR, REKOGNITION_ACCESS_KEY_ID: KEYS.accessKeyId, REKOGNITION_SECRET_ACCESS_KEY: KEYS.secretAccessKey });
  const form = new FormData();
  form.append('video', new Blob([await readFile(clip)], { type: 'video/mp4' }), 'clip.mp4');
  const response = await fetch(`${app.baseUrl}/api/videos`, { method: 'POST', body: form });
  expect(response.status).toBe(202);
  videoId = ((await response.json()) as { id: string }).id;
}, 900_000);

afterAll(async () => {
  await app?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('StartCelebrityRecognition and GetCelebrityRecognition through the AWS SDK', () => {
  it('starts a job on an upload and answers its celebrities as AWS shapes them, by time and by id, page by page', async () => {
    const { JobId } = await client().send(new StartCelebrityRecognitionCommand({ Video: { S3Object: { Bucket: 'uploads', Name: videoId } }, JobTag: 'contract', ClientRequestToken: 'contract-token-1' }));
    expect(JobId).toMatch(/^[a-zA-Z0-9-_]{1,64}$/);
    // The same ClientRequestToken gives the same job, as AWS's idempotency does.
    const again = await client().send(new StartCelebrityRecognitionCommand({ Video: { S3Object: { Bucket: 'uploads', Name: videoId } }, ClientRequestToken: 'contract-token-1' }));
    expect(again.JobId).toBe(JobId);

    const done = await untilDone(JobId!);
    expect(done.JobStatus).toBe('SUCCEEDED');
    expect(done.JobTag).toBe('contract');
    expect(done.Video?.S3Object).toEqual({ Bucket: 'uploads', Name: videoId });
    expect(done.VideoMetadata).toMatchObject({ Codec: 'h264', FrameWidth: 480, FrameHeight: 270, FrameRate: 30 });
    expect(done.VideoMetadata!.DurationMillis).toBeGreaterThanOrEqual(4_900);
    expect(done.VideoMetadata!.DurationMillis).toBeLessThanOrEqual(5_100);

    const byTime = done.Celebrities!;
    expect(new Set(byTime.map((c) => c.Celebrity!.Name))).toEqual(new Set(['Barack Obama', 'Kit Harington', 'Rose Leslie']));
    const times = byTime.map((c) => c.Timestamp!);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const { Timestamp, Celebrity } of byTime) {
      expect(Celebrity!.Id).toMatch(/^[0-9A-Za-z]+$/);
      expect(Celebrity!.Confidence).toBeGreaterThan(50);
      expect(Celebrity!.Confidence).toBeLessThanOrEqual(100);
      expect(Celebrity!.BoundingBox!.Width).toBeGreaterThan(0);
      expect(Celebrity!.Face!.BoundingBox).toEqual(Celebrity!.BoundingBox);
      const truth = slides.find((s) => s.people?.includes(Celebrity!.Name!))!;
      expect(Timestamp).toBeGreaterThanOrEqual(truth.fromMs);
      expect(Timestamp).toBeLessThan(truth.toMs);
    }
    expect(byTime.find((c) => c.Celebrity!.Name === 'Kit Harington')!.Celebrity!.Urls).toEqual(['https://www.imdb.com/name/nm3229685/']);

    const byId = await client().send(new GetCelebrityRecognitionCommand({ JobId, SortBy: 'ID' }));
    const ids = byId.Celebrities!.map((c) => c.Celebrity!.Id!);
    expect(ids).toEqual([...ids].sort());
    expect(byId.Celebrities).toHaveLength(byTime.length);

    // Pages of 3 with NextToken give back every entry once, in order, and the last page has no token.
    const paged: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await client().send(new GetCelebrityRecognitionCommand({ JobId, SortBy: 'ID', MaxResults: 3, NextToken }));
      expect(page.Celebrities!.length).toBeLessThanOrEqual(3);
      paged.push(...page.Celebrities!.map((c) => `${c.Celebrity!.Id}@${c.Timestamp}`));
      NextToken = page.NextToken;
      pages += 1;
    } while (NextToken);
    expect(paged).toEqual(byId.Celebrities!.map((c) => `${c.Celebrity!.Id}@${c.Timestamp}`));
    expect(pages).toBe(Math.ceil(byTime.length / 3));

    const tokenOfIdOrder = (await client().send(new GetCelebrityRecognitionCommand({ JobId, SortBy: 'ID', MaxResults: 1 }))).NextToken;
    expect(await thrownBy(client().send(new GetCelebrityRecognitionCommand({ JobId, SortBy: 'TIMESTAMP', NextToken: tokenOfIdOrder })))).toBeInstanceOf(InvalidPaginationTokenException);
  });

  it('POST /api/videos refuses unreadable files, audio without a picture and oversized bodies with clear 4xx; DELETE needs the token', async () => {
    const send = async (bytes: Uint8Array<ArrayBuffer> | string, name: string) => {
      const form = new FormData();
      form.append('video', new Blob([bytes]), name);
      const response = await fetch(`${app.baseUrl}/api/videos`, { method: 'POST', body: form });
      return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
    };
    expect(await send('not a video at all', 'notes.mp4')).toMatchObject({ status: 415, body: { error: { code: 'unsupported_type' } } });
    expect(await send(new Uint8Array(await readFile(join(dir, 'audio.m4a'))), 'audio.m4a')).toMatchObject({ status: 422, body: { error: { code: 'no_video_stream' } } });
    expect(await send(new Uint8Array(0), 'empty.mp4')).toMatchObject({ status: 400, body: { error: { code: 'invalid_input' } } });
    // A 300 MB body is refused from its Content-Length alone: the answer comes before any of the body is sent.
    const huge = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const upload = request(`${app.baseUrl}/api/videos`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(300 * 1024 * 1024) } }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body });
          upload.destroy();
        });
      });
      upload.on('error', reject);
      upload.flushHeaders();
    });
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.body)).toMatchObject({ error: { code: 'too_large', message: 'The video is too large; the limit is 200 MB.' } });
    expect((await fetch(`${app.baseUrl}/api/videos/${videoId}`, { method: 'DELETE' })).status).toBe(401);
    expect((await fetch(`${app.baseUrl}/api/videos/${videoId}`, { method: 'DELETE', headers: { authorization: 'Bearer wrong' } })).status).toBe(403);
  });

  it('answers an unknown job, another bucket and an unknown upload with the SDK\'s own exceptions', async () => {
    expect(await thrownBy(client().send(new GetCelebrityRecognitionCommand({ JobId: 'AAAAAAAAAAAAAAAAAAAAAA' })))).toBeInstanceOf(ResourceNotFoundException);
    expect(await thrownBy(client().send(new StartCelebrityRecognitionCommand({ Video: { S3Object: { Bucket: 'my-bucket', Name: videoId } } })))).toBeInstanceOf(InvalidS3ObjectException);
    expect(await thrownBy(client().send(new StartCelebrityRecognitionCommand({ Video: { S3Object: { Bucket: 'uploads', Name: 'AAAAAAAAAAAAAAAAAAAAAA' } } })))).toBeInstanceOf(InvalidS3ObjectException);
  });
});
