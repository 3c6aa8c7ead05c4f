import { deletePerson, getPerson, updatePerson } from '@/lib/use-cases/admin-people';
import { adminRoute, personIdParam, readJson } from '../../_shared/admin-route';
import { updatePersonSchema } from '../../schema';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

type Params = { params: Promise<{ id: string }> };

/** One person: name, URLs, samples per origin, the operator's samples, opt-out. */
export const GET = adminRoute('/api/admin/people/[id]', async (_request: Request, { params }: Params) => {
  return Response.json(await getPerson(personIdParam(await params)));
});

/** Edit {"name"?, "urls"?}: 200 with the person; 409 when another person has the name. */
export const PATCH = adminRoute('/api/admin/people/[id]', async (request: Request, { params }: Params) => {
  const id = personIdParam(await params);
  return Response.json(await updatePerson(id, await readJson(request, updatePersonSchema)));
});

/** Remove the person: 204 (a celebrity-pack person is put on the opt-out list). */
export const DELETE = adminRoute('/api/admin/people/[id]', async (_request: Request, { params }: Params) => {
  await deletePerson(personIdParam(await params));
  return new Response(null, { status: 204 });
});
