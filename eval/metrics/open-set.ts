/**
 * Open-set identification metrics (as in NIST FRVT 1:N): FPIR = share of impostor probes (people never
 * enrolled) whose best score clears the threshold; DIR = share of known probes whose top-1 is the right
 * person AND clears the threshold.
 */

/** One probe's outcome: the best person's score and whether that person is the right one (known probes). */
export interface ProbeResult {
  score: number;
  correct: boolean;
}

export interface OpenSetPoint {
  threshold: number;
  fpir: number;
  dir: number;
}

/** Smallest threshold (a score just above an impostor score) at which FPIR ≤ `fpir`. */
export function thresholdAtFpir(impostorScores: readonly number[], fpir: number): number {
  const sorted = [...impostorScores].sort((a, b) => b - a);
  const allowed = Math.floor(fpir * sorted.length);
  const boundary = sorted[allowed];
  return boundary === undefined ? -1 : boundary + 1e-6;
}

/** FPIR and DIR at `threshold`. */
export function openSetPoint(known: readonly ProbeResult[], impostors: readonly ProbeResult[], threshold: number): OpenSetPoint {
  const accepted = impostors.filter((p) => p.score >= threshold).length;
  const named = known.filter((p) => p.correct && p.score >= threshold).length;
  return { threshold, fpir: accepted / Math.max(impostors.length, 1), dir: named / Math.max(known.length, 1) };
}

/** Closed-set rank-1: share of known probes whose top-1 person is right. */
export function rank1(known: readonly ProbeResult[]): number {
  return known.filter((p) => p.correct).length / Math.max(known.length, 1);
}

/**
 * Fits P(correct | score) = 1 / (1 + exp(-(score - center) / scale)) by Newton's method on the logistic
 * log-likelihood; returns the center (score at 50 %) and scale (score change per e-fold of the odds).
 */
export function fitLogistic(samples: readonly ProbeResult[]): { center: number; scale: number } {
  let a = 10;
  let b = -4; // logit = a * score + b
  for (let iteration = 0; iteration < 50; iteration++) {
    let ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
    for (const { score, correct } of samples) {
      const p = 1 / (1 + Math.exp(-(a * score + b)));
      const r = (correct ? 1 : 0) - p;
      const w = p * (1 - p) + 1e-9;
      ga += r * score;
      gb += r;
      haa += w * score * score;
      hab += w * score;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-12) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a += da;
    b += db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { center: -b / a, scale: 1 / a };
}
