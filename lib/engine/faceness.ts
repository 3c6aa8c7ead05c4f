/**
 * Face-ness check (pure): the detector also fires on dog faces, lettering and ears. Four cheap signs from
 * work the engine does anyway tell such boxes from faces. A box is dropped only when the detector itself
 * is unsure AND the other signs agree (two of three below 0.8, all three below 0.95): real faces with
 * sunglasses, in the dark or in profile show two signs, so a sure detection is always kept and an unsure
 * one needs every sign against it (a 3/4 profile in LFW scored 0.90 with two signs).
 * Thresholds from the LFW photos' own faces, where none of the four ever fired (288 people sampled:
 * detector ≥ 0.998, embedding norm ≥ 2.52, flip cosine ≥ 0.954, mirror disagreement ≤ 0.10), and from the
 * false boxes in the raw sets (dogs.jpg, the MADONNA lettering, an ear in rick2.jpg), each showing 3-4.
 */

export interface FacenessSigns {
  /** Detector probability, 0..1. */
  detectorScore: number;
  /** Mean length of the raw (unnormalised) embeddings of the face and its mirror image. */
  embeddingNorm: number;
  /** Cosine between the embeddings of the face and of its mirror image. */
  flipCosine: number;
  /** Mean distance between the 5 alignment points found on the crop and on its mirror, over the eye distance. */
  mirrorDisagreement: number;
}

export const FACENESS_LIMITS = {
  detectorScore: 0.95,
  embeddingNorm: 2.3,
  flipCosine: 0.95,
  mirrorDisagreement: 0.15,
} as const;

/** How many of the four signs say "not a face". */
export function notFaceSigns(s: FacenessSigns): number {
  return (
    Number(s.detectorScore < FACENESS_LIMITS.detectorScore) +
    Number(s.embeddingNorm < FACENESS_LIMITS.embeddingNorm) +
    Number(s.flipCosine < FACENESS_LIMITS.flipCosine) +
    Number(s.mirrorDisagreement > FACENESS_LIMITS.mirrorDisagreement)
  );
}

/** Detector probability below which two other signs are enough to drop a box. */
export const DETECTOR_DOUBT = 0.8;

/**
 * True when a detection should be kept as a face: a doubtful detector (< 0.8) needs two of the other three
 * signs to drop a box, an unsure one (< 0.95) all three, a sure one is always kept.
 */
export function looksLikeFace(s: FacenessSigns): boolean {
  const others = notFaceSigns(s) - Number(s.detectorScore < FACENESS_LIMITS.detectorScore);
  if (s.detectorScore < DETECTOR_DOUBT) return others < 2;
  if (s.detectorScore < FACENESS_LIMITS.detectorScore) return others < 3;
  return true;
}
