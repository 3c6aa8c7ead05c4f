import { AppError } from '@/lib/errors';
import { apiRoute } from '@/lib/http/api-route';
import { deleteRecognition, getRecognition } from '@/lib/use-cases/recognitions';
import { publicOrigin, resultPath } from '@/app/_lib/public-origin';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Params = { params: Promise<{ id: string }> };

/** A stored result: {id, url, createdAt, recognizer, image: {width, height, url}, result}. */
export const GET = apiRoute('/api/recognitions/[id]', async (request: Request, { params }: Params) => {
  const { id } = await params;
  const stored = await getRecognition(id);
  if (!stored) throw new AppError('not_found', 'No result with this id. The link may be mistyped.');
  const origin = publicOrigin(request.headers);
  return Response.json({
    id: stored.id,
    url: `${origin}${resultPath(stored.id)}`,
    createdAt: stored.createdAt,
    recognizer: stored.recognizer,
    image: { width: stored.image.width, height: stored.image.height, url: `${origin}/api/recognitions/${stored.id}/image` },
    result: stored.result,
  });
});

/**
 * Deletes a result and its photo: 204 with the delete token from the upload (`Authorization: Bearer <token>`
 * or `X-Delete-Token`); 401 without one, 403 with a wrong one, 404 for an unknown id.
 */
export const DELETE = apiRoute('/api/recognitions/[id]', async (request: Request, { params }: Params) => {
  await deleteRecognition((await params).id, request.headers);
  return new Response(null, { status: 204 });
});
