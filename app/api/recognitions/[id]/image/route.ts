import { AppError, errorResponse } from '@/lib/errors';
import { getStore } from '@/lib/store';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The stored photo (upright JPEG without metadata). Ids are immutable, so it caches forever. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const { id } = await params;
    const image = await getStore().readImage(id);
    if (!image) throw new AppError('not_found', 'No photo with this id.');
    return new Response(Buffer.from(image.bytes), {
      headers: {
        'content-type': image.mimeType,
        'content-length': String(image.bytes.byteLength),
        'cache-control': 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
