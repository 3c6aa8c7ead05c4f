/**
 * Issue #21 item 4 against a production server whose face engine runs in one worker thread (as each pm2
 * worker's does): the thread is killed (ENGINE_FAULT_INJECTION's SIGUSR2: an uncaught error in the thread
 * once it is idle), /api/health says 503 until a new thread has loaded every net, and requests sent
 * meanwhile wait for it and succeed.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../rekognition/app-server';
import { metricValue, send, uploadFrom, within } from './harness/clients';
import { readPhoto } from './harness/images';
import { HARDENING_ROOT, startHardeningServer } from './harness/server';

const DATA_DIR = `${HARDENING_ROOT}/self-healing-spec`;
let app: RunningApp;
let photo: Uint8Array;

beforeAll(async () => {
  await rm(DATA_DIR, { recursive: true, force: true });
  app = await startHardeningServer(3435, DATA_DIR, { ENGINE_WORKERS: '1', ENGINE_FAULT_INJECTION: '1', CLIENT_RECOGNITION_RATE: '0', CLIENT_MAX_IN_FLIGHT: '0' });
  photo = await readPhoto();
});

afterAll(async () => {
  await app?.stop();
});

describe('self-healing engine (issue #21 item 4)', () => {
  it('starts a killed engine thread again: health says 503 meanwhile, and the next requests succeed', async () => {
    expect((await send(`${app.baseUrl}/api/health`)).status).toBe(200);
    const killedAt = performance.now();
    process.kill(app.pid, 'SIGUSR2');
    // Sent at once, while the only engine thread is down: they wait for its successor instead of failing.
    const next = Promise.all([uploadFrom(app.baseUrl, photo), uploadFrom(app.baseUrl, photo)]);
    const seen: number[] = [];
    let recoveredMs = Number.POSITIVE_INFINITY;
    while (performance.now() - killedAt < 30_000) {
      const health = await within(send(`${app.baseUrl}/api/health`), 5_000);
      seen.push(health?.status ?? 0);
      if (health?.status === 200 && seen.includes(503)) {
        recoveredMs = performance.now() - killedAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(seen).toContain(503);
    expect(recoveredMs).toBeLessThan(15_000);
    expect((await next).map((answer) => answer.status)).toEqual([201, 201]);
    expect((await uploadFrom(app.baseUrl, photo)).status).toBe(201);
    expect(await metricValue(app.baseUrl, 'cf_engine_worker_restarts_total')).toBe(1);
  });
});
