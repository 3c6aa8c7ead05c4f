import { AppError } from '@/lib/errors';
import { personSampleFace } from '@/lib/use-cases/admin-people';
import { adminRoute } from '../../../../../_shared/admin-route';
import { personIdSchema, sampleIdSchema } from '../../../../../schema';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Params = { params: Promise<{ id: string; sampleId: string }> };

/** The face crop (JPEG) kept for a sample added in the admin area. */
export const GET = adminRoute('/api/admin/people/[id]/samples/[sampleId]/face', async (_request: Request, { params }: Params) => {
  const { id, sampleId } = await params;
  const person = personIdSchema.safeParse(id);
  const sample = sampleIdSchema.safeParse(sampleId);
  if (!person.success || !sample.success) throw new AppError('not_found', 'No such sample.');
  const jpeg = await personSampleFace(person.data, sample.data);
  return new Response(Buffer.from(jpeg), { headers: { 'content-type': 'image/jpeg', 'x-content-type-options': 'nosniff' } });
});
