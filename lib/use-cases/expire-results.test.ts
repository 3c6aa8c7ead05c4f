import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../store/sqlite-store';
import type { NewRecognition } from '../store/types';
import { newDeleteToken } from '../security/delete-token';
import { startRetentionSweeper, sweepExpired, sweepIntervalMs } from './expire-results';

const photo = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
const recognition: NewRecognition = {
  recognizer: 'local',
  result: { CelebrityFaces: [], UnrecognizedFaces: [] },
  image: { bytes: photo, mimeType: 'image/jpeg', width: 100, height: 100 },
};
let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cf-retention-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('retention (RESULT_TTL_DAYS)', () => {
  it('removes results older than the TTL, row and photo, and keeps newer ones', async () => {
    const store = createSqliteStore(dataDir);
    const saved = await store.save(recognition);
    expect(await sweepExpired(store, 1)).toBe(0);
    const twoDaysLater = new Date(Date.now() + 2 * 24 * 3600 * 1000);
    expect(await sweepExpired(store, 1, twoDaysLater)).toBe(1);
    expect(await store.get(saved.id)).toBeNull();
    expect(await readdir(join(dataDir, 'images', saved.id.slice(0, 2)))).toEqual([]);
    store.close();
  });

  it('sweeps periodically in the background', async () => {
    const store = createSqliteStore(dataDir);
    const saved = await store.save(recognition);
    const stop = startRetentionSweeper(() => store, 0.5 / 86_400);
    await new Promise((done) => setTimeout(done, 2_500));
    stop();
    expect(await store.get(saved.id)).toBeNull();
    store.close();
  });

  it('sweeps between once a second and once an hour', () => {
    expect([sweepIntervalMs(1e-9), sweepIntervalMs(1 / 24 / 60), sweepIntervalMs(30)]).toEqual([1_000, 15_000, 3_600_000]);
  });
});

describe('delete tokens in the store', () => {
  it('the store keeps the hash and removes on request', async () => {
    const store = createSqliteStore(dataDir);
    const { hash } = newDeleteToken();
    const saved = await store.save({ ...recognition, deleteTokenHash: hash });
    expect(await store.getDeleteTokenHash(saved.id)).toBe(hash);
    expect(await store.getDeleteTokenHash('../x')).toBeNull();
    expect(await store.remove(saved.id)).toBe(true);
    expect(await store.remove(saved.id)).toBe(false);
    expect(await store.readImage(saved.id)).toBeNull();
    store.close();
  });
});
