import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { apiRoute } from '@/lib/http/api-route';
import { getVideoFaceThumbnail } from '@/lib/use-cases/videos';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const personIndexSchema = z.coerce.number().int().min(0).max(255);

/** The best face of person n (their `thumbnailUrl` in GET /api/videos/{id}): a 160×160 JPEG. */
export const GET = apiRoute('/api/videos/[id]/faces/[n]', async (_request: Request, { params }: { params: Promise<{ id: string; n: string }> }) => {
  const { id, n } = await params;
  const index = personIndexSchema.safeParse(n);
  const thumbnail = index.success ? await getVideoFaceThumbnail(id, index.data) : null;
  if (!thumbnail) throw new AppError('not_found', 'No such face in this video.');
  return new Response(Buffer.from(thumbnail), {
    headers: { 'content-type': 'image/jpeg', 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' },
  });
});
