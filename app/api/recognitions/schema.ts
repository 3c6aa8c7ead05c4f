import { z } from 'zod';

/** POST /api/recognitions: multipart/form-data with one file in the field `image`. */
export const createRecognitionRequestSchema = z.object({
  image: z.instanceof(File, { message: 'Attach the photo as a file in the form field "image".' }),
});

export type CreateRecognitionRequest = z.infer<typeof createRecognitionRequestSchema>;

/** `{n}`: index of a face, celebrities first then unrecognized faces, as on the result page. */
export const faceIndexParamSchema = z.coerce.number().int().min(0).max(63);
