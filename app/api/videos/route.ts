import { apiRoute } from '@/lib/http/api-route';
import { uploadVideo } from '@/lib/use-cases/upload-video';
import { publicOrigin, videoPath } from '@/app/_lib/public-origin';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * Upload a video (multipart field `video`): 202 {id, url, statusUrl, deleteToken} as soon as the file is
 * stored and checked; recognition runs in the background (GET statusUrl for progress and results). The
 * delete token is shown only here.
 */
export const POST = apiRoute('/api/videos', async (request: Request) => {
  const video = await uploadVideo(request);
  const origin = publicOrigin(request.headers);
  const url = `${origin}${videoPath(video.id)}`;
  const statusUrl = `${origin}/api/videos/${video.id}`;
  return Response.json(
    { id: video.id, url, statusUrl, status: video.status, deleteToken: video.deleteToken },
    { status: 202, headers: { location: statusUrl, 'cache-control': 'no-store' } },
  );
});
