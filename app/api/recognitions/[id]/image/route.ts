import { AppError } from '@/lib/errors';
import { apiRoute } from '@/lib/http/api-route';
import { getRecognitionPhoto } from '@/lib/use-cases/recognitions';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The stored photo (upright JPEG without metadata). Ids are immutable, so it caches forever. */
export const GET = apiRoute('/api/recognitions/[id]/image', async (_request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const image = await getRecognitionPhoto((await params).id);
  if (!image) throw new AppError('not_found', 'No photo with this id.');
  return new Response(Buffer.from(image.bytes), {
    headers: {
      'content-type': image.mimeType,
      'content-length': String(image.bytes.byteLength),
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    },
  });
});
