import { AppError, errorResponse } from '@/lib/errors';
import { limits } from '@/lib/limits';
import { recognizeAndStore } from '@/lib/store/service';
import { publicOrigin, resultPath } from '@/app/_lib/public-origin';
import { createRecognitionRequestSchema } from './schema';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Multipart framing on top of the photo: boundaries, headers of the part, a filename. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

async function readForm(request: Request): Promise<FormData> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limits.maxUploadBytes + MULTIPART_OVERHEAD_BYTES) {
    throw new AppError('too_large', `The photo is too large; the limit is ${limits.maxUploadBytes / 1024 / 1024} MB.`);
  }
  if (!request.headers.get('content-type')?.toLowerCase().startsWith('multipart/form-data')) {
    throw new AppError('invalid_input', 'Send the photo as multipart/form-data in the field "image".');
  }
  try {
    return await request.formData();
  } catch (error) {
    throw new AppError('invalid_input', 'The upload could not be read as multipart/form-data.', { cause: error });
  }
}

/** Upload a photo: 201 {id, url, result}; errors as {"error": {code, message}}. */
export async function POST(request: Request): Promise<Response> {
  try {
    const parsed = createRecognitionRequestSchema.safeParse({ image: (await readForm(request)).get('image') });
    if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues[0]?.message ?? 'Attach a photo in the field "image".');
    const stored = await recognizeAndStore(new Uint8Array(await parsed.data.image.arrayBuffer()));
    const url = `${publicOrigin(request.headers)}${resultPath(stored.id)}`;
    return Response.json({ id: stored.id, url, result: stored.result }, { status: 201, headers: { location: url } });
  } catch (error) {
    return errorResponse(error);
  }
}
