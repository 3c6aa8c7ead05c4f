import { AppError } from '@/lib/errors';
import { previewFaces } from '@/lib/use-cases/admin-people';
import { adminRoute, readMultipart } from '../_shared/admin-route';
import { MAX_PEOPLE_BODY_BYTES } from '../schema';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** The faces in one photo (multipart `photo`), before it is saved: {width, height, faces: [{box, confidence}]}, largest first. */
export const POST = adminRoute('/api/admin/faces', async (request: Request) => {
  const photo = (await readMultipart(request, MAX_PEOPLE_BODY_BYTES, 4)).get('photo');
  if (!(photo instanceof File)) throw new AppError('invalid_input', 'Attach the photo as a file in the field "photo".');
  return Response.json(await previewFaces(new Uint8Array(await photo.arrayBuffer())));
});
