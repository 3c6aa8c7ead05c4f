import type { SearchHit } from './embedding-index';
import { bestCosine, centroidSimilarity, type PeopleIndex } from './people-index';

/**
 * Open-set 1:N matching policy. Naming a stranger is the failure users hate most, so a face is named only
 * when its match score (plus its quality offset, qualityOffset) clears a threshold chosen for ≤ 1 % wrong
 * names on the celebrity pack's development photos, which also keeps LFW's impostor acceptance under 1 % (docs/gallery.md). Per person, similarity
 * mixes their best sample's cosine with their centroid's (CENTROID_WEIGHT); the match score is the top
 * person's similarity minus MARGIN_WEIGHT × the runner-up person's (a face about as close to two people is
 * more likely neither).
 */
export const MARGIN_WEIGHT = 0.25;
export const DEFAULT_MATCH_THRESHOLD = 0.45;

/**
 * MatchConfidence = 100 / (1 + exp(-(s - CONFIDENCE_CENTER) / CONFIDENCE_SCALE)) for match score s:
 * a logistic fit on LFW identification probes of P(top-1 is the right person | s), see docs/gallery.md.
 */
export const CONFIDENCE_CENTER = 0.393;
export const CONFIDENCE_SCALE = 0.0245;

/** How many nearest rows to gather per face before grouping them by person. */
const ROWS_PER_QUERY = 50;

export interface PersonScore {
  /** Index into the gallery's `people`. */
  person: number;
  /** The person's similarity: their best row's cosine, mixed with their centroid's by searchPeople. */
  score: number;
  /** Best row's cosine alone (searchPeople sets it; rankWithNegatives compares negative samples with it). */
  best?: number;
}

export interface MatchDecision {
  person: number;
  /** Best cosine similarity of the named person. */
  similarity: number;
  /** similarity − MARGIN_WEIGHT × max(0, runner-up similarity) + the face's quality offset: what the threshold and confidence use. */
  score: number;
  /** 0..100, see similarityToConfidence. */
  confidence: number;
  /** Best score of a different person (the runner-up), or null. */
  runnerUp: number | null;
}

/** Calibrated, monotone map of the match score to Rekognition's MatchConfidence (0..100, 2 decimals). */
export function similarityToConfidence(similarity: number): number {
  const p = 1 / (1 + Math.exp(-(similarity - CONFIDENCE_CENTER) / CONFIDENCE_SCALE));
  return Math.round(p * 10_000) / 100;
}

/** Groups row hits by owner (`owners[row]` = person index), best score per person, best first. */
export function rankPeople(hits: readonly SearchHit[], owners: Int32Array): PersonScore[] {
  const best = new Map<number, number>();
  for (const hit of hits) {
    const person = owners[hit.row];
    if (person === undefined) continue;
    const previous = best.get(person);
    if (previous === undefined || hit.score > previous) best.set(person, hit.score);
  }
  return [...best].map(([person, score]) => ({ person, score })).sort((a, b) => b.score - a.score || a.person - b.person);
}

/**
 * How much a person's score leans on their centroid rather than their single best sample: a stranger who
 * resembles one of a person's many photos (a model among 40 glamour shots) scores lower against the whole
 * person, a true match stays close to both. Chosen on the pack's held-out split (docs/gallery.md).
 */
export const CENTROID_WEIGHT = 0.5;

/** Most extra rows a search asks for to make up for excluded (opted-out) people's rows. */
const MAX_EXCLUDED_ROWS = 1000;

/** The nearest ROWS_PER_QUERY rows over every part of the index, excluded people's left out, best first. */
function nearestRows(index: PeopleIndex, embedding: Float32Array): Array<{ person: number; score: number }> {
  const k = ROWS_PER_QUERY + Math.min(index.excludedRows, MAX_EXCLUDED_ROWS);
  const hits: Array<{ person: number; score: number }> = [];
  for (const part of index.parts) {
    if (part.rows.size === 0) continue;
    for (const hit of part.rows.search(embedding, k)) {
      const person = part.owners[hit.row];
      if (person === undefined || index.excluded?.[person]) continue;
      hits.push({ person, score: hit.score });
    }
  }
  // One part's hits come best first already; a stable sort keeps its order among equal scores.
  if (index.parts.length > 1) hits.sort((a, b) => b.score - a.score);
  return hits.slice(0, ROWS_PER_QUERY);
}

/**
 * The people nearest to `embedding`, best first (at most one entry per person): the people owning the
 * nearest rows, each scored (1 − CENTROID_WEIGHT) × best row + CENTROID_WEIGHT × centroid cosine. People
 * with negative samples are then placed by rankWithNegatives.
 */
export function searchPeople(index: PeopleIndex, embedding: Float32Array): PersonScore[] {
  const best = new Map<number, number>();
  for (const { person, score } of nearestRows(index, embedding)) if (!best.has(person)) best.set(person, score);
  const ranked = [...best]
    .map(([person, row]) => ({ person, best: row, score: (1 - CENTROID_WEIGHT) * row + CENTROID_WEIGHT * (centroidSimilarity(index, person, embedding) ?? row) }))
    .sort((a, b) => b.score - a.score || a.person - b.person);
  return index.negatives && index.negatives.size > 0 ? rankWithNegatives(ranked, index.negatives, embedding, index.dims) : ranked;
}

/**
 * "This is not X": an admin marked a face named X as wrong, and its embedding became one of X's negative
 * samples. A face at least as close to one of X's negative samples as to X's own best sample (the same
 * photo again, another photo of the same stranger) is not X: X cannot come first. X stays in the list,
 * right after the new first person, so the margin rule still counts how close the face was to X (a face
 * that looked like X is not named the runner-up on a thin margin). When every ranked person is ruled out,
 * nobody is ranked.
 */
export function rankWithNegatives(ranked: readonly PersonScore[], negatives: ReadonlyMap<number, Float32Array>, embedding: Float32Array, dims: number): PersonScore[] {
  const ruledOut = (p: PersonScore) => {
    const rows = negatives.get(p.person);
    return rows !== undefined && rows.length > 0 && bestCosine(rows, embedding, dims) >= (p.best ?? p.score);
  };
  const first = ranked.findIndex((p) => !ruledOut(p));
  if (first < 0) return [];
  return [ranked[first]!, ...ranked.filter((_, i) => i !== first)];
}

/** The policy's score for people ranked best first (see MARGIN_WEIGHT); -Infinity when nobody is ranked. */
export function matchScore(ranked: readonly PersonScore[]): number {
  const top = ranked[0];
  if (!top) return -Infinity;
  return top.score - MARGIN_WEIGHT * Math.max(0, ranked[1]?.score ?? 0);
}

/**
 * Applies the policy to ranked people: the top person if their match score, plus the face's quality
 * offset (qualityOffset), clears `threshold`, else null.
 */
export function decideMatch(ranked: readonly PersonScore[], threshold: number, offset = 0): MatchDecision | null {
  const top = ranked[0];
  const score = matchScore(ranked) + offset;
  if (!top || score < threshold) return null;
  return { person: top.person, similarity: top.score, score, confidence: similarityToConfidence(score), runnerUp: ranked[1]?.score ?? null };
}

/**
 * How far flip-averaging can move a face's match score, with margin: the recognizer runs the mirror image
 * only for faces whose match could change within this band. Measured on LFW (3,715 probes against 3,191
 * enrolled photos of 1,680 people): the face's own embedding and the flip-averaged one gave match scores
 * |Δ| p50 0.005, p99 0.024, p99.9 0.031, max 0.041 (docs/gallery.md).
 */
export const FLIP_BAND = 0.05;

/**
 * True when the flip-averaged embedding could change the decision for people ranked from a face's own
 * embedding: its match score lies within FLIP_BAND of the threshold, or it would be named while the
 * runner-up is within 2 × FLIP_BAND of the top person. Far below the threshold the answer is "unknown"
 * whoever ranks first.
 */
export function needsFlipAveraged(ranked: readonly PersonScore[], threshold: number, offset = 0): boolean {
  const score = matchScore(ranked) + offset;
  if (Math.abs(score - threshold) < FLIP_BAND) return true;
  if (score < threshold) return false;
  return ranked[0]!.score - (ranked[1]?.score ?? -Infinity) < 2 * FLIP_BAND;
}

/**
 * What the matcher knows of a face's quality, all of it free at match time (no extra net run): the length
 * of its own raw embedding before normalisation (low for small, blurred, turned or occluded faces), the
 * distance between its eyes in pixels, the detector's score and a yaw estimate from its landmarks.
 */
export interface FaceQuality {
  embeddingNorm: number;
  eyeDistance: number;
  detectorScore: number;
  /** Nose offset from the eyes' midpoint over the eye distance: 0 frontal, about ±0.5 in profile. */
  yaw: number;
}

/** FaceQuality from the face's own raw norm, detector score and five points (eyes first, then nose) in pixels. */
export function faceQuality(embeddingNorm: number, detectorScore: number, five: ReadonlyArray<{ x: number; y: number }>): FaceQuality {
  const [l, r, n] = five;
  const eyeDistance = l && r ? Math.hypot(r.x - l.x, r.y - l.y) : 0;
  const yaw = l && r && n && eyeDistance > 0 ? (n.x - (l.x + r.x) / 2) / eyeDistance : 0;
  return { embeddingNorm, eyeDistance, detectorScore, yaw };
}

/**
 * The quality-aware operating point. A face's own raw embedding norm is low when the net sees it poorly
 * (small, blurred, turned, occluded): its true matches then score lower, while strangers' scores hardly
 * move (their bulk sits near 0.3 at any norm). So a face whose norm is at most LOW_NORM gets
 * MAX_QUALITY_OFFSET added to its match score, ramping to nothing at CLEAR_NORM; clear faces carry the
 * whole threshold, now 0.45 instead of the flat policy's 0.43. Chosen on eval:pack-study's development
 * folds (pins_105 photos 1-10 enrolled, 11-16 probed, 4 folds of rotated strangers: 1,800 known and 5,760
 * stranger photos), where it beats the flat 0.43 on every count (named 88.72 → 89.00 %, wrong 0.97 →
 * 0.91 %, strangers named 1.20 → 1.08 %), and checked on LFW (eval:identify DIR at FPIR 1 %: single
 * 95.43 → 95.84 %, multi 96.31 → 96.67 %); docs/gallery.md. Eye distance and yaw gave no gain.
 */
export const MAX_QUALITY_OFFSET = 0.05;
export const LOW_NORM = 2.8;
export const CLEAR_NORM = 3.4;

/** What a face's quality adds to its match score before the threshold (0 for clear faces or without signs). */
export function qualityOffset(quality: FaceQuality | undefined): number {
  if (!quality || !Number.isFinite(quality.embeddingNorm) || quality.embeddingNorm <= 0) return 0;
  const low = Math.min(1, Math.max(0, (CLEAR_NORM - quality.embeddingNorm) / (CLEAR_NORM - LOW_NORM)));
  return MAX_QUALITY_OFFSET * low;
}

/** A face to match: its embedding, and the flip-averaged one on demand when the embedding is the face's own. */
export interface MatchableFace {
  embedding: Float32Array;
  flipAveraged?: () => Promise<Float32Array>;
  /** Its quality signs: they set its operating point (qualityOffset). Without them the offset is 0. */
  quality?: FaceQuality;
}

/**
 * The recognizer's decision for one face: `rank` (a gallery search by person) of its embedding, again with
 * the flip-averaged embedding when needsFlipAveraged says the mirror image could change the answer.
 */
export async function matchFace(face: MatchableFace, rank: (embedding: Float32Array) => PersonScore[], threshold: number): Promise<MatchDecision | null> {
  const offset = qualityOffset(face.quality);
  let ranked = rank(face.embedding);
  if (face.flipAveraged && needsFlipAveraged(ranked, threshold, offset)) ranked = rank(await face.flipAveraged());
  return decideMatch(ranked, threshold, offset);
}
