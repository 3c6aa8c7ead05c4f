import { AppError } from '@/lib/errors';
import { apiRoute } from '@/lib/http/api-route';
import { getFaceThumbnail } from '@/lib/use-cases/recognitions';
import { faceIndexParamSchema } from '../../../schema';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** A square JPEG thumbnail of face n (celebrities first, then unrecognized faces), made once per result. */
export const GET = apiRoute('/api/recognitions/[id]/faces/[n]', async (_request: Request, { params }: { params: Promise<{ id: string; n: string }> }) => {
  const { id, n } = await params;
  const index = faceIndexParamSchema.safeParse(n);
  const thumbnail = index.success ? await getFaceThumbnail(id, index.data) : null;
  if (!thumbnail) throw new AppError('not_found', 'No such face in this result.');
  return new Response(Buffer.from(thumbnail), {
    headers: {
      'content-type': 'image/jpeg',
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    },
  });
});
