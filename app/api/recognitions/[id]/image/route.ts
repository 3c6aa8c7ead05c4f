import { AppError } from '@/lib/errors';
import { apiRoute } from '@/lib/http/api-route';
import { privatelyCached } from '@/lib/http/private-cache';
import { getRecognitionPhoto } from '@/lib/use-cases/recognitions';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * The stored photo (upright JPEG without metadata). A result's photo never changes, so its id is its ETag;
 * cached privately and revalidated on each use, so after a DELETE no cache keeps serving it.
 */
export const GET = apiRoute('/api/recognitions/[id]/image', async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const image = await getRecognitionPhoto(id);
  if (!image) throw new AppError('not_found', 'No photo with this id.');
  return privatelyCached(request, image.bytes, `"photo-${id}"`, image.mimeType);
});
