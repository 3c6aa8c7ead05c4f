import sharp from 'sharp';
import { expect, test } from './fixtures';
import { gallerySources } from './support/gallery-sources';
import { photoBytes, photos } from './support/photos';

const requestIdPattern = /^[0-9a-f-]{36}$/;
const errorBody = (code: string) => ({ error: { code, message: expect.any(String), requestId: expect.stringMatching(requestIdPattern) } });

test.describe('recognitions API contract', () => {
  test('health names the recognizer and the gallery size', async ({ request }) => {
    const response = await request.get('/api/health');
    expect(response.status()).toBe(200);
    // engine: the face-net threads running with every net loaded (ENGINE_WORKERS, 2 by default here).
    expect(await response.json()).toEqual({ status: 'ok', recognizer: 'local', gallery: { celebrities: gallerySources().length }, engine: { workers: 2, alive: 2 } });
  });

  test('POST a photo → 201 {id, url, result}; GET returns it; the stored photo is upright JPEG without EXIF', async ({ request, baseURL }) => {
    const created = await request.post('/api/recognitions', { multipart: { image: { name: 'kit.jpg', mimeType: 'image/jpeg', buffer: photoBytes(photos.kitWithRose) } } });
    expect(created.status()).toBe(201);
    const body = (await created.json()) as { id: string; url: string; result: { CelebrityFaces: Array<{ Name: string }>; UnrecognizedFaces: unknown[] } };
    expect(body.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(body.url).toBe(`${baseURL}/r/${body.id}`);
    expect(created.headers().location).toBe(body.url);
    expect(body.result.CelebrityFaces.map((c) => c.Name).sort()).toEqual(['Kit Harington', 'Rose Leslie']);

    const fetched = await request.get(`/api/recognitions/${body.id}`);
    expect(fetched.status()).toBe(200);
    expect(await fetched.json()).toMatchObject({ id: body.id, url: body.url, recognizer: 'local', result: body.result });

    const image = await request.get(`/api/recognitions/${body.id}/image`);
    expect(image.status()).toBe(200);
    expect(image.headers()['content-type']).toBe('image/jpeg');
    expect(image.headers()['x-content-type-options']).toBe('nosniff');
    const meta = await sharp(await image.body()).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif).toBeUndefined();

    const face = await request.get(`/api/recognitions/${body.id}/faces/1`);
    expect(face.status()).toBe(200);
    expect(await sharp(await face.body()).metadata()).toMatchObject({ format: 'jpeg', width: 160, height: 160 });
    expect((await request.get(`/api/recognitions/${body.id}/faces/2`)).status()).toBe(404);
  });

  test('every API answer carries X-Request-Id, the id an error body names too; /metrics counts uploads by outcome', async ({ request }) => {
    const refused = await request.post('/api/recognitions', { data: { image: 'x' } });
    const id = refused.headers()['x-request-id'];
    expect(id).toMatch(requestIdPattern);
    expect(((await refused.json()) as { error: { requestId: string } }).error.requestId).toBe(id);
    const lookup = await request.get('/api/celebrities/not-a-celebrity');
    expect(lookup.status()).toBe(404);
    expect(lookup.headers()['x-request-id']).toMatch(requestIdPattern);

    const metricsBefore = await (await request.get('/metrics')).text();
    const uploaded = await request.post('/api/recognitions', { multipart: { image: { name: 'obama.jpg', mimeType: 'image/jpeg', buffer: photoBytes(photos.obama) } } });
    expect(uploaded.status()).toBe(201);
    const metrics = await request.get('/metrics');
    expect(metrics.headers()['content-type']).toContain('text/plain');
    const text = await metrics.text();
    const named = (body: string) => sample(body, 'cf_recognitions_total', { source: 'upload', outcome: 'named' }) ?? 0;
    // Other tests may upload at the same time: at least this upload was counted.
    expect(named(text)).toBeGreaterThanOrEqual(named(metricsBefore) + 1);
    expect(sample(text, 'cf_recognition_stage_duration_seconds_count', { stage: 'embed' })).toBeGreaterThan(0);
    expect(sample(text, 'cf_http_request_duration_seconds_count', { route: '/api/recognitions', method: 'POST', status: '201' })).toBeGreaterThan(0);
    expect(sample(text, 'cf_gallery_celebrities', {})).toBe(gallerySources().length);
    expect(sample(text, 'cf_admission_queued', {})).toBeGreaterThanOrEqual(0);
  });

  test('a missing image field → 400 invalid_input', async ({ request }) => {
    const response = await request.post('/api/recognitions', { multipart: { photo: { name: 'a.jpg', mimeType: 'image/jpeg', buffer: photoBytes(photos.obama) } } });
    expect(response.status()).toBe(400);
    expect(await response.json()).toEqual(errorBody('invalid_input'));
  });

  test('text disguised as a JPEG → 415 unsupported_type', async ({ request }) => {
    const response = await request.post('/api/recognitions', { multipart: { image: { name: 'a.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('hello') } } });
    expect(response.status()).toBe(415);
    expect(await response.json()).toEqual(errorBody('unsupported_type'));
  });

  test('a body over the upload limit → 413 too_large', async ({ request }) => {
    const big = Buffer.alloc(11 * 1024 * 1024, 1);
    big.set([0xff, 0xd8, 0xff]);
    const response = await request.post('/api/recognitions', { multipart: { image: { name: 'big.jpg', mimeType: 'image/jpeg', buffer: big } } });
    expect(response.status()).toBe(413);
    expect(await response.json()).toEqual(errorBody('too_large'));
  });

  test('a JSON body instead of multipart → 400 invalid_input', async ({ request }) => {
    const response = await request.post('/api/recognitions', { data: { image: 'x' } });
    expect(response.status()).toBe(400);
    expect(await response.json()).toEqual(errorBody('invalid_input'));
  });

  test('unknown and malformed ids → 404 not_found on every id route', async ({ request }) => {
    for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(300), '%C3%BCnic%C3%B8de']) {
      for (const route of [`/api/recognitions/${id}`, `/api/recognitions/${id}/image`, `/api/recognitions/${id}/faces/0`]) {
        const response = await request.get(route);
        expect(response.status(), route).toBe(404);
        expect(await response.json()).toEqual(errorBody('not_found'));
      }
    }
  });
});

/** The value of the Prometheus sample `name` whose labels include `labels` (any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map([...match[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value)) return Number(match[3]);
  }
  return undefined;
}
