/**
 * Recognition stage for one detected box: landmarks → alignment → embedding (nets/landmarks.ts,
 * nets/embedder.ts), then the faceness verdict (faceness.ts) that drops boxes which are not faces.
 */
import { FACE_PROBE, FACE_SPACE_SURE, FACENESS_LIMITS, faceSpaceScore, looksLikeFace, needsAveragedFaceSpace, surelyOutsideFaceSpace } from '../faceness';
import type { Detection, RgbImage, ScaledImage } from '../image';
import { alignFace, embedFace, embedFaceOnDemand, type EmbedderModel, type FaceEmbedding, type OnDemandEmbedding } from '../nets/embedder';
import { predictLandmarks, type FaceLandmarks, type LandmarkModel } from '../nets/landmarks';
import { toComparedFace } from '../rekognition-face';
import type { AnalyzedFace, AnalyzeOptions } from '../types';
import { timed } from './timed';

export interface RecognitionNets {
  landmarker: LandmarkModel;
  embedder: EmbedderModel;
}

/** A box's recognition chain, or null when it does not look like a face. */
export async function recognizeFace(nets: RecognitionNets, img: RgbImage, copies: readonly ScaledImage[], det: Detection, opts: AnalyzeOptions, timings: Record<string, number>): Promise<AnalyzedFace | null> {
  const landmarks = await timed(timings, 'landmarks', () => predictLandmarks(nets.landmarker, img, det, copies));
  const aligned = await timed(timings, 'align', async () => alignFace(img, landmarks.five, copies));
  const shape = () => ({ face: toComparedFace(det, landmarks.points, img), box: { x: det.x1, y: det.y1, width: det.x2 - det.x1, height: det.y2 - det.y1 } });
  let own: OnDemandEmbedding | undefined;
  if (opts.mirrorEmbedding === 'on-demand') {
    // The face-space probe (< 0.99) reads the face's own embedding first: far below its limit the box is
    // dropped, far above it kept, and only in between does the mirror run decide.
    own = await timed(timings, 'embed', () => embedFaceOnDemand(nets.embedder, aligned));
    const ownFaceSpace = faceSpaceScore(own.embedding);
    if (det.score < FACE_SPACE_SURE && surelyOutsideFaceSpace(ownFaceSpace)) return null;
    // The older signs never drop a box at ≥ 0.95, so its mirror run can wait (lib/gallery matchFace).
    if (det.score >= FACENESS_LIMITS.detectorScore) {
      if (det.score < FACE_SPACE_SURE && needsAveragedFaceSpace(ownFaceSpace)) {
        const averaged = await timed(timings, 'embed', own.flipAveraged);
        if (faceSpaceScore(averaged) < FACE_PROBE.limit) return null;
      }
      return { ...shape(), embedding: own.embedding, embeddingNorm: own.ownNorm, flipAveraged: own.flipAveraged };
    }
  }
  // Below 0.95 on demand (its own embedding already run), or always: every faceness sign, both runs.
  const { embedding, rawNorm, flipCosine, ownNorm } = await timed(timings, 'embed', own ? own.withMirror : () => embedFace(nets.embedder, aligned));
  const signs = { detectorScore: det.score, embeddingNorm: rawNorm, flipCosine, mirrorDisagreement: landmarks.mirrorDisagreement, faceSpace: faceSpaceScore(embedding) };
  return looksLikeFace(signs) ? { ...shape(), embedding, embeddingNorm: ownNorm } : null;
}

/**
 * The same chain with no verdict: landmarks and the flip-averaged embedding of any box, as the engine
 * computes them with `mirrorEmbedding: 'always'` (lab code studies the boxes the verdict drops).
 */
export async function embedBox(nets: RecognitionNets, img: RgbImage, det: Detection, copies: readonly ScaledImage[]): Promise<FaceEmbedding & { landmarks: FaceLandmarks }> {
  const landmarks = await predictLandmarks(nets.landmarker, img, det, copies);
  return { ...(await embedFace(nets.embedder, alignFace(img, landmarks.five, copies))), landmarks };
}
