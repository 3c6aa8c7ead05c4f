/** Adds the time `work` takes to timings[stage] (summed over faces, which run concurrently). */
export async function timed<T>(timings: Record<string, number>, stage: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[stage] = (timings[stage] ?? 0) + performance.now() - start;
  }
}
