import { AppError } from '@/lib/errors';
import { setPersonOptedOut } from '@/lib/use-cases/admin-people';
import { adminRoute } from '../../../_shared/admin-route';
import { personIdSchema } from '../../../schema';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Params = { params: Promise<{ id: string }> };

async function personId(params: Params['params']): Promise<string> {
  const parsed = personIdSchema.safeParse((await params).id);
  if (!parsed.success) throw new AppError('not_found', 'No person with this id.');
  return parsed.data;
}

/** Put the person on the opt-out list (never named, also in stored results): 200 with the person. */
export const PUT = adminRoute('/api/admin/people/[id]/opt-out', async (_request: Request, { params }: Params) => {
  return Response.json(await setPersonOptedOut(await personId(params), true));
});

/** Take the person off the opt-out list: 200 with the person. */
export const DELETE = adminRoute('/api/admin/people/[id]/opt-out', async (_request: Request, { params }: Params) => {
  return Response.json(await setPersonOptedOut(await personId(params), false));
});
