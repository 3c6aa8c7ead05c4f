/**
 * A ModelHost whose sessions live in worker threads, one single-threaded session of every net per worker.
 * onnxruntime-node runs one inference at a time per thread, so this is what lets a photo's independent runs
 * (a face and its mirror image, several faces, detector windows, attribute nets) use both cores at once:
 * two 1-thread runs side by side took 7.8 ms where the same two runs one after another on 2 intra-op
 * threads took 12-17 ms.
 */
import { Worker } from 'node:worker_threads';
import { throwIfCancelled } from '../cancellation';
import { AppError } from '../errors';
import { log } from '../observability/log';
import { robustnessMetrics } from '../observability/robustness-metrics';
import { engineWorkerHealth, liveHosts, type HostState } from './worker-health';
import { sessionOptions, type FloatTensor, type LoadedModel, type ModelHost } from './runtime';

/**
 * The worker, as CommonJS source run with `eval` so it needs no file of its own in a bundled server build.
 * It resolves onnxruntime-node from the working directory (the app root in every way the app is run).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const path = require('node:path');
const ort = createRequire(path.join(process.cwd(), 'index.js'))('onnxruntime-node');
const sessions = new Map();
async function handle(msg) {
  if (msg.type === 'load') {
    const options = msg.preOptimized ? { ...workerData.options, graphOptimizationLevel: 'disabled' } : workerData.options;
    const session = await ort.InferenceSession.create(msg.bytes || msg.file || msg.path, options);
    sessions.set(msg.path, session);
    return [{ inputNames: session.inputNames, outputNames: session.outputNames }, []];
  }
  if (msg.type === 'close') {
    const all = [...sessions.values()];
    sessions.clear();
    await Promise.all(all.map((session) => session.release()));
    return [{}, []];
  }
  if (msg.type === 'release') {
    const session = sessions.get(msg.path);
    sessions.delete(msg.path);
    if (session) await session.release();
    return [{}, []];
  }
  const session = sessions.get(msg.path);
  if (!session) throw new Error(msg.path + ' is not loaded in this worker');
  const feeds = {};
  for (const [name, t] of Object.entries(msg.feeds)) feeds[name] = new ort.Tensor('float32', t.data, t.dims);
  const start = performance.now();
  const result = await session.run(feeds, msg.outputs);
  const ms = performance.now() - start;
  const outputs = {};
  for (const name of msg.outputs) {
    const tensor = result[name];
    if (!tensor || !(tensor.data instanceof Float32Array)) throw new Error(msg.path + ': output "' + name + '" missing or not float32');
    outputs[name] = new Float32Array(tensor.data);
  }
  return [{ outputs, ms }, Object.values(outputs).map((o) => o.buffer)];
}
// A fault drill (ENGINE_FAULT_INJECTION): the thread dies of an uncaught error once no run is in flight.
// Not while one is: ONNX Runtime aborts the whole process when a thread dies in the middle of a run.
let stopping = false;
let active = 0;
const dieWhenIdle = () => { if (stopping && active === 0) setImmediate(() => { throw new Error('fault drill: face engine worker thread killed'); }); };
parentPort.on('message', (msg) => {
  if (msg.type === 'fault') { stopping = true; dieWhenIdle(); return; }
  if (stopping) { parentPort.postMessage({ id: msg.id, error: 'face engine worker is stopping', stopping: true }); return; }
  active++;
  handle(msg).then(
    ([reply, transfer]) => parentPort.postMessage({ id: msg.id, ...reply }, transfer),
    (error) => parentPort.postMessage({ id: msg.id, error: error && error.message ? error.message : String(error) }),
  ).finally(() => { active--; dieWhenIdle(); });
});
parentPort.postMessage({ id: 0, ready: true });
`;

type Request =
  | { type: 'load'; path: string; bytes?: Uint8Array; file?: string; preOptimized?: boolean }
  | { type: 'release'; path: string }
  | { type: 'close' }
  | { type: 'fault' }
  | { type: 'run'; path: string; feeds: Record<string, FloatTensor>; outputs: readonly string[] };

interface Reply {
  id: number;
  error?: string;
  /** The worker refused the request because it is going down (fault drill). */
  stopping?: boolean;
  inputNames?: string[];
  outputNames?: string[];
  outputs?: Record<string, Float32Array>;
  /** How long the inference itself took in the worker. */
  ms?: number;
}

interface PoolWorker {
  worker: Worker;
  /** Requests sent and not yet answered (the worker is referenced while this is above 0). */
  inflight: number;
  /** Expected ms of the runs sent and not yet answered: each run goes to the worker with the least. */
  backlog: number;
  pending: Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>;
  alive: boolean;
  /** Paths of the nets loaded in this worker. */
  models: Set<string>;
  /** The load request of each net loaded, to load them again in a thread started after this one died. */
  loads: Map<string, Request>;
  /** Told to die (fault drill): gets no new runs. */
  draining: boolean;
  /** Runs posted to the thread and not yet answered (at most RUNS_POSTED_PER_WORKER). */
  runsPosted: number;
  /** Runs waiting here for the thread, in order: still in the main thread, so a stopped recognition's are dropped. */
  runWaiters: Array<() => void>;
  /** Called when the thread exits (the host starts another unless it is closing). */
  onExit?: (code: number) => void;
}

/** What a request in flight on a thread that died gets: the engine is restarting it, try again in a moment. */
const workerLost = (detail: string) =>
  new AppError('not_ready', 'The face engine restarted one of its threads. Please try again in a moment.', { retryAfterSeconds: 1, cause: new Error(detail) });

/**
 * Starts a worker thread; with `into`, the thread replaces a dead one in the same PoolWorker (its fields
 * reset, its record of loaded nets kept), so everything that holds the entry keeps working.
 */
function startWorker(intraOpThreads: number, into?: PoolWorker): Promise<PoolWorker> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { options: sessionOptions(intraOpThreads) },
    // The feeds a worker receives (up to 2 MB a detector window) die young, but a default-sized young
    // generation let tens of MB of them wait for a scavenge: 2 MB keeps the engine's peak RSS ~40 MB lower.
    resourceLimits: { maxYoungGenerationSizeMb: 2 },
  });
  const entry: PoolWorker = into
    ? Object.assign(into, { worker, inflight: 0, backlog: 0, pending: new Map(), alive: true, models: new Set<string>(), draining: false })
    : { worker, inflight: 0, backlog: 0, pending: new Map(), alive: true, models: new Set(), loads: new Map(), draining: false, runsPosted: 0, runWaiters: [] };
  const pending = entry.pending;
  const fail = (error: Error) => {
    entry.alive = false;
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  return new Promise((resolve, reject) => {
    worker.on('message', (reply: Reply & { ready?: boolean }) => {
      if (reply.ready) {
        // Unreferenced while idle, so an engine nobody closed never keeps a script from exiting.
        worker.unref();
        resolve(entry);
        return;
      }
      const waiter = entry.pending.get(reply.id);
      if (!waiter) return;
      entry.pending.delete(reply.id);
      if (--entry.inflight === 0) worker.unref();
      if (reply.error !== undefined) waiter.reject(reply.stopping ? workerLost(reply.error) : new Error(reply.error));
      else waiter.resolve(reply);
    });
    worker.once('error', (error) => {
      fail(workerLost(error.message));
      reject(error);
    });
    worker.once('exit', (code) => {
      fail(workerLost(`face engine worker exited (code ${code})`));
      entry.onExit?.(code);
    });
  });
}

let nextRequestId = 1;

function send(entry: PoolWorker, request: Request): Promise<Reply> {
  if (!entry.alive) return Promise.reject(new Error('face engine worker is not running'));
  const id = nextRequestId++;
  return new Promise<Reply>((resolve, reject) => {
    entry.pending.set(id, { resolve, reject });
    // Referenced while a reply is awaited: an unreferenced worker would let the process exit mid-photo.
    if (entry.inflight++ === 0) entry.worker.ref();
    // Feeds are transferred, not copied: cloning the detector's 0.9 MB windows cost ~2.5 ms a photo.
    const transfer = request.type === 'run' ? Object.values(request.feeds).map((t) => t.data.buffer as ArrayBuffer) : [];
    entry.worker.postMessage({ id, ...request }, transfer);
  }).then((reply) => {
    // What this thread holds, so a thread started after it died can load the same nets.
    if (request.type === 'load') entry.loads.set(request.path, request);
    else if (request.type === 'release') entry.loads.delete(request.path);
    else if (request.type === 'close') entry.loads.clear();
    return reply;
  });
}

/**
 * Runs posted to one thread at a time: the one it is running and the next, so it never waits for the main
 * thread. The rest wait here: once posted, a run cannot be taken back, and a 64-face photo stopped at its
 * deadline used to leave all its runs queued in the thread, holding up the next photo for seconds.
 */
const RUNS_POSTED_PER_WORKER = 2;

/** Waits until `entry` may take another run. */
function runTurn(entry: PoolWorker): Promise<void> {
  if (entry.runsPosted < RUNS_POSTED_PER_WORKER) {
    entry.runsPosted += 1;
    return Promise.resolve();
  }
  return new Promise((resolve) => entry.runWaiters.push(resolve));
}

/** Hands the finished run's turn to the next waiting run, if any. */
function passTurn(entry: PoolWorker): void {
  const next = entry.runWaiters.shift();
  if (next) next();
  else entry.runsPosted -= 1;
}

/** Longest a run waits for a thread that can take it (while a dead one is started again), ms. */
const MAX_WAIT_FOR_WORKER_MS = 30_000;
/** Delay before starting a thread again after `failures` failed attempts in a row: 0.2 s doubling to 10 s. */
const restartDelayMs = (failures: number) => Math.min(10_000, 200 * 2 ** failures);

/** Starts `workers` worker threads, each running its sessions on `intraOpThreads` threads (default 1). */
export async function createWorkerHost(options: { workers: number; intraOpThreads?: number }): Promise<ModelHost> {
  const started = await Promise.allSettled(Array.from({ length: Math.max(1, options.workers) }, () => startWorker(options.intraOpThreads ?? 1)));
  const pool = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(pool.map((w) => w.worker.terminate()));
    throw failed.reason;
  }
  // Expected run time per model (moving average of the workers' own timings): one 55 ms expression run
  // must not make a 0.4 ms landmark run wait behind it when the other worker is free sooner.
  const expectedMs = new Map<string, number>();
  const leastBacklog = (path: string): PoolWorker | undefined => {
    let best: PoolWorker | undefined;
    for (const w of pool) if (w.alive && !w.draining && w.models.has(path) && (!best || w.backlog < best.backlog)) best = w;
    return best;
  };

  // Self-healing: a thread that dies is started again with the nets it held; runs meanwhile go to the
  // others, or wait for it (at most MAX_WAIT_FOR_WORKER_MS, and never past their recognition's deadline).
  let closing = false;
  let failures = 0;
  const revived = new Set<() => void>();
  const wake = () => {
    for (const notify of revived) notify();
    revived.clear();
  };
  const restart = async (entry: PoolWorker, code: number): Promise<void> => {
    if (closing) return;
    const index = pool.indexOf(entry);
    log.error({ worker: index, exitCode: code }, 'engine: a face engine worker thread died; starting it again');
    const loads = [...entry.loads.values()];
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, restartDelayMs(failures)));
      if (closing) return;
      try {
        await startWorker(options.intraOpThreads ?? 1, entry);
        for (const request of loads) {
          await send(entry, request);
          if (request.type === 'load') entry.models.add(request.path);
        }
        failures = 0;
        robustnessMetrics().workerRestarts.inc();
        log.info({ worker: index, nets: loads.length }, 'engine: face engine worker thread started again');
        wake();
        return;
      } catch (error) {
        failures += 1;
        log.error({ err: error, worker: index, failures }, 'engine: starting a face engine worker thread again failed; retrying');
        if (entry.alive) await entry.worker.terminate().catch(() => undefined);
      }
    }
  };
  for (const entry of pool) entry.onExit = (code) => void restart(entry, code);

  /** A thread that can run `path` now, or once one is started again. */
  const workerFor = async (path: string): Promise<PoolWorker> => {
    const deadline = performance.now() + MAX_WAIT_FOR_WORKER_MS;
    for (;;) {
      const best = leastBacklog(path);
      if (best) return best;
      throwIfCancelled();
      if (closing || performance.now() > deadline) throw workerLost(`no face engine worker can run ${path}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        revived.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };
  const state: HostState = {
    pool,
    serving: () => [...new Set(pool.flatMap((w) => [...w.loads.keys()]))].every((path) => leastBacklog(path) !== undefined),
    kill(index) {
      const entry = pool[index];
      if (!entry?.alive || entry.draining) return false;
      entry.draining = true;
      entry.worker.postMessage({ id: 0, type: 'fault' });
      return true;
    },
  };
  liveHosts().add(state);
  robustnessMetrics().engine.read = () => engineWorkerHealth();

  const runOn = async (path: string, feeds: Record<string, FloatTensor>, outputs: readonly string[]): Promise<Record<string, Float32Array>> => {
    // A recognition past its deadline, or whose client left, stops here: at most the runs in flight finish.
    throwIfCancelled();
    const worker = await workerFor(path);
    const cost = expectedMs.get(path) ?? 1;
    worker.backlog += cost;
    try {
      await runTurn(worker);
      let reply: Reply;
      try {
        // Stopped while it waited for its turn: never sent.
        throwIfCancelled();
        reply = await send(worker, { type: 'run', path, feeds, outputs });
      } finally {
        passTurn(worker);
      }
      if (reply.ms !== undefined) expectedMs.set(path, expectedMs.has(path) ? 0.8 * cost + 0.2 * reply.ms : reply.ms);
      return reply.outputs ?? {};
    } finally {
      worker.backlog -= cost;
    }
  };
  return {
    async load(path, { bytes, file, preOptimized, pin } = {}) {
      const holders = pin === undefined ? pool : [pool[pin % pool.length]!];
      // allSettled: every worker must be done with its native create before anyone may close the host.
      const settled = await Promise.allSettled(holders.map((w) => send(w, bytes ? { type: 'load', path, bytes } : { type: 'load', path, ...(file ? { file } : {}), ...(preOptimized ? { preOptimized } : {}) })));
      const rejected = settled.find((r) => r.status === 'rejected');
      if (rejected) throw rejected.reason;
      const first = (settled[0] as PromiseFulfilledResult<Reply>).value;
      for (const w of holders) w.models.add(path);
      return {
        name: path,
        inputNames: first.inputNames ?? [],
        outputNames: first.outputNames ?? [],
        run: (feeds, outputs) => runOn(path, feeds, outputs),
        async release() {
          await Promise.all(holders.filter((w) => w.alive).map((w) => send(w, { type: 'release', path })));
          for (const w of holders) w.models.delete(path);
        },
      } satisfies LoadedModel;
    },
    async close() {
      closing = true;
      liveHosts().delete(state);
      wake();
      // Sessions are released inside each worker before it is stopped: terminating a thread that still
      // holds ONNX Runtime sessions (or is creating one) can abort the whole process.
      await Promise.allSettled(pool.filter((w) => w.alive).map((w) => send(w, { type: 'close' })));
      await Promise.all(pool.map((w) => w.worker.terminate()));
    },
  };
}
