import { AppError } from '@/lib/errors';
import { createPerson, listPeople, MAX_PHOTOS } from '@/lib/use-cases/admin-people';
import { adminRoute, readMultipart } from '../_shared/admin-route';
import { listQuerySchema, MAX_PEOPLE_BODY_BYTES, newPersonFields, newPersonSchema } from '../schema';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Search everyone the server knows (pack and the operator's people, opted-out included): ?q=&page=&pageSize= */
export const GET = adminRoute('/api/admin/people', async (request: Request) => {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const query = listQuerySchema.safeParse(params);
  if (!query.success) throw new AppError('invalid_input', query.error.issues[0]?.message ?? 'Bad query.');
  return Response.json(await listPeople({ query: query.data.q, page: query.data.page, pageSize: query.data.pageSize }));
});

/**
 * Add a person from photos: multipart `name`, `url` (0-10), `photos` (1-20 files), `face` (optional, one per
 * photo: 0-based face index or `auto`) → 201 {id, name, samples}; 400 with `photos` reasons when a photo
 * has no usable face (nothing saved).
 */
export const POST = adminRoute('/api/admin/people', async (request: Request) => {
  const form = await readMultipart(request, MAX_PEOPLE_BODY_BYTES, 2 * MAX_PHOTOS + 12);
  const parsed = newPersonSchema.safeParse(newPersonFields(form));
  if (!parsed.success) throw new AppError('invalid_input', parsed.error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; '));
  const { name, urls, photos, faces } = parsed.data;
  const created = await createPerson({
    name,
    urls,
    photos: await Promise.all(photos.map(async (file) => ({ file: file.name || 'photo', bytes: new Uint8Array(await file.arrayBuffer()) }))),
    faces,
  });
  return Response.json(created, { status: 201, headers: { location: `/api/admin/people/${created.id}` } });
});
