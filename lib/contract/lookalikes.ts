import { z } from 'zod';
import { celebrityIdSchema } from './rekognition';

/**
 * "Looks a bit like": the people nearest to a face, shown beside (never as) a recognition. `similarity` is
 * the matcher's person similarity (docs/gallery.md) as a percentage, rounded: a resemblance figure, not a
 * match confidence.
 */
export const lookalikeSchema = z.object({
  id: celebrityIdSchema,
  name: z.string().min(1),
  similarity: z.number().min(-100).max(100),
});

/** The nearest people of every face of a result, in the stored result's face order (celebrities first, then unrecognized faces). */
export const faceLookalikesSchema = z.array(z.array(lookalikeSchema));

export type Lookalike = z.infer<typeof lookalikeSchema>;
export type FaceLookalikes = z.infer<typeof faceLookalikesSchema>;

/** How many nearest people are kept per face: three to show, one more for a recognized face's own name. */
export const LOOKALIKES_KEPT = 4;
/** How many are shown. */
export const LOOKALIKES_SHOWN = 3;
