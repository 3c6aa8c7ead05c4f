import { AppError } from '@/lib/errors';
import { limits } from '@/lib/limits';
import { apiRoute, requestClient } from '@/lib/http/api-route';
import { readFileField } from '@/lib/http/upload-body';
import { uploadPhoto, type UploadTimings } from '@/lib/use-cases/upload-photo';
import { publicOrigin, resultPath } from '@/app/_lib/public-origin';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Multipart framing on top of the photo: boundaries, headers of the part, a filename. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
/** The form has one field; a few extra (client libraries add some) are tolerated, hundreds are not. */
const MAX_FORM_PARTS = 8;

/** The photo in the form field `image`, read once as it streams in (called only after admission). */
function readPhoto(request: Request, signal: AbortSignal): Promise<Uint8Array> {
  return readFileField(request, {
    field: 'image',
    maxBytes: limits.maxUploadBytes,
    framingBytes: MULTIPART_OVERHEAD_BYTES,
    maxParts: MAX_FORM_PARTS,
    signal,
    tooLarge: () => new AppError('too_large', `The photo is too large; the limit is ${limits.maxUploadBytes / 1024 / 1024} MB.`),
    invalid: (message) => new AppError('invalid_input', message),
  });
}

/** Server-Timing lets browsers' dev tools and benchmarks see where an upload's time went. */
function serverTiming(timings: UploadTimings): string {
  const entry = (name: string, ms: number) => `${name};dur=${ms.toFixed(1)}`;
  return [entry('read', timings.readMs), entry('queue', timings.queueMs), entry('recognize', timings.recognizeMs), entry('store', timings.storeMs)].join(', ');
}

/**
 * Upload a photo: 201 {id, url, result, deleteToken} once result and photo are durable; the delete token is
 * shown only here (DELETE /api/recognitions/{id} with it). Errors as {"error": {code, message, requestId}};
 * a refusal (429 per-client limit, 503 queue full) comes before the body is read.
 */
export const POST = apiRoute('/api/recognitions', async (request: Request) => {
  const declared = Number(request.headers.get('content-length'));
  const declaredBytes = Number.isInteger(declared) && declared > 0 ? declared : limits.maxUploadBytes + MULTIPART_OVERHEAD_BYTES;
  const stored = await uploadPhoto({ client: requestClient(request), signal: request.signal, declaredBytes, read: (signal) => readPhoto(request, signal) });
  const url = `${publicOrigin(request.headers)}${resultPath(stored.id)}`;
  return Response.json(
    { id: stored.id, url, result: stored.result, deleteToken: stored.deleteToken },
    { status: 201, headers: { location: url, 'cache-control': 'no-store', 'server-timing': serverTiming(stored.timings) } },
  );
});
