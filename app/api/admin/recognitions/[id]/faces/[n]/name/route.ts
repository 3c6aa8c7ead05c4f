import { AppError } from '@/lib/errors';
import { nameFace } from '@/lib/use-cases/name-face';
import { adminRoute, readJson } from '../../../../../_shared/admin-route';
import { faceIndexSchema, nameFaceSchema } from '../../../../../schema';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Params = { params: Promise<{ id: string; n: string }> };

/**
 * "Name this face": {"personId"} or {"name"} → 200 {person: {id, name}, result}: the face joins the person's
 * samples and the stored result is recognized again. 409 when the face is already named.
 */
export const POST = adminRoute('/api/admin/recognitions/[id]/faces/[n]/name', async (request: Request, { params }: Params) => {
  const { id, n } = await params;
  const face = faceIndexSchema.safeParse(n);
  if (!face.success) throw new AppError('not_found', 'No such face in this result.');
  const changed = await nameFace(id, face.data, await readJson(request, nameFaceSchema));
  return Response.json({ person: changed.person, result: changed.recognition.result });
});
