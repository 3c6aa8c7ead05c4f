/**
 * LFW verification protocol helpers (pure): pairs.txt parsing, the standard 10-fold accuracy (threshold
 * chosen on 9 folds, applied to the 10th) and TAR at a fixed FAR. Used by eval/lfw.ts, eval/flip.ts and tests.
 */
import type { PixelBox } from '../../lib/engine';

export interface LfwPair {
  fold: number;
  same: boolean;
  /** Relative image paths, `<Name>/<Name>_<NNNN>.jpg`. */
  a: string;
  b: string;
}

function imagePath(name: string, n: string): string {
  return `${name}/${name}_${n.padStart(4, '0')}.jpg`;
}

/** Parses LFW's pairs.txt (first line "folds perFold", then per fold perFold matched, perFold mismatched rows). */
export function parsePairs(text: string): LfwPair[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  const [folds, perFold] = (lines[0] ?? '').split(/\s+/).map(Number);
  if (!folds || !perFold) throw new Error('pairs.txt: first line must be "<folds> <pairs per fold>"');
  const pairs: LfwPair[] = [];
  lines.slice(1).forEach((line, i) => {
    const f = line.split(/\s+/);
    const fold = Math.floor(i / (2 * perFold));
    if (f.length === 3) pairs.push({ fold, same: true, a: imagePath(f[0]!, f[1]!), b: imagePath(f[0]!, f[2]!) });
    else if (f.length === 4) pairs.push({ fold, same: false, a: imagePath(f[0]!, f[1]!), b: imagePath(f[2]!, f[3]!) });
    else throw new Error(`pairs.txt line ${i + 2}: expected 3 or 4 fields`);
  });
  if (pairs.length !== folds * perFold * 2) throw new Error(`pairs.txt: expected ${folds * perFold * 2} pairs, found ${pairs.length}`);
  return pairs;
}

export interface ScoredPair {
  fold: number;
  same: boolean;
  /** Cosine similarity, −1..1 (−1 when a face was not found). */
  score: number;
}

function accuracyAt(pairs: readonly ScoredPair[], threshold: number): number {
  let ok = 0;
  for (const p of pairs) if ((p.score >= threshold) === p.same) ok++;
  return pairs.length === 0 ? 0 : ok / pairs.length;
}

/** The threshold (a midpoint between sorted scores) with the best accuracy on `pairs`. */
export function bestThreshold(pairs: readonly ScoredPair[]): number {
  const scores = [...new Set(pairs.map((p) => p.score))].sort((x, y) => x - y);
  let best = -1;
  let bestAcc = -1;
  const candidates = [scores[0]! - 1e-6, ...scores.map((s, i) => (i + 1 < scores.length ? (s + scores[i + 1]!) / 2 : s + 1e-6))];
  for (const t of candidates) {
    const acc = accuracyAt(pairs, t);
    if (acc > bestAcc) {
      bestAcc = acc;
      best = t;
    }
  }
  return best;
}

export interface FoldResult {
  accuracy: number;
  accuracyStd: number;
  thresholds: number[];
}

/** k-fold verification accuracy: each fold is scored with the threshold that is best on the other folds. */
export function kFoldAccuracy(pairs: readonly ScoredPair[]): FoldResult {
  const folds = [...new Set(pairs.map((p) => p.fold))].sort((x, y) => x - y);
  if (folds.length < 2) throw new Error('kFoldAccuracy needs at least 2 folds');
  const accs: number[] = [];
  const thresholds: number[] = [];
  for (const fold of folds) {
    const t = bestThreshold(pairs.filter((p) => p.fold !== fold));
    thresholds.push(t);
    accs.push(accuracyAt(pairs.filter((p) => p.fold === fold), t));
  }
  const mean = accs.reduce((s, a) => s + a, 0) / accs.length;
  const std = Math.sqrt(accs.reduce((s, a) => s + (a - mean) ** 2, 0) / accs.length);
  return { accuracy: mean, accuracyStd: std, thresholds };
}

/** True accept rate at the threshold that lets `far` of the impostor pairs through. */
export function tarAtFar(pairs: readonly ScoredPair[], far: number): number {
  const impostors = pairs.filter((p) => !p.same).map((p) => p.score).sort((x, y) => y - x);
  const genuine = pairs.filter((p) => p.same);
  if (impostors.length === 0 || genuine.length === 0) return 0;
  const allowed = Math.floor(far * impostors.length);
  // Strictly above the (allowed+1)-th highest impostor score: at most `allowed` impostors pass.
  const threshold = impostors[Math.min(allowed, impostors.length - 1)]!;
  return genuine.filter((p) => p.score > threshold).length / genuine.length;
}

/** The box whose centre is nearest the image centre (LFW frames are centred on their subject). */
export function centralFace<T extends { box: PixelBox }>(faces: readonly T[], width: number, height: number): T | undefined {
  let best: T | undefined;
  let bestD = Infinity;
  for (const f of faces) {
    const d = Math.hypot(f.box.x + f.box.width / 2 - width / 2, f.box.y + f.box.height / 2 - height / 2);
    if (d < bestD) {
      bestD = d;
      best = f;
    }
  }
  return best;
}

/** Cosine similarity of two unit vectors. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
