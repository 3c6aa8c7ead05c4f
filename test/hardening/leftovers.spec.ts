/**
 * Issue #21 items 6-9 against a production server: face crops made at upload (viewing a result decodes no
 * photo), photos without a face not stored, photos and crops cached privately with validators so a DELETE
 * is final, the start-up sweep of leftovers, and a delete that cannot remove its photo not reported done.
 */
import { mkdir, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../rekognition/app-server';
import { metricValue, send, uploadFrom } from './harness/clients';
import { readPhoto, REAL_PHOTOS } from './harness/images';
import { HARDENING_ROOT, startHardeningServer } from './harness/server';

const DATA_DIR = `${HARDENING_ROOT}/leftovers-spec`;
const IMAGES = join(DATA_DIR, 'images');
let app: RunningApp;

interface Created {
  id: string;
  deleteToken: string;
  result: { CelebrityFaces: unknown[]; UnrecognizedFaces: unknown[] };
}

async function upload(photo: Uint8Array): Promise<Created> {
  const answer = await uploadFrom(app.baseUrl, photo);
  expect(answer.status).toBe(201);
  return JSON.parse(answer.body) as Created;
}

const photoFile = (id: string) => join(IMAGES, id.slice(0, 2), `${id}.jpg`);
const exists = (path: string) => stat(path).then(() => true, () => false);
const rowCount = () => {
  const db = new Database(join(DATA_DIR, 'recognitions.sqlite'), { readonly: true });
  try {
    return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM recognitions').get()!.n;
  } finally {
    db.close();
  }
};

// Left behind by an earlier run of the server (a crash between a photo and its row, a crash mid-write),
// before this one starts: an old orphan photo and crop, an old temporary file, and a young one.
const ORPHAN = 'Zq0rphan0000000000000A';
const LEFTOVERS = { old: [`${ORPHAN}.jpg`, `${ORPHAN}.face0.jpg`, '.tmp-00112233aabbccdd'], young: ['.tmp-99887766aabbccdd'] };

beforeAll(async () => {
  await rm(DATA_DIR, { recursive: true, force: true });
  const folder = join(IMAGES, 'Zq');
  await mkdir(folder, { recursive: true });
  const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
  for (const name of [...LEFTOVERS.old, ...LEFTOVERS.young]) await writeFile(join(folder, name), 'left behind');
  for (const name of LEFTOVERS.old) await utimes(join(folder, name), twoHoursAgo, twoHoursAgo);
  app = await startHardeningServer(3434, DATA_DIR, { CLIENT_RECOGNITION_RATE: '0', CLIENT_MAX_IN_FLIGHT: '0' });
});

afterAll(async () => {
  await app?.stop();
});

describe('orphans and leftovers (issue #21 item 9)', () => {
  it('sweeps old photos without a result and stale temporary files at start, and leaves young temporary files alone', async () => {
    const folder = join(IMAGES, 'Zq');
    let left: string[] = [];
    for (let waited = 0; waited < 10_000; waited += 100) {
      left = (await readdir(folder)).sort();
      if (left.length === LEFTOVERS.young.length) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(left).toEqual(LEFTOVERS.young);
    expect(await metricValue(app.baseUrl, 'cf_store_swept_files_total', { kind: 'orphan' })).toBe(2);
    expect(await metricValue(app.baseUrl, 'cf_store_swept_files_total', { kind: 'temp' })).toBe(1);
  });

  it('does not report a delete done while the photo stays: 503 delete_incomplete, the result hidden, done on retry', async () => {
    const { id, deleteToken } = await upload(await readPhoto());
    // A photo root cannot unlink either: a non-empty directory in its place.
    await rm(photoFile(id));
    await mkdir(photoFile(id));
    await writeFile(join(photoFile(id), 'pinned'), 'x');
    const auth = { authorization: `Bearer ${deleteToken}` };
    const failed = await send(`${app.baseUrl}/api/recognitions/${id}`, { method: 'DELETE', headers: auth });
    expect([failed.status, failed.code]).toEqual([503, 'delete_incomplete']);
    expect(Number(failed.retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await send(`${app.baseUrl}/api/recognitions/${id}`)).status).toBe(404);
    expect(await metricValue(app.baseUrl, 'cf_store_unlink_failures_total')).toBeGreaterThanOrEqual(1);
    await rm(photoFile(id), { recursive: true });
    expect((await send(`${app.baseUrl}/api/recognitions/${id}`, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect(await exists(join(IMAGES, id.slice(0, 2), `${id}.face0.jpg`))).toBe(false);
  });
});

describe('no-face uploads (issue #21 item 7)', () => {
  it('are not stored: 422 no_face, no row, no file', async () => {
    const rowsBefore = rowCount();
    const filesBefore = (await readdir(IMAGES, { recursive: true })).length;
    const width = 320, height = 240;
    const pixels = Buffer.alloc(width * height * 3);
    for (let i = 0; i < width * height; i++) pixels.set([(i % width) * 0.8, (i / width) * 1.0, 128], i * 3);
    const gradient = new Uint8Array(await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg().toBuffer());
    const answer = await uploadFrom(app.baseUrl, gradient);
    expect([answer.status, answer.code]).toEqual([422, 'no_face']);
    expect(JSON.parse(answer.body)).not.toHaveProperty('id');
    expect(rowCount()).toBe(rowsBefore);
    expect((await readdir(IMAGES, { recursive: true })).length).toBe(filesBefore);
  });
});

describe('thumbnails without CPU on view (issue #21 item 6)', () => {
  it('makes every face crop at upload from the engine\'s own decode, so neither the upload nor a page view decodes the photo again', async () => {
    const uploadDecodesBefore = await metricValue(app.baseUrl, 'cf_thumbnail_decodes_total', { when: 'upload' });
    const { id, result } = await upload(await readPhoto(REAL_PHOTOS[2]));
    expect(await metricValue(app.baseUrl, 'cf_thumbnail_decodes_total', { when: 'upload' })).toBe(uploadDecodesBefore);
    const faces = result.CelebrityFaces.length + result.UnrecognizedFaces.length;
    expect(faces).toBeGreaterThanOrEqual(2);
    for (let n = 0; n < faces; n++) expect(await exists(join(IMAGES, id.slice(0, 2), `${id}.face${n}.jpg`))).toBe(true);
    const decodesBefore = await metricValue(app.baseUrl, 'cf_thumbnail_decodes_total', { when: 'view' });
    for (let view = 0; view < 5; view++) {
      const crops = await Promise.all(Array.from({ length: faces }, (_, n) => send(`${app.baseUrl}/api/recognitions/${id}/faces/${n}`)));
      expect(crops.map((c) => c.status)).toEqual(Array.from({ length: faces }, () => 200));
      expect((await send(`${app.baseUrl}/r/${id}`)).status).toBe(200);
    }
    expect(await metricValue(app.baseUrl, 'cf_thumbnail_decodes_total', { when: 'view' })).toBe(decodesBefore);
  });

  it('makes the crops of a result stored without them once, admitted, however many ask at once', async () => {
    const { id, result } = await upload(await readPhoto(REAL_PHOTOS[2]));
    const faces = result.CelebrityFaces.length + result.UnrecognizedFaces.length;
    for (let n = 0; n < faces; n++) await rm(join(IMAGES, id.slice(0, 2), `${id}.face${n}.jpg`));
    const before = await metricValue(app.baseUrl, 'cf_thumbnail_decodes_total', { when: 'view' });
    const crops = await Promise.all(Array.from({ length: 20 }, (_, i) => send(`${app.baseUrl}/api/recognitions/${id}/faces/${i % faces}`)));
    expect(new Set(crops.map((c) => c.status))).toEqual(new Set([200]));
    expect(await metricValue(app.baseUrl, 'cf_thumbnail_decodes_total', { when: 'view' })).toBe(before + 1);
  });
});

describe('deleted means gone (issue #21 item 8)', () => {
  it('serves photos and crops privately with validators, never public or immutable, and 404 after a DELETE even to a revalidating cache', async () => {
    const { id, deleteToken } = await upload(await readPhoto());
    for (const path of [`/api/recognitions/${id}/image`, `/api/recognitions/${id}/faces/0`]) {
      const first = await send(`${app.baseUrl}${path}`);
      expect([path, first.status, first.headers['cache-control']]).toEqual([path, 200, 'private, no-cache']);
      expect(first.headers.etag).toMatch(/^"[\w-]+"$/);
      const again = await send(`${app.baseUrl}${path}`, { headers: { 'if-none-match': first.headers.etag! } });
      expect([again.status, again.body]).toEqual([304, '']);
    }
    const etag = (await send(`${app.baseUrl}/api/recognitions/${id}/image`)).headers.etag!;
    expect((await send(`${app.baseUrl}/api/recognitions/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${deleteToken}` } })).status).toBe(204);
    for (const path of [`/api/recognitions/${id}/image`, `/api/recognitions/${id}/faces/0`]) {
      const after = await send(`${app.baseUrl}${path}`, { headers: { 'if-none-match': etag } });
      expect([path, after.status]).toEqual([path, 404]);
    }
  });
});
