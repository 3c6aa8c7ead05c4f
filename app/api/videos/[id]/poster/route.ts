import { AppError } from '@/lib/errors';
import { apiRoute } from '@/lib/http/api-route';
import { getVideoPoster } from '@/lib/use-cases/videos';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** A JPEG frame from the start of the video: the player's poster and the link preview's image. */
export const GET = apiRoute('/api/videos/[id]/poster', async (_request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const poster = await getVideoPoster((await params).id);
  if (!poster) throw new AppError('not_found', 'No video with this id.');
  return new Response(Buffer.from(poster), {
    headers: { 'content-type': 'image/jpeg', 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' },
  });
});
