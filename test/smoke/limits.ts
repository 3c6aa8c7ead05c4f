/**
 * Issue #21 checks of the deploy smoke test, through the shipped nginx site in front of pm2: nginx's per-client
 * limits (429 with Retry-After in each API's error shape, another client unaffected), a SigV4-signed SDK call
 * through nginx on a non-default port (Host forwarded with its port), and a deleted photo gone through nginx.
 * Clients are distinct loopback addresses (test/hardening/harness/clients.ts).
 */
import { readFileSync } from 'node:fs';
import { GetCelebrityInfoCommand, RecognizeCelebritiesCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { rekognitionFrom, send, uploadFrom, type Answer } from '../hardening/harness/clients';

export type Expect = (ok: boolean, message: string) => void;

/** The key pair the smoke stack's workers check /api/rekognition signatures with (a test value). */
export const SMOKE_REKOGNITION_KEYS = { accessKeyId: 'AKIDSMOKEDEPLOY', secretAccessKey: 'smoke-deploy-rekognition-secret' };

const count = (answers: Answer[], status: number) => answers.filter((a) => a.status === status).length;

/** 30 uploads at once from one client: nginx lets 4 through at a time and answers the rest 429, JSON, Retry-After. */
export async function checkNginxLimits(base: string, photoPath: string, expect: Expect): Promise<void> {
  const photo = new Uint8Array(readFileSync(photoPath));
  const flood = await Promise.all(Array.from({ length: 30 }, () => uploadFrom(base, photo, '127.0.0.61')));
  const limited = flood.filter((a) => a.status === 429);
  expect(limited.length >= 20 && count(flood, 201) >= 1 && count(flood, 201) + limited.length === 30,
    `one client's 30 simultaneous uploads through nginx: ${count(flood, 201)} × 201, ${limited.length} × 429`);
  expect(limited.every((a) => a.code === 'rate_limited' && String(a.headers['content-type']).startsWith('application/json') && Number(a.retryAfter) >= 1),
    'the 429s are JSON rate_limited with Retry-After');
  const other = await uploadFrom(base, photo, '127.0.0.62');
  expect(other.status === 201, `another client's upload right after answers 201 (got ${other.status})`);
  const aws = await Promise.all(Array.from({ length: 30 }, () => rekognitionFrom(base, photo, '127.0.0.63')));
  const throttled = aws.filter((a) => a.status === 429);
  expect(throttled.length >= 20 && throttled.every((a) => a.code === 'ThrottlingException' && Number(a.retryAfter) >= 1),
    `30 simultaneous /api/rekognition calls from one client: ${throttled.length} × 429 ThrottlingException with Retry-After`);
}

/** The AWS SDK signs Host with the port; through nginx on a test port its calls must verify. */
export async function checkSignedThroughNginx(base: string, photoPath: string, expect: Expect): Promise<void> {
  const client = new RekognitionClient({ region: 'us-east-1', endpoint: `${base}/api/rekognition`, credentials: SMOKE_REKOGNITION_KEYS, maxAttempts: 1 });
  try {
    const { CelebrityFaces } = await client.send(new RecognizeCelebritiesCommand({ Image: { Bytes: new Uint8Array(readFileSync(photoPath)) } }));
    const names = (CelebrityFaces ?? []).map((c) => c.Name);
    expect(names.some((name) => /obama/i.test(name ?? '')), `a SigV4-signed RecognizeCelebrities through nginx on port ${new URL(base).port} verifies and names Obama`);
    const wrong = new RekognitionClient({ region: 'us-east-1', endpoint: `${base}/api/rekognition`, credentials: { ...SMOKE_REKOGNITION_KEYS, secretAccessKey: 'not-the-secret' }, maxAttempts: 1 });
    const refused = await wrong.send(new GetCelebrityInfoCommand({ Id: 'abc' })).then(() => 'served', (error: { name?: string }) => error.name ?? 'error');
    expect(refused === 'InvalidSignatureException', `a call signed with the wrong secret is refused (${refused})`);
    const anonymous = await rekognitionFrom(base, new Uint8Array(readFileSync(photoPath)), '127.0.0.64');
    expect(anonymous.status === 403, `an unsigned call is refused 403 (${anonymous.code})`);
  } finally {
    client.destroy();
  }
}

/** After a DELETE, nothing between the browser and the app keeps serving the photo or its crops. */
export async function checkDeletedIsGone(base: string, photoPath: string, expect: Expect): Promise<void> {
  const created = await uploadFrom(base, new Uint8Array(readFileSync(photoPath)), '127.0.0.65');
  const { id, deleteToken } = JSON.parse(created.body) as { id: string; deleteToken: string };
  const photo = await send(`${base}/api/recognitions/${id}/image`, { from: '127.0.0.65' });
  const cacheControl = String(photo.headers['cache-control']);
  expect(photo.status === 200 && cacheControl === 'private, no-cache' && typeof photo.headers.etag === 'string',
    `photos are served through nginx with Cache-Control "${cacheControl}" and an ETag`);
  const removed = await send(`${base}/api/recognitions/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${deleteToken}` }, from: '127.0.0.65' });
  const after = await Promise.all([`/api/recognitions/${id}/image`, `/api/recognitions/${id}/faces/0`].map((path) => send(`${base}${path}`, { from: '127.0.0.65', headers: { 'if-none-match': String(photo.headers.etag) } })));
  expect(removed.status === 204 && after.every((a) => a.status === 404), `after DELETE (${removed.status}) the photo and its crop answer ${after.map((a) => a.status).join(', ')} through nginx`);
}
