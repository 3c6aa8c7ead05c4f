/**
 * The registry of this process's worker hosts, apart from worker-host.ts so that the health check can read
 * it without loading ONNX Runtime (RECOGNIZER=rekognition never does).
 */

/** A worker host's state as the health check and the fault drill see it. */
export interface HostState {
  pool: ReadonlyArray<{ alive: boolean; draining: boolean; models: ReadonlySet<string>; loads: ReadonlyMap<string, unknown> }>;
  /** Every loaded net has at least one thread that can run it. */
  serving(): boolean;
  /** Makes thread `index` die (fault drill); false when there is no such live thread. */
  kill(index: number): boolean;
}

/** The live worker hosts of this process (one per engine), shared by every bundle copy of this module. */
export function liveHosts(): Set<HostState> {
  const holder = globalThis as unknown as Record<symbol, Set<HostState> | undefined>;
  const key = Symbol.for('celebrity-finder.engine-worker-hosts');
  holder[key] ??= new Set();
  return holder[key];
}

/**
 * Whether the face engines of this process can serve: every net on at least one live thread. /api/health
 * answers 503 while they cannot (a thread died and is being started again with its nets).
 */
export function engineWorkerHealth(): { workers: number; alive: number; serving: boolean } {
  let workers = 0, alive = 0, serving = true;
  for (const host of liveHosts()) {
    workers += host.pool.length;
    alive += host.pool.filter((w) => w.alive && !w.draining && w.models.size === w.loads.size).length;
    serving &&= host.serving();
  }
  return { workers, alive, serving };
}

/** Fault drill (ENGINE_FAULT_INJECTION): thread `index` of every engine in this process dies once idle. */
export function killEngineWorker(index = 0): boolean {
  let killed = false;
  for (const host of liveHosts()) killed = host.kill(index) || killed;
  return killed;
}
