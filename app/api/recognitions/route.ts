import { AppError } from '@/lib/errors';
import { limits } from '@/lib/limits';
import { readBodyWithLimit } from '@/lib/http/body-limit';
import { apiRoute } from '@/lib/http/api-route';
import { uploadPhoto, type UploadTimings } from '@/lib/use-cases/upload-photo';
import { publicOrigin, resultPath } from '@/app/_lib/public-origin';
import { createRecognitionRequestSchema } from './schema';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Multipart framing on top of the photo: boundaries, headers of the part, a filename. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
/** The form has one field; a few extra (client libraries add some) are tolerated, hundreds are not. */
const MAX_FORM_PARTS = 8;

async function readForm(request: Request): Promise<FormData> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    throw new AppError('invalid_input', 'Send the photo as multipart/form-data in the field "image".');
  }
  // Counted while streaming: an oversized body is refused without being buffered whole.
  const body = await readBodyWithLimit(request, limits.maxUploadBytes + MULTIPART_OVERHEAD_BYTES,
    () => new AppError('too_large', `The photo is too large; the limit is ${limits.maxUploadBytes / 1024 / 1024} MB.`));
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch (error) {
    throw new AppError('invalid_input', 'The upload could not be read as multipart/form-data.', { cause: error });
  }
  if ([...form.keys()].length > MAX_FORM_PARTS) {
    throw new AppError('invalid_input', `Too many form fields; send one photo in the field "image".`);
  }
  return form;
}

/** Server-Timing lets browsers' dev tools and benchmarks see where an upload's time went. */
function serverTiming(timings: UploadTimings, readMs: number): string {
  const entry = (name: string, ms: number) => `${name};dur=${ms.toFixed(1)}`;
  return [entry('read', readMs), entry('queue', timings.queueMs), entry('recognize', timings.recognizeMs), entry('store', timings.storeMs)].join(', ');
}

/**
 * Upload a photo: 201 {id, url, result, deleteToken} once result and photo are durable; the delete token is
 * shown only here (DELETE /api/recognitions/{id} with it). Errors as {"error": {code, message, requestId}}.
 */
export const POST = apiRoute('/api/recognitions', async (request: Request) => {
  const started = performance.now();
  const parsed = createRecognitionRequestSchema.safeParse({ image: (await readForm(request)).get('image') });
  if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues[0]?.message ?? 'Attach a photo in the field "image".');
  const upload = new Uint8Array(await parsed.data.image.arrayBuffer());
  const readMs = performance.now() - started;
  const stored = await uploadPhoto(upload);
  const url = `${publicOrigin(request.headers)}${resultPath(stored.id)}`;
  return Response.json(
    { id: stored.id, url, result: stored.result, deleteToken: stored.deleteToken },
    { status: 201, headers: { location: url, 'cache-control': 'no-store', 'server-timing': serverTiming(stored.timings, readMs) } },
  );
});
