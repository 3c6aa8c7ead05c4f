import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../rekognition/app-server';
import { buildCorpus, CORPUS_SERVER_ENV } from './harness/corpus';
import { runCorpus, streamOversized } from './harness/run-corpus';
import { HARDENING_ROOT, startHardeningServer } from './harness/server';

const DATA_DIR = `${HARDENING_ROOT}/corpus-spec`;
let app: RunningApp;

beforeAll(async () => {
  await rm(DATA_DIR, { recursive: true, force: true });
  // One client sends the whole corpus, Rekognition cases unsigned: limits off, the endpoint opened.
  app = await startHardeningServer(3430, DATA_DIR, CORPUS_SERVER_ENV);
});

afterAll(async () => {
  await app?.stop();
});

describe('bad-input corpus against the production server', () => {
  it('answers every case with its documented status and code, stays up, memory bounded', async () => {
    const cases = await buildCorpus();
    const { rows, after } = await runCorpus(app.baseUrl, cases, app.pid);
    expect(rows.map((row) => [row.name, row.status, row.code])).toEqual(cases.map((c) => [c.name, c.status, c.code]));
    expect(cases.length).toBeGreaterThan(60);
    expect((await fetch(`${app.baseUrl}/api/health`)).status).toBe(200);
    // Models + gallery + sharp: a few hundred MB; buffering the 40-60 MB bodies would show far above this.
    expect(after.peakRssMb).toBeLessThan(1024);
  });

  it('stops reading an endless chunked upload soon after the limit (never buffers it whole)', async () => {
    const answer = await streamOversized(app.baseUrl, { capBytes: 300 * 1024 * 1024 });
    expect(answer.status).toBe(413);
    expect(answer.sentBytes).toBeLessThan(40 * 1024 * 1024);
  });

  it('refuses a declared 1 GB body on its Content-Length, before reading it', async () => {
    const answer = await streamOversized(app.baseUrl, { declaredLength: 1024 ** 3, capBytes: 300 * 1024 * 1024 });
    expect(answer.status).toBe(413);
    expect(answer.sentBytes).toBeLessThan(20 * 1024 * 1024);
  });
});
