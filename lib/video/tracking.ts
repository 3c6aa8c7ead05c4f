/**
 * From faces seen in sampled frames to people and their appearances. Pure: the job runner feeds it every
 * sampled frame's faces (lib/use-cases/video-jobs.ts), tests feed it made-up ones.
 *
 * 1. Tracking: a face in frame k continues a track seen in one of the last `maxMissedSamples` + 1 frames
 *    when its identity vector is close to the track's (cosine ≥ SAME_FACE_COSINE), or when it overlaps the
 *    track's last box (IoU ≥ MIN_IOU) and its vector is not far off (≥ NEAR_FACE_COSINE), or when both were
 *    matched to the same celebrity. Two celebrity matches that disagree never join. Pairs are taken best
 *    first, one face per track. A track missing for more than `maxMissedSamples` samples ends.
 * 2. Naming: a track is a celebrity's when that celebrity won the track's frame matches (summed confidence)
 *    and at least a quarter of its frames (one for a track of 1-3 frames) matched them; else it is unknown.
 *    So one stray match of a stranger's face in a long track names nobody.
 * 3. People: a celebrity's tracks make one person; unknown tracks seen in at least `minUnknownSamples`
 *    samples are grouped by identity vector into "Unknown person 1, 2, …" in order of appearance.
 * 4. Spans: an appearance runs from halfway between the last sample without the face and the first with
 *    it, to halfway between the last with it and the next without (clamped to the video): with every
 *    sample right, each end is within half a sampling interval of the truth. Overlapping or touching
 *    appearances of one person are one.
 */
import type { BoundingBox } from '../contract/rekognition';
import type { Appearance, FaceObservation, FrameObservations, Sighting, VideoAnalysis, VideoPerson } from './types';

/** Cosine above which two faces are the same person whatever their position (same-person pairs sit far above). */
export const SAME_FACE_COSINE = 0.45;
/** Cosine a face overlapping the track's last box still needs: rules out a cut to someone else at the same spot. */
export const NEAR_FACE_COSINE = 0.2;
/** Overlap (intersection over union) of a face with the track's last box that counts as the same place. */
export const MIN_IOU = 0.3;

export interface TrackingOptions {
  /** Time between two sampled frames. */
  intervalMs: number;
  /** Length of the video, so the last appearance ends inside it. */
  durationMs: number;
  /** Samples a face may be missing (blur, a turned head) without ending its appearance (default 2). */
  maxMissedSamples?: number;
  /** Samples an unrecognized face must be seen in to be listed as an unknown person (default 2: ~1 s at 2 fps). */
  minUnknownSamples?: number;
}

type Options = Required<TrackingOptions> & { lastSampleMs: number };

interface TrackPoint {
  index: number;
  timeMs: number;
  face: FaceObservation;
}

export interface Track {
  points: TrackPoint[];
  /** Sum of the unit embeddings seen so far (null without embeddings). */
  embeddingSum: Float32Array | null;
  /** Celebrity id → summed match confidence over the track's frames. */
  votes: Map<string, number>;
}

export function iou(a: BoundingBox, b: BoundingBox): number {
  const x1 = Math.max(a.Left, b.Left);
  const y1 = Math.max(a.Top, b.Top);
  const x2 = Math.min(a.Left + a.Width, b.Left + b.Width);
  const y2 = Math.min(a.Top + a.Height, b.Top + b.Height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.Width * a.Height + b.Width * b.Height - inter;
  return union > 0 ? inter / union : 0;
}

/** Cosine of two vectors (the engine's are unit length; sums are normalised here). */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i += 1) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

function leadingVote(votes: Map<string, number>): string | null {
  let best: string | null = null;
  let bestScore = 0;
  for (const [id, score] of votes) {
    if (score > bestScore) {
      best = id;
      bestScore = score;
    }
  }
  return best;
}

/** How well `face` continues `track`, or null when it must not (see step 1 above). */
function linkScore(track: Track, face: FaceObservation): number | null {
  const last = track.points.at(-1)!.face;
  const trackId = leadingVote(track.votes);
  if (face.match && trackId && face.match.id !== trackId) return null;
  const sameMatch = Boolean(face.match && trackId === face.match.id);
  const overlap = iou(last.box, face.box);
  let similarity: number | null = null;
  if (face.embedding && last.embedding) {
    similarity = cosine(face.embedding, last.embedding);
    if (track.embeddingSum) similarity = Math.max(similarity, cosine(face.embedding, track.embeddingSum));
  }
  const linked = sameMatch
    || (similarity !== null && similarity >= SAME_FACE_COSINE)
    || (overlap >= MIN_IOU && (similarity === null ? true : similarity >= NEAR_FACE_COSINE));
  if (!linked) return null;
  return (similarity ?? 0) + overlap + (sameMatch ? 1 : 0);
}

function addPoint(track: Track, point: TrackPoint): void {
  track.points.push(point);
  const { embedding, match } = point.face;
  if (embedding) {
    track.embeddingSum ??= new Float32Array(embedding.length);
    for (let i = 0; i < embedding.length; i += 1) track.embeddingSum[i]! += embedding[i]!;
  }
  if (match) track.votes.set(match.id, (track.votes.get(match.id) ?? 0) + match.confidence);
}

/** Step 1: faces of consecutive samples joined into tracks, in order of their first sample. */
export function trackFaces(frames: readonly FrameObservations[], maxMissedSamples = 2): Track[] {
  const tracks: Track[] = [];
  let active: Track[] = [];
  for (const frame of [...frames].sort((a, b) => a.index - b.index)) {
    active = active.filter((track) => frame.index - track.points.at(-1)!.index <= maxMissedSamples + 1);
    const pairs: Array<{ track: Track; face: number; score: number }> = [];
    for (const track of active) {
      frame.faces.forEach((face, i) => {
        const score = linkScore(track, face);
        if (score !== null) pairs.push({ track, face: i, score });
      });
    }
    pairs.sort((a, b) => b.score - a.score);
    const usedTracks = new Set<Track>();
    const usedFaces = new Set<number>();
    for (const pair of pairs) {
      if (usedTracks.has(pair.track) || usedFaces.has(pair.face)) continue;
      usedTracks.add(pair.track);
      usedFaces.add(pair.face);
      addPoint(pair.track, { index: frame.index, timeMs: frame.timeMs, face: frame.faces[pair.face]! });
    }
    frame.faces.forEach((face, i) => {
      if (usedFaces.has(i)) return;
      const track: Track = { points: [], embeddingSum: null, votes: new Map() };
      addPoint(track, { index: frame.index, timeMs: frame.timeMs, face });
      tracks.push(track);
      active.push(track);
    });
  }
  return tracks;
}

/** Step 2: the celebrity a track shows, or null. */
export function trackIdentity(track: Track): string | null {
  const id = leadingVote(track.votes);
  if (!id) return null;
  const matched = track.points.filter((p) => p.face.match?.id === id).length;
  const needed = track.points.length <= 3 ? 1 : Math.ceil(track.points.length / 4);
  return matched >= needed ? id : null;
}

function sightingOf(point: TrackPoint, personId: string | null): Sighting {
  const ownMatch = personId !== null && point.face.match?.id === personId ? point.face.match.confidence : null;
  return { timeMs: point.timeMs, box: point.face.box, confidence: point.face.confidence, matchConfidence: ownMatch };
}

/** How good a face picture a sighting is: large and sure, and better when this very frame named the person. */
function faceScore(s: Sighting): number {
  return s.box.Width * s.box.Height * (s.confidence / 100) * (s.matchConfidence !== null ? 1 : 0.7);
}

function bestSighting(sightings: readonly Sighting[]): Sighting {
  return sightings.reduce((best, s) => (faceScore(s) > faceScore(best) ? s : best));
}

/** Step 4: one person's tracks as appearances, touching ones merged. */
function appearancesOf(tracks: readonly Track[], personId: string | null, options: Options): Appearance[] {
  const half = options.intervalMs / 2;
  // Seen in the last sample: on screen until the end, as far as anyone can tell.
  const endOf = (timeMs: number) => (timeMs >= options.lastSampleMs ? options.durationMs : Math.min(options.durationMs, timeMs + half));
  const spans = tracks
    .map((track) => ({
      startMs: Math.max(0, track.points[0]!.timeMs - half),
      endMs: endOf(track.points.at(-1)!.timeMs),
      sightings: track.points.map((p) => sightingOf(p, personId)),
    }))
    .sort((a, b) => a.startMs - b.startMs);
  const merged: typeof spans = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span.startMs <= last.endMs) {
      last.endMs = Math.max(last.endMs, span.endMs);
      last.sightings = [...last.sightings, ...span.sightings].sort((a, b) => a.timeMs - b.timeMs);
    } else {
      merged.push({ ...span, sightings: [...span.sightings] });
    }
  }
  return merged.map((span) => {
    const best = bestSighting(span.sightings);
    const matchConfidences = span.sightings.map((s) => s.matchConfidence).filter((c): c is number => c !== null);
    const confidence = matchConfidences.length ? Math.max(...matchConfidences) : Math.max(...span.sightings.map((s) => s.confidence));
    return { startMs: Math.round(span.startMs), endMs: Math.round(span.endMs), boundingBox: best.box, confidence, sightings: span.sightings };
  });
}

function personFrom(kind: VideoPerson['kind'], id: string, name: string, tracks: Track[], options: Options): VideoPerson {
  const appearances = appearancesOf(tracks, kind === 'celebrity' ? id : null, options);
  const best = bestSighting(appearances.flatMap((a) => a.sightings));
  const match = kind === 'celebrity' ? tracks.flatMap((t) => t.points).find((p) => p.face.match?.id === id)?.face.match : undefined;
  return {
    kind,
    id,
    name,
    urls: match ? [...match.urls] : [],
    ...(match?.knownGender ? { knownGender: match.knownGender } : {}),
    confidence: Math.max(...appearances.map((a) => a.confidence)),
    bestFace: { timeMs: best.timeMs, box: best.box },
    appearances,
  };
}

function meanEmbedding(tracks: readonly Track[]): Float32Array | null {
  const sums = tracks.map((t) => t.embeddingSum).filter((s): s is Float32Array => s !== null);
  if (sums.length === 0) return null;
  const mean = new Float32Array(sums[0]!.length);
  for (const sum of sums) {
    const norm = Math.hypot(...sum) || 1;
    for (let i = 0; i < sum.length; i += 1) mean[i]! += sum[i]! / norm;
  }
  return mean;
}

/**
 * Every person in the video with their appearances: celebrities (in order of first appearance), then
 * unknown persons numbered in order of first appearance.
 */
export function buildTimeline(frames: readonly FrameObservations[], trackingOptions: TrackingOptions): VideoAnalysis {
  const lastSampleMs = Math.max(0, ...frames.map((f) => f.timeMs));
  const options: Options = { maxMissedSamples: 2, minUnknownSamples: 2, ...trackingOptions, lastSampleMs };
  const tracks = trackFaces(frames, options.maxMissedSamples);
  const byCelebrity = new Map<string, Track[]>();
  const unknownGroups: Track[][] = [];
  for (const track of tracks) {
    const id = trackIdentity(track);
    if (id) {
      byCelebrity.set(id, [...(byCelebrity.get(id) ?? []), track]);
      continue;
    }
    if (track.points.length < options.minUnknownSamples) continue;
    // Grouped with the unknown person whose face it is most like, if like enough.
    let home: Track[] | undefined;
    let bestSimilarity = SAME_FACE_COSINE;
    for (const group of unknownGroups) {
      const mean = meanEmbedding(group);
      if (!mean || !track.embeddingSum) continue;
      const similarity = cosine(mean, track.embeddingSum);
      if (similarity >= bestSimilarity) {
        bestSimilarity = similarity;
        home = group;
      }
    }
    if (home) home.push(track);
    else unknownGroups.push([track]);
  }
  const firstTime = (group: readonly Track[]) => Math.min(...group.map((t) => t.points[0]!.timeMs));
  const celebrities = [...byCelebrity.entries()]
    .sort(([, a], [, b]) => firstTime(a) - firstTime(b))
    .map(([id, group]) => {
      const name = group.flatMap((t) => t.points).find((p) => p.face.match?.id === id)!.face.match!.name;
      return personFrom('celebrity', id, name, group, options);
    });
  const unknown = unknownGroups
    .sort((a, b) => firstTime(a) - firstTime(b))
    .map((group, n) => personFrom('unknown', `unknown-${n + 1}`, `Unknown person ${n + 1}`, group, options));
  return { intervalMs: options.intervalMs, persons: [...celebrities, ...unknown] };
}
