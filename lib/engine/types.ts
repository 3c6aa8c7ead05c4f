import type { ComparedFace } from '../contract/rekognition';
import type { GraphChoice } from './graph-choice';
import type { RgbImage } from './image';

/** A face box in pixels of the (EXIF auto-oriented) image. */
export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One analysed face: Rekognition-shaped geometry and attributes plus its identity vector. */
export interface AnalyzedFace {
  /** Rekognition's ComparedFace: BoundingBox/Landmarks as 0..1 ratios, Confidence 0..100, Pose, Quality, Emotions, Smile. */
  face: ComparedFace;
  /** Same box in pixels. */
  box: PixelBox;
  /**
   * float32 [512], L2-normalised (unit length) ArcFace-style embedding of the aligned face: flip-averaged,
   * unless `mirrorEmbedding: 'on-demand'` left it the face's own (then `flipAveraged` is set).
   */
  embedding: Float32Array;
  /** With `mirrorEmbedding: 'on-demand'`: the flip-averaged embedding, one more net run on first call. */
  flipAveraged?: () => Promise<Float32Array>;
  /**
   * Length of the face's own raw embedding before normalisation: low for small, blurred or turned faces,
   * a quality sign the matcher's operating point reads (lib/gallery/match.ts). Costs nothing extra.
   */
  embeddingNorm?: number;
  /** Gender net's estimate, when it ran. */
  gender?: { value: 'Male' | 'Female'; confidence: number };
  /** Age net's estimate in years, when it ran. */
  age?: number;
}

export interface AnalyzeOptions {
  /** Most faces to return, largest first (default lib/limits maxFaces = 64). */
  maxFaces?: number;
  /** Skip attribute nets (expression, pose, age, gender): the gallery import only needs embeddings. */
  embeddingsOnly?: boolean;
  /** Run the expression net for Emotions and Smile (default true); it costs about 55 ms CPU per face. */
  emotions?: boolean;
  /**
   * 'always' (default): every embedding is flip-averaged (the face and its mirror image, two net runs).
   * 'on-demand': a face the detector is sure of gets its own embedding and runs the mirror image only when
   * `flipAveraged` is called, as the recognizer does for the few matches it could change (lib/gallery
   * matchFace). Unsure boxes (< 0.95) run both (the faceness check needs the two runs' agreement) unless
   * their own embedding already puts them far outside face space.
   * Up to 0.99 the mirror also runs when the face-space probe's score is near its limit (faceness.ts).
   */
  mirrorEmbedding?: 'always' | 'on-demand';
  /** Run the age and gender nets (default false): not in Rekognition's output; the gallery's gender vote uses them. */
  demographics?: boolean;
  /** Return the decoded, upright pixels with the analysis, so a caller can crop faces without decoding again. */
  keepPixels?: boolean;
}

export interface ImageAnalysis {
  /** Size of the auto-oriented image in pixels. */
  width: number;
  height: number;
  /** Largest first. */
  faces: AnalyzedFace[];
  /**
   * Milliseconds per stage for this call (decode, detect, landmarks, align, embed, attributes), summed over
   * faces; faces and the attribute nets run concurrently, so the stages can add up to more than the call.
   */
  timings: Record<string, number>;
  /** The decoded upright image, with `keepPixels` only; the caller calls `release()` once done with it. */
  pixels?: KeptPixels;
}

/** A decoded image handed to the caller: `release()` frees its memory now (it must not be read after). */
export interface KeptPixels extends RgbImage {
  release(): void;
}

/** The offline engine: bytes in, faces and vectors out. Safe to call concurrently; sessions load once. */
export interface FaceEngine {
  analyze(image: Uint8Array, options?: AnalyzeOptions): Promise<ImageAnalysis>;
  close(): Promise<void>;
  /** The ONNX Runtime graph optimisation each net runs with on this host, by file name (graph-choice.ts). */
  readonly graphs: Readonly<Record<string, GraphChoice>>;
}
