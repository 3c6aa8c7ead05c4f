import { AppError, errorResponse } from '@/lib/errors';
import { deleteTokenFromHeaders, verifyDeleteToken } from '@/lib/security/delete-token';
import { getStore } from '@/lib/store';
import { getRecognition } from '@/lib/store/service';
import { publicOrigin, resultPath } from '@/app/_lib/public-origin';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** A stored result: {id, url, createdAt, recognizer, image: {width, height, url}, result}. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
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
  } catch (error) {
    return errorResponse(error);
  }
}

/**
 * Deletes a result and its photo: 204 with the delete token from the upload (`Authorization: Bearer <token>`
 * or `X-Delete-Token`); 401 without one, 403 with a wrong one, 404 for an unknown id.
 */
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const { id } = await params;
    const store = getStore();
    const hash = await store.getDeleteTokenHash(id);
    if (!hash && !(await store.get(id))) throw new AppError('not_found', 'No result with this id.');
    const token = deleteTokenFromHeaders(request.headers);
    if (!token) throw new AppError('unauthorized', 'Send the delete token as "Authorization: Bearer <token>".');
    if (!hash || !verifyDeleteToken(token, hash)) throw new AppError('forbidden', 'This delete token does not match the result.');
    await store.remove(id);
    return new Response(null, { status: 204 });
  } catch (error) {
    return errorResponse(error);
  }
}
