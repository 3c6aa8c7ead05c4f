import { AppError } from '@/lib/errors';
import { rejectFaceName } from '@/lib/use-cases/name-face';
import { adminRoute } from '../../../../../_shared/admin-route';
import { faceIndexSchema } from '../../../../../schema';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Params = { params: Promise<{ id: string; n: string }> };

/**
 * "This is not X": the named face `n` becomes a negative sample of X → 200 {person: {id, name} (X), result}
 * with the stored result recognized again. 409 when the face is not named.
 */
export const POST = adminRoute('/api/admin/recognitions/[id]/faces/[n]/reject', async (_request: Request, { params }: Params) => {
  const { id, n } = await params;
  const face = faceIndexSchema.safeParse(n);
  if (!face.success) throw new AppError('not_found', 'No such face in this result.');
  const changed = await rejectFaceName(id, face.data);
  return Response.json({ person: changed.person, result: changed.recognition.result });
});
