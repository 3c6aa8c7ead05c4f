import { z } from 'zod';
import { limits } from '@/lib/limits';
import { MAX_PHOTOS } from '@/lib/use-cases/admin-people';

/** Request shapes of /api/admin (docs/admin.md). */

export const signInSchema = z.object({ token: z.string().min(1).max(1_000) });

export const personIdSchema = z.string().regex(/^[0-9A-Za-z]{1,64}$/, 'a person id is 1-64 letters and digits');
export const sampleIdSchema = z.string().regex(/^[0-9A-Za-z]{12}$/, 'a sample id is 12 letters and digits');

export const nameSchema = z.string().trim().min(1, 'a name is needed').max(100, 'a name has at most 100 characters')
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'a name has no control characters');

export const urlSchema = z.string().trim().max(500).url('a URL such as https://www.imdb.com/name/nm0000158/')
  .refine((url) => /^https?:\/\//i.test(url), 'URLs start with http:// or https://');

export const listQuerySchema = z.object({
  q: z.string().max(100).default(''),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const updatePersonSchema = z.object({
  name: nameSchema.optional(),
  urls: z.array(urlSchema).max(10).optional(),
}).strict().refine((change) => change.name !== undefined || change.urls !== undefined, 'send "name", "urls" or both');

/** `face`: per photo, the face to take (0-based, largest first) or `auto` (the photo's only face). */
const faceChoiceSchema = z.union([z.literal('auto'), z.literal(''), z.coerce.number().int().min(0).max(limits.maxFaces - 1)])
  .transform((value) => (typeof value === 'number' ? value : null));

export const newPersonSchema = z.object({
  name: nameSchema,
  urls: z.array(urlSchema).max(10),
  photos: z.array(z.instanceof(File)).min(1, 'attach 1 to 20 photos in the field "photos"').max(MAX_PHOTOS, `at most ${MAX_PHOTOS} photos a request`),
  faces: z.array(faceChoiceSchema),
}).refine((input) => input.faces.length === 0 || input.faces.length === input.photos.length, { message: 'send one "face" value per photo, or none', path: ['face'] });

/** The fields of a multipart POST /api/admin/people, before checking. */
export function newPersonFields(form: FormData) {
  return { name: form.get('name') ?? '', urls: form.getAll('url'), photos: form.getAll('photos'), faces: form.getAll('face') };
}

export const nameFaceSchema = z.union([
  z.object({ personId: personIdSchema }).strict(),
  z.object({ name: nameSchema }).strict(),
]);

/** `{n}` of /api/admin/recognitions/{id}/faces/{n}: a face as the result page numbers them (celebrities first). */
export const faceIndexSchema = z.coerce.number().int().min(0).max(limits.maxFaces - 1);

/** Photos of one request together: what nginx lets through (client_max_body_size 11m) less margin. */
export const MAX_PEOPLE_BODY_BYTES = limits.maxUploadBytes + 64 * 1024;
