/**
 * A ModelHost whose sessions live in worker threads, one single-threaded session of every net per worker.
 * onnxruntime-node runs one inference at a time per thread, so this is what lets a photo's independent runs
 * (a face and its mirror image, several faces, detector windows, attribute nets) use both cores at once:
 * two 1-thread runs side by side took 7.8 ms where the same two runs one after another on 2 intra-op
 * threads took 12-17 ms.
 */
import { Worker } from 'node:worker_threads';
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
parentPort.on('message', (msg) => {
  handle(msg).then(
    ([reply, transfer]) => parentPort.postMessage({ id: msg.id, ...reply }, transfer),
    (error) => parentPort.postMessage({ id: msg.id, error: error && error.message ? error.message : String(error) }),
  );
});
parentPort.postMessage({ id: 0, ready: true });
`;

type Request =
  | { type: 'load'; path: string; bytes?: Uint8Array; file?: string; preOptimized?: boolean }
  | { type: 'release'; path: string }
  | { type: 'close' }
  | { type: 'run'; path: string; feeds: Record<string, FloatTensor>; outputs: readonly string[] };

interface Reply {
  id: number;
  error?: string;
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
}

function startWorker(intraOpThreads: number): Promise<PoolWorker> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { options: sessionOptions(intraOpThreads) },
    // The feeds a worker receives (up to 2 MB a detector window) die young, but a default-sized young
    // generation let tens of MB of them wait for a scavenge: 2 MB keeps the engine's peak RSS ~40 MB lower.
    resourceLimits: { maxYoungGenerationSizeMb: 2 },
  });
  const entry: PoolWorker = { worker, inflight: 0, backlog: 0, pending: new Map(), alive: true, models: new Set() };
  const fail = (error: Error) => {
    entry.alive = false;
    for (const { reject } of entry.pending.values()) reject(error);
    entry.pending.clear();
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
      if (reply.error !== undefined) waiter.reject(new Error(reply.error));
      else waiter.resolve(reply);
    });
    worker.once('error', (error) => {
      fail(error);
      reject(error);
    });
    worker.once('exit', (code) => fail(new Error(`face engine worker exited (code ${code})`)));
  });
}

let nextRequestId = 1;

function send(entry: PoolWorker, request: Request): Promise<Reply> {
  if (!entry.alive) return Promise.reject(new Error('face engine worker is not running'));
  const id = nextRequestId++;
  return new Promise((resolve, reject) => {
    entry.pending.set(id, { resolve, reject });
    // Referenced while a reply is awaited: an unreferenced worker would let the process exit mid-photo.
    if (entry.inflight++ === 0) entry.worker.ref();
    // Feeds are transferred, not copied: cloning the detector's 0.9 MB windows cost ~2.5 ms a photo.
    const transfer = request.type === 'run' ? Object.values(request.feeds).map((t) => t.data.buffer as ArrayBuffer) : [];
    entry.worker.postMessage({ id, ...request }, transfer);
  });
}

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
  const leastBacklog = (path: string): PoolWorker => {
    let best: PoolWorker | undefined;
    for (const w of pool) if (w.alive && w.models.has(path) && (!best || w.backlog < best.backlog)) best = w;
    if (!best) throw new Error('face engine workers have stopped');
    return best;
  };
  const runOn = async (path: string, feeds: Record<string, FloatTensor>, outputs: readonly string[]): Promise<Record<string, Float32Array>> => {
    const worker = leastBacklog(path);
    const cost = expectedMs.get(path) ?? 1;
    worker.backlog += cost;
    try {
      const reply = await send(worker, { type: 'run', path, feeds, outputs });
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
      // Sessions are released inside each worker before it is stopped: terminating a thread that still
      // holds ONNX Runtime sessions (or is creating one) can abort the whole process.
      await Promise.allSettled(pool.filter((w) => w.alive).map((w) => send(w, { type: 'close' })));
      await Promise.all(pool.map((w) => w.worker.terminate()));
    },
  };
}
