/**
 * Issue #21 items 1 and 2 against a production server: per-client limits (429 + Retry-After in each
 * API's error format, X-Forwarded-For believed only from a trusted proxy), one flooding client leaving
 * another's answers alone, and refusals made before the body is read. Clients are distinct loopback
 * addresses (harness/clients.ts).
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../rekognition/app-server';
import { holdUpload, metricValue, rekognitionFrom, signedRekognitionFrom, uploadFrom, within, type Answer } from './harness/clients';
import { pngBomb, readPhoto, solid } from './harness/images';
import { HARDENING_ROOT, startHardeningServer } from './harness/server';

const DATA_DIR = `${HARDENING_ROOT}/limits-spec`;
const KEYS = { accessKeyId: 'AKIDLIMITSSPEC', secretAccessKey: 'limits-spec-secret' };
let app: RunningApp;
let photo: Uint8Array;

beforeAll(async () => {
  await rm(DATA_DIR, { recursive: true, force: true });
  app = await startHardeningServer(3432, DATA_DIR, {
    RECOGNITION_CONCURRENCY: '1',
    RECOGNITION_QUEUE_DEPTH: '3',
    CLIENT_MAX_IN_FLIGHT: '2',
    // One recognition per 100 s after the burst: no token comes back while a test runs.
    CLIENT_RECOGNITION_RATE: '0.01',
    CLIENT_RECOGNITION_BURST: '4',
    REKOGNITION_ACCESS_KEY_ID: KEYS.accessKeyId,
    REKOGNITION_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
  });
  photo = await readPhoto();
});

afterAll(async () => {
  await app?.stop();
});

const statuses = (answers: Answer[]) => answers.map((a) => a.status).sort((a, b) => a - b);

describe('per-client limits in the app (issue #21 item 1)', () => {
  it('answers a client over its rate 429 with Retry-After in the JSON error format, and serves another client meanwhile', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 6; i++) answers.push(await uploadFrom(app.baseUrl, photo, '127.0.0.11'));
    expect(statuses(answers)).toEqual([201, 201, 201, 201, 429, 429]);
    const limited = answers.find((a) => a.status === 429)!;
    expect(JSON.parse(limited.body)).toMatchObject({ error: { code: 'rate_limited', requestId: expect.any(String) } });
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await uploadFrom(app.baseUrl, photo, '127.0.0.12')).status).toBe(201);
  });

  it('answers /api/rekognition over the limit in AWS format: 429 ThrottlingException with Retry-After', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 6; i++) answers.push(await signedRekognitionFrom(app.baseUrl, KEYS, 'RecognizeCelebrities', { Image: { Bytes: Buffer.from(photo).toString('base64') } }, { from: '127.0.0.14' }));
    expect(statuses(answers)).toEqual([200, 200, 200, 200, 429, 429]);
    const limited = answers.find((a) => a.status === 429)!;
    expect([limited.code, limited.headers['x-amzn-errortype']]).toEqual(['ThrottlingException', 'ThrottlingException']);
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('believes X-Forwarded-For only from a trusted proxy (127.0.0.1 by default), read from the right', async () => {
    // Through the "proxy" (127.0.0.1): the forwarded client is what counts, whatever the client itself claimed before it.
    const viaProxy = async (forwarded: string) => uploadFrom(app.baseUrl, photo, '127.0.0.1', { 'x-forwarded-for': forwarded });
    const proxied: Answer[] = [];
    for (let i = 0; i < 5; i++) proxied.push(await viaProxy(`198.51.100.${i}, 203.0.113.5`));
    expect(statuses(proxied)).toEqual([201, 201, 201, 201, 429]);
    expect((await viaProxy('203.0.113.6')).status).toBe(201);
    // From an untrusted peer, X-Forwarded-For is ignored: new addresses in it do not buy a new allowance.
    const direct: Answer[] = [];
    for (let i = 0; i < 5; i++) direct.push(await uploadFrom(app.baseUrl, photo, '127.0.0.13', { 'x-forwarded-for': `203.0.113.${100 + i}` }));
    expect(statuses(direct)).toEqual([201, 201, 201, 201, 429]);
    expect(await metricValue(app.baseUrl, 'cf_rate_limited_total', { limit: 'recognition_rate' })).toBeGreaterThanOrEqual(5);
  });

  it('keeps a flooding client from raising another client’s 503 rate', async () => {
    // Client A sends 40 uploads at once; client B, meanwhile, one after another.
    const flood = Promise.all(Array.from({ length: 40 }, () => uploadFrom(app.baseUrl, photo, '127.0.0.21')));
    const victim: Answer[] = [];
    for (let i = 0; i < 4; i++) victim.push(await uploadFrom(app.baseUrl, photo, '127.0.0.22'));
    const flooded = await flood;
    expect(victim.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    // A gets at most its in-flight allowance through; the rest are 429, never 503 for B.
    expect(flooded.filter((a) => a.status === 201).length).toBeLessThanOrEqual(4);
    expect(flooded.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(36);
    expect(flooded.filter((a) => a.status >= 500)).toEqual([]);
  });
});

describe('admission before buffering (issue #21 item 2)', () => {
  it('refuses an upload before reading its body when the queue is full (503) or its client holds its allowance (429)', async () => {
    // Capacity is 1 running + 3 waiting: four uploads whose bodies are still on their way hold it all.
    const held = await Promise.all(['127.0.0.31', '127.0.0.31', '127.0.0.32', '127.0.0.33'].map((from) => holdUpload(app.baseUrl, photo, { from, firstBytes: 1024 })));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A 10 MB upload of which only the headers are sent: answered at once, not after a body that never comes.
    const full = await holdUpload(app.baseUrl, photo, { from: '127.0.0.34', padTo: 10 * 1024 * 1024 - 4096 });
    const refused = await within(full.answer, 3_000);
    expect([refused?.status, refused?.code, full.sent()]).toEqual([503, 'busy', 0]);
    expect(Number(refused?.retryAfter)).toBeGreaterThanOrEqual(1);
    const sameClient = await holdUpload(app.baseUrl, photo, { from: '127.0.0.31', padTo: 10 * 1024 * 1024 - 4096 });
    const limited = await within(sameClient.answer, 3_000);
    expect([limited?.status, limited?.code, sameClient.sent()]).toEqual([429, 'rate_limited', 0]);
    for (const upload of held) upload.finish();
    expect((await Promise.all(held.map((upload) => upload.answer))).map((a) => a.status)).toEqual([201, 201, 201, 201]);
    for (const upload of [full, sameClient]) upload.abort();
  });

  it('gives raw bytes on /api/rekognition the uploads’ pixel budget and 80 px minimum (issue #21 item 5)', async () => {
    const call = async (bytes: Uint8Array) => (await signedRekognitionFrom(app.baseUrl, KEYS, 'RecognizeCelebrities', { Image: { Bytes: Buffer.from(bytes).toString('base64') } }, { from: '127.0.0.35' }));
    const small = await call(await solid(79, 200));
    expect([small.status, small.code]).toEqual([400, 'InvalidParameterException']);
    const bomb = await call(pngBomb(30_000, 30_000));
    expect([bomb.status, bomb.code]).toEqual([400, 'ImageTooLargeException']);
  });
});

describe('the Rekognition endpoint with keys (issue #21 item 5)', () => {
  it('refuses a request whose signature leaves out host or x-amz-target, and one not signed at all', async () => {
    const lookUp = (unsigned: string[]) => signedRekognitionFrom(app.baseUrl, KEYS, 'GetCelebrityInfo', { Id: '1aB2c3' }, { from: '127.0.0.36', unsigned });
    for (const left of [['x-amz-target'], ['host']]) {
      const answer = await lookUp(left);
      expect([left, answer.status, answer.code]).toEqual([left, 403, 'InvalidSignatureException']);
    }
    // Well signed (host with its port, as the SDK signs it): served (an unknown id).
    const served = await lookUp([]);
    expect([served.status, served.code]).toEqual([400, 'ResourceNotFoundException']);
    const anonymous = await rekognitionFrom(app.baseUrl, photo, '127.0.0.36');
    expect([anonymous.status, anonymous.code]).toEqual([403, 'UnrecognizedClientException']);
  });
});
