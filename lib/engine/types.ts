import type { ComparedFace } from '../recognizer/schema';

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
  /** float32 [512], L2-normalised (unit length), flip-averaged ArcFace-style embedding of the aligned face. */
  embedding: Float32Array;
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
  /** Run the age and gender nets (default false): not in Rekognition's output; the gallery's gender vote uses them. */
  demographics?: boolean;
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
}

/** The offline engine: bytes in, faces and vectors out. Safe to call concurrently; sessions load once. */
export interface FaceEngine {
  analyze(image: Uint8Array, options?: AnalyzeOptions): Promise<ImageAnalysis>;
  close(): Promise<void>;
}
