import { createHash } from 'node:crypto';
import { AppError } from '@/lib/errors';
import { apiRoute } from '@/lib/http/api-route';
import { privatelyCached } from '@/lib/http/private-cache';
import { getFaceThumbnail } from '@/lib/use-cases/recognitions';
import { faceIndexParamSchema } from '../../../schema';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * A square JPEG thumbnail of face n (celebrities first, then unrecognized faces), made at upload. Which face
 * is n can change (an opt-out moves a celebrity among the unrecognized), so the ETag is the crop's own hash;
 * cached privately and revalidated on each use, so after a DELETE no cache keeps serving it.
 */
export const GET = apiRoute('/api/recognitions/[id]/faces/[n]', async (request: Request, { params }: { params: Promise<{ id: string; n: string }> }) => {
  const { id, n } = await params;
  const index = faceIndexParamSchema.safeParse(n);
  const thumbnail = index.success ? await getFaceThumbnail(id, index.data) : null;
  if (!thumbnail) throw new AppError('not_found', 'No such face in this result.');
  const etag = `"face-${createHash('sha256').update(thumbnail).digest('base64url').slice(0, 22)}"`;
  return privatelyCached(request, thumbnail, etag, 'image/jpeg');
});
