/**
 * Face-ness check (pure): the detector also fires on dog faces, lettering and ears. Cheap signs from
 * work the engine does anyway tell such boxes from faces.
 *
 * First the face-space probe: a box the detector is not sure of (< 0.99) must also look like a face to
 * the embedding net, a linear probe on its flip-averaged embedding trained on the detector's own false
 * boxes (eval/train-face-probe.ts). It drops every dog in dogs.jpg, which it never saw.
 *
 * Then four signs from the other nets: a box is dropped only when the detector itself is unsure AND the
 * other signs agree (two of three below 0.8, all three below 0.95): real faces with
 * sunglasses, in the dark or in profile show two signs, so a sure detection is always kept and an unsure
 * one needs every sign against it (a 3/4 profile in LFW scored 0.90 with two signs).
 * Thresholds from the LFW photos' own faces, where none of the four ever fired (288 people sampled:
 * detector ≥ 0.998, embedding norm ≥ 2.52, flip cosine ≥ 0.954, mirror disagreement ≤ 0.10), and from the
 * false boxes in the raw sets (dogs.jpg, the MADONNA lettering, an ear in rick2.jpg), each showing 3-4.
 */

import { FACE_PROBE_BIAS, FACE_PROBE_LIMIT, FACE_PROBE_WEIGHTS } from './face-probe-weights';

/** A linear face/not-face probe on the unit flip-averaged embedding: w·e + b, a face above `limit`. */
export interface FaceProbe {
  weights: Float32Array;
  bias: number;
  limit: number;
}

export const FACE_PROBE: FaceProbe = { weights: FACE_PROBE_WEIGHTS, bias: FACE_PROBE_BIAS, limit: FACE_PROBE_LIMIT };

/** Detector probability from which a box is kept without the face-space probe. */
export const FACE_SPACE_SURE = 0.99;

/**
 * How far above the limit a face's own (not flip-averaged) embedding must score to be kept without its
 * mirror run: on 3,743 faces and dogs the two scores differed by at most 0.98 (p99.9 0.67).
 */
export const FACE_SPACE_BAND = 1.5;

/** True when a score from the face's own embedding is too near the limit to decide without the flip-averaged one. */
export function needsAveragedFaceSpace(ownScore: number, probe: FaceProbe = FACE_PROBE): boolean {
  return ownScore < probe.limit + FACE_SPACE_BAND;
}

/** True when a score from the face's own embedding is so far below the limit that the flip-averaged one cannot pass. */
export function surelyOutsideFaceSpace(ownScore: number, probe: FaceProbe = FACE_PROBE): boolean {
  return ownScore < probe.limit - FACE_SPACE_BAND;
}

/** The probe's log-odds that `embedding` (unit, flip-averaged) is a face. */
export function faceSpaceScore(embedding: Float32Array, probe: FaceProbe = FACE_PROBE): number {
  let z = probe.bias;
  for (let k = 0; k < probe.weights.length; k++) z += probe.weights[k]! * (embedding[k] ?? 0);
  return z;
}

export interface FacenessSigns {
  /** Detector probability, 0..1. */
  detectorScore: number;
  /** Mean length of the raw (unnormalised) embeddings of the face and its mirror image. */
  embeddingNorm: number;
  /** Cosine between the embeddings of the face and of its mirror image. */
  flipCosine: number;
  /** Mean distance between the 5 alignment points found on the crop and on its mirror, over the eye distance. */
  mirrorDisagreement: number;
  /** faceSpaceScore of the flip-averaged embedding. */
  faceSpace: number;
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
 * True when a detection should be kept as a face: one the detector is not sure of (< 0.99) must pass the
 * face-space probe; then a doubtful detector (< 0.8) needs two of the other three signs to drop a box, an
 * unsure one (< 0.95) all three, and a sure one is always kept.
 */
export function looksLikeFace(s: FacenessSigns, probe: FaceProbe = FACE_PROBE): boolean {
  if (s.detectorScore < FACE_SPACE_SURE && s.faceSpace < probe.limit) return false;
  const others = notFaceSigns(s) - Number(s.detectorScore < FACENESS_LIMITS.detectorScore);
  if (s.detectorScore < DETECTOR_DOUBT) return others < 2;
  if (s.detectorScore < FACENESS_LIMITS.detectorScore) return others < 3;
  return true;
}
