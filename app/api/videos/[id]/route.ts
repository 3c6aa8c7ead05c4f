import { AppError } from '@/lib/errors';
import { apiRoute } from '@/lib/http/api-route';
import { deleteVideo, getVideo } from '@/lib/use-cases/videos';
import { publicOrigin } from '@/app/_lib/public-origin';
import { videoJson } from '../present';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Params = { params: Promise<{ id: string }> };

/** The job's status and progress, and once done every person with their appearances. */
export const GET = apiRoute('/api/videos/[id]', async (request: Request, { params }: Params) => {
  const view = await getVideo((await params).id);
  if (!view) throw new AppError('not_found', 'No video with this id. The link may be mistyped.');
  return Response.json(videoJson(view, publicOrigin(request.headers)), { headers: { 'cache-control': 'no-store' } });
});

/** 204 with the upload's delete token (`Authorization: Bearer <token>` or `X-Delete-Token`); a running job stops. */
export const DELETE = apiRoute('/api/videos/[id]', async (request: Request, { params }: Params) => {
  await deleteVideo((await params).id, request.headers);
  return new Response(null, { status: 204 });
});
