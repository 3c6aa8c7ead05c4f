/**
 * Issue #21 items 3 and 5 against a production server with one recognition slot and one face-engine
 * thread: the recognition deadline frees the slot, a client that goes away cancels its queued work, a JPEG
 * with absurd scan counts is refused at once, and /api/rekognition is closed in production without keys.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../rekognition/app-server';
import { progressiveScanBomb } from '../fuzz/jpeg-mutations';
import { holdUpload, metricValue, rekognitionFrom, uploadFrom } from './harness/clients';
import { readPhoto } from './harness/images';
import { HARDENING_ROOT, startHardeningServer } from './harness/server';

const DATA_DIR = `${HARDENING_ROOT}/deadlines-spec`;
/** Far above a one-face photo's recognition here (50-400 ms, loaded or not), far below the crowd's (2-7 s). */
const DEADLINE_MS = 1_000;
let app: RunningApp;
let photo: Uint8Array;
/** 64 faces on a 4800 px square: 2.2 s of recognition on an idle machine here, well past the deadline. */
let crowd: Uint8Array;

beforeAll(async () => {
  await rm(DATA_DIR, { recursive: true, force: true });
  app = await startHardeningServer(3433, DATA_DIR, {
    RECOGNITION_CONCURRENCY: '1',
    RECOGNITION_DEADLINE_MS: String(DEADLINE_MS),
    ENGINE_WORKERS: '1',
    // The limits have their own spec; this one sends from one client.
    CLIENT_RECOGNITION_RATE: '0',
    CLIENT_MAX_IN_FLIGHT: '0',
  });
  photo = await readPhoto('raw/face_recognition_ageitgey/examples/obama_small.jpg');
  const tile = await sharp(await readPhoto()).resize(600, 600, { fit: 'cover' }).jpeg().toBuffer();
  crowd = new Uint8Array(await sharp({ create: { width: 4800, height: 4800, channels: 3, background: '#777' } })
    .composite(Array.from({ length: 64 }, (_, i) => ({ input: tile, left: (i % 8) * 600, top: Math.floor(i / 8) * 600 })))
    .jpeg({ quality: 85 })
    .toBuffer());
});

afterAll(async () => {
  await app?.stop();
});

/** Resolves once the gauge reads `value`; fails the test after 5 s so a wrong state cannot pass unnoticed. */
async function untilMetric(name: string, value: number): Promise<void> {
  const giveUpAt = Date.now() + 5_000;
  let last = await metricValue(app.baseUrl, name);
  while (last !== value) {
    if (Date.now() > giveUpAt) throw new Error(`${name} stayed at ${last}, expected ${value}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    last = await metricValue(app.baseUrl, name);
  }
}

const rows = () => {
  const db = new Database(join(DATA_DIR, 'recognitions.sqlite'), { readonly: true });
  try {
    return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM recognitions').get()!.n;
  } finally {
    db.close();
  }
};

describe('deadlines (issue #21 item 3)', () => {
  it('stops a recognition at RECOGNITION_DEADLINE_MS with 504 and frees its slot for the next one', async () => {
    const slow = await uploadFrom(app.baseUrl, crowd);
    expect([slow.status, slow.code]).toEqual([504, 'deadline']);
    expect(slow.ms).toBeGreaterThanOrEqual(DEADLINE_MS);
    expect(slow.ms).toBeLessThan(DEADLINE_MS + 1_500);
    const next = await uploadFrom(app.baseUrl, photo);
    expect(next.status).toBe(201);
    expect(await metricValue(app.baseUrl, 'cf_recognition_deadline_total')).toBe(1);
  });

  it('cancels the queued recognition of a client that went away: it never runs and nothing is stored', async () => {
    const before = rows();
    const running = uploadFrom(app.baseUrl, crowd);
    // Poll the admission gauges rather than sleep: on a loaded box fixed sleeps raced the 1 s deadline.
    await untilMetric('cf_admission_running', 1);
    const queued = await holdUpload(app.baseUrl, photo);
    queued.finish();
    await untilMetric('cf_admission_queued', 1);
    queued.abort();
    expect((await running).status).toBe(504);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(rows()).toBe(before);
    expect(await metricValue(app.baseUrl, 'cf_recognition_cancelled_total', { stage: 'waiting' })).toBe(1);
  });

  it('refuses a progressive JPEG with hundreds of scans at once instead of grinding through them', async () => {
    // 883 valid scans of a 16 MP image: seconds of CPU for any decoder without a scan limit.
    const bomb = progressiveScanBomb(4096, 13);
    const upload = await uploadFrom(app.baseUrl, bomb);
    expect([upload.status, upload.code]).toEqual([415, 'unsupported_type']);
    expect(upload.ms).toBeLessThan(1_000);
  });
});

describe('the Rekognition endpoint in production without keys (issue #21 item 5)', () => {
  it('is closed: 403 AccessDeniedException, before the body is read', async () => {
    const answer = await rekognitionFrom(app.baseUrl, photo);
    expect([answer.status, answer.code, answer.headers['x-amzn-errortype']]).toEqual([403, 'AccessDeniedException', 'AccessDeniedException']);
  });
});
