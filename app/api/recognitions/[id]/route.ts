import { AppError, errorResponse } from '@/lib/errors';
import { getStore } from '@/lib/store';
import { publicOrigin, resultPath } from '@/app/_lib/public-origin';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** A stored result: {id, url, createdAt, recognizer, image: {width, height, url}, result}. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const { id } = await params;
    const stored = await getStore().get(id);
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
  } catch (error) {
    return errorResponse(error);
  }
}
