import { setPersonOptedOut } from '@/lib/use-cases/admin-people';
import { adminRoute, personIdParam } from '../../../_shared/admin-route';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Params = { params: Promise<{ id: string }> };

/** Put the person on the opt-out list (never named, also in stored results): 200 with the person. */
export const PUT = adminRoute('/api/admin/people/[id]/opt-out', async (_request: Request, { params }: Params) => {
  return Response.json(await setPersonOptedOut(personIdParam(await params), true));
});

/** Take the person off the opt-out list: 200 with the person. */
export const DELETE = adminRoute('/api/admin/people/[id]/opt-out', async (_request: Request, { params }: Params) => {
  return Response.json(await setPersonOptedOut(personIdParam(await params), false));
});
