import { AppError, errorResponse } from '@/lib/errors';
import { cropFace } from '@/lib/images/crop';
import { getStore } from '@/lib/store';
import { getRecognition } from '@/lib/store/service';
import { faceIndexParamSchema } from '../../../schema';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** A square JPEG thumbnail of face n (celebrities first, then unrecognized faces), cropped on the server. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string; n: string }> }): Promise<Response> {
  try {
    const { id, n } = await params;
    const index = faceIndexParamSchema.safeParse(n);
    const store = getStore();
    const stored = await getRecognition(id);
    const face = stored && index.success
      ? [...stored.result.CelebrityFaces.map((c) => c.Face), ...stored.result.UnrecognizedFaces][index.data]
      : undefined;
    const image = face ? await store.readImage(id) : null;
    if (!stored || !face || !image) throw new AppError('not_found', 'No such face in this result.');
    const thumbnail = await cropFace(image.bytes, stored.image, face.BoundingBox);
    return new Response(Buffer.from(thumbnail), {
      headers: {
        'content-type': 'image/jpeg',
        'cache-control': 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
