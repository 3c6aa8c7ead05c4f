import type { CelebrityInfo, RecognizeCelebritiesResult, RecognizerKind } from '../contract/rekognition';

export interface RecognizeOptions {
  /**
   * Compute each face's Pose, Quality, Emotions and Smile (default true, as RecognizeCelebrities returns
   * them). The web flow shows none of them and passes false: the attribute nets cost up to 3× the
   * recognition itself. A back end that gets them for free (Rekognition) may return them anyway.
   */
  attributes?: boolean;
  /**
   * Aborted at the admission deadline or when the client goes away: the back end stops at its next check
   * (the local engine between stages, AWS by cancelling the call) and rejects.
   */
  signal?: AbortSignal;
}

/** One interface, two back ends: our offline engine (`local`) and AWS Rekognition (`rekognition`). */
export interface Recognizer {
  readonly kind: RecognizerKind;
  /**
   * Finds every face in the photo (JPEG/PNG/WebP/AVIF/GIF bytes, already checked against lib/limits) and
   * names the celebrities among them, largest face first. Throws AppError on failure.
   */
  recognizeCelebrities(image: Uint8Array, options?: RecognizeOptions): Promise<RecognizeCelebritiesResult>;
  /** Throws AppError('not_found') for an unknown id. */
  getCelebrityInfo(id: string): Promise<CelebrityInfo>;
  /** Whether the recognizer can answer now, and how many celebrities it knows (null when not knowable). */
  health(): Promise<{ ready: boolean; celebrities: number | null }>;
}
