import { AppError } from '@/lib/errors';
import { deletePersonSample } from '@/lib/use-cases/admin-people';
import { adminRoute } from '../../../../_shared/admin-route';
import { personIdSchema, sampleIdSchema } from '../../../../schema';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Params = { params: Promise<{ id: string; sampleId: string }> };

/** Remove one of the operator's samples (or negative samples) of a person: 200 with the person. */
export const DELETE = adminRoute('/api/admin/people/[id]/samples/[sampleId]', async (_request: Request, { params }: Params) => {
  const { id, sampleId } = await params;
  const person = personIdSchema.safeParse(id);
  const sample = sampleIdSchema.safeParse(sampleId);
  if (!person.success || !sample.success) throw new AppError('not_found', 'No such sample.');
  return Response.json(await deletePersonSample(person.data, sample.data));
});
