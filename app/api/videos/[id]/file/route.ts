import { Readable } from 'node:stream';
import { AppError } from '@/lib/errors';
import { apiRoute } from '@/lib/http/api-route';
import { parseRange } from '@/lib/http/range';
import { getVideoFile } from '@/lib/use-cases/videos';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The uploaded video for the player, with Range requests (seeking needs them). */
export const GET = apiRoute('/api/videos/[id]/file', async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const file = await getVideoFile((await params).id);
  if (!file) throw new AppError('not_found', 'No video with this id.');
  const headers = new Headers({
    'content-type': file.mimeType,
    'accept-ranges': 'bytes',
    'cache-control': 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
  });
  const range = parseRange(request.headers.get('range'), file.byteLength);
  if (range === 'unsatisfiable') {
    headers.set('content-range', `bytes */${file.byteLength}`);
    return new Response(null, { status: 416, headers });
  }
  const { start, end } = range ?? { start: 0, end: file.byteLength - 1 };
  headers.set('content-length', String(end - start + 1));
  if (range) headers.set('content-range', `bytes ${start}-${end}/${file.byteLength}`);
  // From the disk or the object storage, a piece at a time (backpressure: the next piece is read as the client takes it).
  const body = Readable.toWeb(Readable.from(await file.read(start, end), { objectMode: false })) as ReadableStream<Uint8Array>;
  return new Response(body, { status: range ? 206 : 200, headers });
});
