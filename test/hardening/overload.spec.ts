import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningApp } from '../rekognition/app-server';
import { readPhoto } from './harness/images';
import { HARDENING_ROOT, startHardeningServer } from './harness/server';

let app: RunningApp | undefined;

afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function start(port: number, env: Record<string, string>): Promise<RunningApp> {
  const dataDir = `${HARDENING_ROOT}/overload-${port}`;
  await rm(dataDir, { recursive: true, force: true });
  // One client sends the whole burst: the per-client limits (limits.spec.ts) are off here.
  app = await startHardeningServer(port, dataDir, { CLIENT_RECOGNITION_RATE: '0', CLIENT_MAX_IN_FLIGHT: '0', REKOGNITION_ALLOW_UNSIGNED: '1', ...env });
  return app;
}

interface Answer {
  status: number;
  code: string | null;
  retryAfter: string | null;
}

async function burstUploads(baseUrl: string, count: number): Promise<Answer[]> {
  const photo = Buffer.from(await readPhoto());
  return Promise.all(
    Array.from({ length: count }, async () => {
      const form = new FormData();
      form.append('image', new Blob([photo], { type: 'image/jpeg' }), 'photo.jpg');
      const response = await fetch(`${baseUrl}/api/recognitions`, { method: 'POST', body: form });
      const body = (await response.json()) as { error?: { code: string } };
      return { status: response.status, code: body.error?.code ?? null, retryAfter: response.headers.get('retry-after') };
    }),
  );
}

async function burstRekognition(baseUrl: string, count: number): Promise<Answer[]> {
  const body = JSON.stringify({ Image: { Bytes: Buffer.from(await readPhoto()).toString('base64') } });
  return Promise.all(
    Array.from({ length: count }, async () => {
      const response = await fetch(`${baseUrl}/api/rekognition`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RekognitionService.RecognizeCelebrities' },
        body,
      });
      const answer = (await response.json()) as { __type?: string };
      return { status: response.status, code: answer.__type ?? null, retryAfter: response.headers.get('retry-after') };
    }),
  );
}

const count = (answers: Answer[], status: number) => answers.filter((a) => a.status === status).length;

describe('bounded recognition queue under a burst', () => {
  it('serves concurrency + depth and refuses the rest at once: 503 busy with Retry-After, on both APIs', async () => {
    const { baseUrl } = await start(3440, { RECOGNITION_CONCURRENCY: '1', RECOGNITION_QUEUE_DEPTH: '2', RECOGNITION_TIMEOUT_MS: '60000' });
    const uploads = await burstUploads(baseUrl, 12);
    expect(count(uploads, 201) + count(uploads, 503)).toBe(12);
    expect(count(uploads, 201)).toBeGreaterThanOrEqual(3);
    const refused = uploads.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThanOrEqual(6);
    expect(new Set(refused.map((a) => a.code))).toEqual(new Set(['busy']));
    expect(refused.every((a) => Number(a.retryAfter) >= 1)).toBe(true);

    const aws = await burstRekognition(baseUrl, 12);
    expect(count(aws, 200) + count(aws, 400)).toBe(12);
    const throttled = aws.filter((a) => a.status === 400);
    expect(throttled.length).toBeGreaterThanOrEqual(6);
    expect(new Set(throttled.map((a) => a.code))).toEqual(new Set(['ThrottlingException']));
    expect(throttled.every((a) => Number(a.retryAfter) >= 1)).toBe(true);
    expect((await fetch(`${baseUrl}/api/health`)).status).toBe(200);
  });

  it('times out a request that waits too long in line: 503 timeout with Retry-After', async () => {
    const { baseUrl } = await start(3441, { RECOGNITION_CONCURRENCY: '1', RECOGNITION_QUEUE_DEPTH: '50', RECOGNITION_TIMEOUT_MS: '150' });
    const uploads = await burstUploads(baseUrl, 8);
    expect(count(uploads, 201) + count(uploads, 503)).toBe(8);
    expect(count(uploads, 201)).toBeGreaterThanOrEqual(1);
    const timedOut = uploads.filter((a) => a.code === 'timeout');
    expect(timedOut.length).toBeGreaterThanOrEqual(4);
    expect(timedOut.every((a) => a.status === 503 && Number(a.retryAfter) >= 1)).toBe(true);
  });
});
