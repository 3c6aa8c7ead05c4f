import type { BoundingBox } from '../contract/rekognition';

/** Who a face in one sampled frame matched, as the recognizer decided on that frame alone. */
export interface FrameMatch {
  /** The gallery's celebrity id. */
  id: string;
  name: string;
  urls: string[];
  knownGender?: 'Male' | 'Female' | 'Nonbinary' | 'Unlisted';
  /** MatchConfidence of this frame's match, 0..100. */
  confidence: number;
}

/** One face found in one sampled frame. */
export interface FaceObservation {
  /** Ratios of the frame's width and height, as Rekognition's BoundingBox. */
  box: BoundingBox;
  /** Detector confidence, 0..100. */
  confidence: number;
  /** Unit-length identity vector (512-d from our engine), or null when the recognizer gives none (Rekognition). */
  embedding: Float32Array | null;
  match: FrameMatch | null;
}

/** One sampled frame: frame `index` shows the video at `timeMs` (index × the sampling interval). */
export interface FrameObservations {
  index: number;
  timeMs: number;
  faces: FaceObservation[];
}

/** A face as seen in one sampled frame of an appearance: for AWS's per-timestamp answer and the best-face pick. */
export interface Sighting {
  timeMs: number;
  box: BoundingBox;
  /** Detector confidence, 0..100. */
  confidence: number;
  /** This frame's own match confidence for the person, when the frame matched them. */
  matchConfidence: number | null;
}

/** One continuous appearance: from the first to the last sample a tracked face was seen in, gaps bridged. */
export interface Appearance {
  startMs: number;
  endMs: number;
  /** The face at its largest, surest sample of this appearance. */
  boundingBox: BoundingBox;
  /** Best match confidence within this appearance (0..100), or the detector's confidence for an unknown person. */
  confidence: number;
  sightings: Sighting[];
}

/** A person found in a video: a named celebrity, or an unrecognized face that persisted ("unknown person n"). */
export interface VideoPerson {
  kind: 'celebrity' | 'unknown';
  /** Celebrity id, or `unknown-<n>`. */
  id: string;
  /** Celebrity name, or `Unknown person <n>`. */
  name: string;
  urls: string[];
  knownGender?: FrameMatch['knownGender'];
  /** Best match confidence over all appearances (0..100); for unknown persons, the detector's best. */
  confidence: number;
  /** Where the best face thumbnail comes from. */
  bestFace: { timeMs: number; box: BoundingBox };
  appearances: Appearance[];
}

/** What a finished job keeps: every person, celebrities first (by first appearance), then unknown persons. */
export interface VideoAnalysis {
  intervalMs: number;
  persons: VideoPerson[];
}
