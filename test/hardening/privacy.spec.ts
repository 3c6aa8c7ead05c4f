import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../rekognition/app-server';
import { jpegWithGps, jpegWithHtml, readPhoto } from './harness/images';
import { HARDENING_ROOT, startHardeningServer } from './harness/server';
import { hashDeleteToken } from '../../lib/security/delete-token';

const DATA_DIR = `${HARDENING_ROOT}/privacy-spec`;
let app: RunningApp;

interface Created {
  id: string;
  deleteToken: string;
}

async function upload(bytes: Uint8Array): Promise<Created> {
  const form = new FormData();
  form.append('image', new Blob([Buffer.from(bytes)], { type: 'image/jpeg' }), 'photo.jpg');
  const response = await fetch(`${app.baseUrl}/api/recognitions`, { method: 'POST', body: form });
  expect(response.status).toBe(201);
  return (await response.json()) as Created;
}

beforeAll(async () => {
  await rm(DATA_DIR, { recursive: true, force: true });
  app = await startHardeningServer(3431, DATA_DIR, { CLIENT_RECOGNITION_RATE: '0', CLIENT_MAX_IN_FLIGHT: '0' });
});

afterAll(async () => {
  await app?.stop();
});

describe('privacy and security', () => {
  it('stores photos without EXIF or GPS (metadata stripped or the photo re-encoded), served as image/jpeg with nosniff', async () => {
    const withGps = await jpegWithGps(await readPhoto());
    expect((await sharp(withGps).metadata()).exif).toBeDefined();
    const { id } = await upload(withGps);
    const response = await fetch(`${app.baseUrl}/api/recognitions/${id}/image`);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const stored = Buffer.from(await response.arrayBuffer());
    const meta = await sharp(stored).metadata();
    expect([meta.format, meta.exif, meta.xmp, meta.iptc]).toEqual(['jpeg', undefined, undefined, undefined]);
    expect(stored.includes('HardeningCam')).toBe(false);
    expect(stored.includes('GPS')).toBe(false);
  });

  it('drops the HTML of a JPEG/HTML polyglot when re-encoding', async () => {
    const { id } = await upload(jpegWithHtml(await readPhoto()));
    const stored = Buffer.from(await (await fetch(`${app.baseUrl}/api/recognitions/${id}/image`)).arrayBuffer());
    expect(stored.includes('<script')).toBe(false);
  });

  it('deletes result and photo only with the delete token, which is stored hashed', async () => {
    const { id, deleteToken } = await upload(await readPhoto());
    expect(deleteToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const db = new Database(join(DATA_DIR, 'recognitions.sqlite'), { readonly: true });
    const row = db.prepare<[string], { delete_token_hash: string }>('SELECT delete_token_hash FROM recognitions WHERE id = ?').get(id);
    db.close();
    expect(row?.delete_token_hash).toBe(hashDeleteToken(deleteToken));
    const url = `${app.baseUrl}/api/recognitions/${id}`;
    const without = await fetch(url, { method: 'DELETE' });
    expect([without.status, ((await without.json()) as { error: { code: string } }).error.code]).toEqual([401, 'unauthorized']);
    const wrong = await fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${'x'.repeat(43)}` } });
    expect([wrong.status, ((await wrong.json()) as { error: { code: string } }).error.code]).toEqual([403, 'forbidden']);
    const hashInstead = await fetch(url, { method: 'DELETE', headers: { 'x-delete-token': hashDeleteToken(deleteToken) } });
    expect(hashInstead.status).toBe(403);
    expect((await fetch(url)).status).toBe(200);
    const right = await fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${deleteToken}` } });
    expect(right.status).toBe(204);
    expect((await fetch(url)).status).toBe(404);
    expect((await fetch(`${url}/image`)).status).toBe(404);
    expect((await fetch(url, { method: 'DELETE', headers: { 'x-delete-token': deleteToken } })).status).toBe(404);
  });

  it('makes face thumbnails at upload, serves the kept ones, and deletes them with the result', async () => {
    const { id, deleteToken } = await upload(await readPhoto());
    const thumbnailFile = join(DATA_DIR, 'images', id.slice(0, 2), `${id}.face0.jpg`);
    const kept = await readFile(thumbnailFile); // made with the upload: viewing the result decodes nothing
    const first = Buffer.from(await (await fetch(`${app.baseUrl}/api/recognitions/${id}/faces/0`)).arrayBuffer());
    expect((await sharp(first).metadata()).width).toBe(160);
    expect(kept.equals(first)).toBe(true);
    // Served from the kept file: a marker written into it comes back.
    await writeFile(thumbnailFile, Buffer.concat([kept, Buffer.from('kept-marker')]));
    const again = Buffer.from(await (await fetch(`${app.baseUrl}/api/recognitions/${id}/faces/0`)).arrayBuffer());
    expect(again.includes('kept-marker')).toBe(true);
    const removed = await fetch(`${app.baseUrl}/api/recognitions/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${deleteToken}` } });
    expect(removed.status).toBe(204);
    await expect(readFile(thumbnailFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('sends CSP, nosniff, Referrer-Policy and frame-ancestors on pages and API routes', async () => {
    for (const path of ['/', '/r/AAAAAAAAAAAAAAAAAAAAAA', '/api/health', '/api/recognitions/AAAAAAAAAAAAAAAAAAAAAA', '/celebrities']) {
      const response = await fetch(`${app.baseUrl}${path}`);
      await response.arrayBuffer();
      const csp = response.headers.get('content-security-policy') ?? '';
      expect([path, csp.includes("frame-ancestors 'none'"), csp.includes("object-src 'none'")]).toEqual([path, true, true]);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    }
  });
});
