/** Percentile summaries for benchmark samples (milliseconds unless a caller says otherwise). */

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
}

/**
 * Nearest-rank percentile of already sorted samples: p in 0..100.
 * Nearest rank (not interpolation) so a p95 is always a latency that really happened.
 */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  const index = Math.min(sorted.length - 1, Math.max(0, rank - 1));
  return sorted[index] ?? Number.NaN;
}

/** p50/p95/mean/min/max of the samples; NaN fields when there are none. */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((acc, v) => acc + v, 0);
  return {
    n: sorted.length,
    p50: percentileSorted(sorted, 50),
    p95: percentileSorted(sorted, 95),
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Collects samples under names (stage, photo kind, runtime…) and summarises each. */
export class SampleSet {
  private readonly samples = new Map<string, number[]>();

  add(name: string, value: number): void {
    const list = this.samples.get(name);
    if (list) list.push(value);
    else this.samples.set(name, [value]);
  }

  get(name: string): number[] {
    return this.samples.get(name) ?? [];
  }

  names(): string[] {
    return [...this.samples.keys()];
  }

  summary(name: string): Summary {
    return summarize(this.get(name));
  }

  toJSON(): Record<string, number[]> {
    return Object.fromEntries(this.samples);
  }

  static fromJSON(data: Record<string, number[]>): SampleSet {
    const set = new SampleSet();
    for (const [name, values] of Object.entries(data)) for (const v of values) set.add(name, v);
    return set;
  }
}

/** Wall-clock milliseconds of an async call, with its result. */
export async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** Round for display: 2 decimals under 10, 1 under 100, else integer. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}
