import { z } from 'zod';

/** `{n}`: index of a face, celebrities first then unrecognized faces, as on the result page. */
export const faceIndexParamSchema = z.coerce.number().int().min(0).max(63);
