/**
 * Run stage plumbing. Each model module (nets/*.ts) loads one net through `loadModel` from a ModelHost and
 * runs it through `runModel`, which checks the feed against the net's declared inputs and returns the
 * requested outputs by name. Two hosts: sessions in this thread (here, the only importer of
 * onnxruntime-node on the main thread) and a pool of worker threads (worker-host.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { derivedFileReady, writeDerivedFile } from './derived-file';
import { chooseGraphSetting, DEFAULT_GRAPH_SETTING, GRAPH_SETTINGS, graphChoice, withGraphSetting, type GraphChoice, type GraphPolicy, type GraphSetting, type SettingTimings } from './graph-choice';
import { hostCpu } from './host-cpu';
import { optimizedModelFile, scratchFile, temporaryOptimizedModel } from './optimized-model';

/** A float32 tensor as plain data: `data.length` is the product of `dims`. */
export interface FloatTensor {
  data: Float32Array;
  dims: readonly number[];
}

/** One loaded net, wherever its session lives. */
export interface LoadedModel {
  /** File name, for error messages. */
  name: string;
  inputNames: readonly string[];
  outputNames: readonly string[];
  /**
   * Runs one inference; resolves with the requested float32 outputs' data by name. Takes ownership of the
   * feeds' data: a worker host transfers the buffers, so callers must not read them afterwards.
   */
  run(feeds: Record<string, FloatTensor>, outputs: readonly string[]): Promise<Record<string, Float32Array>>;
  release(): Promise<void>;
  /** The graph optimisation it runs with and why (set by loadModel; graph-choice.ts). */
  graph?: GraphChoice;
}

/** How to load one net. */
export interface LoadOptions {
  /** A rewritten graph to load instead of the file (still named after `path`). */
  bytes?: Uint8Array;
  /** A rewritten graph's file to load instead of `path` (still named after `path`). */
  file?: string;
  /** `file` is ORT's saved optimized graph (optimized-model.ts): load it with graph optimizations off. */
  preOptimized?: boolean;
  /**
   * Worker host only: load the net in this one worker (index modulo the pool size) instead of all of them.
   * For the big attribute nets, whose second copy would cost memory (75 MB) for little speed.
   */
  pin?: number;
}

/** Where sessions live: loads nets and frees everything it loaded on close. */
export interface ModelHost {
  load(path: string, options?: LoadOptions): Promise<LoadedModel>;
  close(): Promise<void>;
  /** How loadModel picks each net's graph optimisations (default 'auto': measured once per CPU). */
  graphPolicy?: GraphPolicy;
}

/**
 * ONNX Runtime session options shared by both hosts (plain data, so worker threads get the same).
 * Spinning stays off: every session has its own intra-op pool, and pools spinning between kernels on a
 * 2-core box starve the session that has work (measured: 17 → 70 ms for the two embedding runs).
 */
export function sessionOptions(intraOpThreads: number, graph: GraphSetting = 'all'): ort.InferenceSession.SessionOptions {
  return withGraphSetting({
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    // The vendor's age/gender graphs list their weights as inputs: ORT warns once per weight otherwise.
    logSeverityLevel: 3,
    // An arena per session keeps every session's largest activations allocated at once: 50 MB of peak
    // RSS over 14 sessions here, for no measurable speed.
    enableCpuMemArena: false,
    // Without a memory pattern each activation is its own allocation, mostly under the 2 MB malloc mmap
    // threshold (package.json start), so glibc reuses heap pages for it; a pattern's single 3-6 MB block
    // per run was mmapped and page-faulted afresh every run (~4,000 faults, ~9 ms of CPU a photo).
    enableMemPattern: false,
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  }, graph);
}

/** Runs an ORT session with plain feeds and returns the named float32 outputs (shared with the worker). */
export async function runSession(
  session: ort.InferenceSession,
  name: string,
  feeds: Record<string, FloatTensor>,
  outputs: readonly string[],
): Promise<Record<string, Float32Array>> {
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [input, tensor] of Object.entries(feeds)) ortFeeds[input] = new ort.Tensor('float32', tensor.data, tensor.dims);
  const result = await session.run(ortFeeds, [...outputs]);
  const out: Record<string, Float32Array> = {};
  for (const output of outputs) {
    const tensor = result[output];
    if (!tensor || !(tensor.data instanceof Float32Array)) throw new Error(`${name}: output "${output}" missing or not float32`);
    out[output] = tensor.data;
  }
  return out;
}

/**
 * Sessions in the calling thread. onnxruntime-node runs one inference at a time per thread, so only
 * intra-op threads use more cores; the worker host runs nets side by side instead.
 */
export function inProcessHost(settings: { intraOpThreads: number; graphPolicy?: GraphPolicy }): ModelHost {
  const loaded = new Set<LoadedModel>();
  return {
    ...(settings.graphPolicy ? { graphPolicy: settings.graphPolicy } : {}),
    async load(path, { bytes, file, preOptimized } = {}) {
      const options = { ...sessionOptions(settings.intraOpThreads), ...(preOptimized ? { graphOptimizationLevel: 'disabled' as const } : {}) };
      const session = await (bytes ? ort.InferenceSession.create(bytes, options) : ort.InferenceSession.create(file ?? path, options));
      const model: LoadedModel = {
        name: path,
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        run: (feeds, outputs) => runSession(session, path, feeds, outputs),
        async release() {
          loaded.delete(model);
          await session.release();
        },
      };
      loaded.add(model);
      return model;
    },
    async close() {
      await Promise.all([...loaded].map((m) => m.release()));
    },
  };
}

/** An exact rewrite of a model's graph applied at load time (see onnx-rewrite.ts). */
export interface GraphRewrite {
  /** Names the rewrite in the derived file's name: change it whenever the rewrite's output changes. */
  id: string;
  apply(bytes: Uint8Array): Uint8Array;
}

/**
 * The rewritten model as a file in `.derived/` beside the original, written by the first process that
 * needs it (atomically: temporary file, then rename) and read by every later one. A serving process then
 * never holds the rewrite's buffers (several copies of the model: ~25 MB of RSS left behind for the
 * embedding net), and worker threads read the file themselves instead of receiving copies. The name holds
 * the original's size and mtime, so a changed model gets a new file. When the folder cannot be written
 * (read-only models), the rewritten bytes are loaded from memory instead.
 */
async function rewritten(path: string, rewrite: GraphRewrite): Promise<{ file: string } | { bytes: Uint8Array }> {
  const original = await stat(path);
  const file = join(dirname(path), '.derived', `${basename(path, '.onnx')}.${rewrite.id}.${original.size}-${Math.trunc(original.mtimeMs)}.onnx`);
  if (await derivedFileReady(file)) return { file };
  const bytes = rewrite.apply(new Uint8Array(await readFile(path)));
  return (await writeDerivedFile(file, (partial) => writeFile(partial, bytes))) ? { file } : { bytes };
}

/** The fixed input the graph settings are timed on: one float32 input of these dims (a smooth pattern in −0.8..0.8). */
export interface ProbeInput {
  name: string;
  dims: readonly number[];
}

/**
 * Timed runs per candidate, after one untimed: at least `min`, up to `max` while the candidates' runs have
 * taken less than `budgetMs` each (the 40-55 ms expression net gets 3-4, the small nets 7).
 */
const PROBE_RUNS = { min: 3, max: 7, budgetMs: 150 };

/**
 * The timing, as CommonJS source run by a child Node process (`node -e`): it resolves onnxruntime-node from
 * the working directory as the worker threads do, reads one job a line on stdin, answers one JSON line each,
 * and exits when stdin closes. A child, because creating a session optimizes the graph, and the replaced
 * weight copies would stay in this process's heap (the three candidates of the expression net left 80 MB
 * behind); the child's memory goes when it exits. One child times every net a start needs, one net at a
 * time, since two nets timed side by side would skew each other.
 */
const TIMING_SOURCE = `
const { createRequire } = require('node:module');
const path = require('node:path');
const readline = require('node:readline');
const ort = createRequire(path.join(process.cwd(), 'index.js'))('onnxruntime-node');
async function time(job) {
  const entries = [];
  try {
    for (const { setting, options } of job.candidates) {
      const session = await ort.InferenceSession.create(job.model, options).catch(() => null);
      if (session) entries.push({ setting, session, samples: [] });
    }
    const size = job.probe.dims.reduce((n, d) => n * d, 1);
    const data = Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.013) * 0.8);
    const feeds = { [job.probe.name]: new ort.Tensor('float32', data, job.probe.dims) };
    for (const { session } of entries) await session.run(feeds);
    const started = performance.now();
    for (let round = 0; round < job.runs.max; round++) {
      if (round >= job.runs.min && performance.now() - started > job.runs.budgetMs * entries.length) break;
      // Each round starts with another candidate, so none always runs first after a pause.
      for (let k = 0; k < entries.length; k++) {
        const entry = entries[(round + k) % entries.length];
        const start = performance.now();
        await entry.session.run(feeds);
        entry.samples.push(performance.now() - start);
      }
    }
    const ms = (v) => Math.round(v * 1000) / 1000;
    const timings = {};
    for (const { setting, samples } of entries) {
      const sorted = samples.sort((a, b) => a - b);
      timings[setting] = { medianMs: ms(sorted[Math.floor(sorted.length / 2)]), minMs: ms(sorted[0]) };
    }
    return timings;
  } finally {
    for (const { session } of entries) await session.release();
  }
}
let chain = Promise.resolve();
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  chain = chain.then(() => time(JSON.parse(line))).then((timings) => ({ timings }), () => ({ timings: {} }))
    .then((answer) => process.stdout.write(JSON.stringify(answer) + '\\n'));
});
`;

/** The timing child while jobs are waiting for it: started by the first job, its stdin closed after the last. */
let timer: { child: ChildProcess; answers: Array<(timings: SettingTimings) => void>; jobs: number } | null = null;

function timingChild(): NonNullable<typeof timer> {
  if (timer) return timer;
  const child = spawn(process.execPath, ['-e', TIMING_SOURCE], { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'ignore'] });
  const state = { child, answers: [] as Array<(timings: SettingTimings) => void>, jobs: 0 };
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      let timings: SettingTimings = {};
      try {
        timings = (JSON.parse(line) as { timings: SettingTimings }).timings;
      } catch {
        // An answer that is not JSON: no timings for that job.
      }
      state.answers.shift()?.(timings);
    }
  });
  const gone = () => {
    if (timer === state) timer = null;
    for (const answer of state.answers.splice(0)) answer({});
  };
  child.on('exit', gone);
  child.on('error', gone);
  child.stdin!.on('error', gone);
  timer = state;
  return state;
}

/**
 * The median and fastest ms of one single-threaded run of the model file per graph setting, on the probe
 * input, timed in the child process (TIMING_SOURCE). The candidates' sessions are open side by side and
 * their runs interleaved, so a noisy neighbour slows all of them alike. A setting the net fails to load
 * with is left out; when the child fails there are no timings (the net then runs at the default).
 */
export function timeGraphSettings(model: string, probe: ProbeInput, settings: readonly GraphSetting[] = GRAPH_SETTINGS, runs = PROBE_RUNS): Promise<SettingTimings> {
  const job = { model, probe, runs, candidates: settings.map((setting) => ({ setting, options: sessionOptions(1, setting) })) };
  const state = timingChild();
  state.jobs += 1;
  return new Promise<SettingTimings>((resolve) => {
    state.answers.push(resolve);
    state.child.stdin!.write(`${JSON.stringify(job)}\n`);
  }).finally(() => {
    // The last job waiting: the child exits once its stdin is closed.
    if (--state.jobs === 0) {
      if (timer === state) timer = null;
      state.child.stdin!.end();
    }
  });
}

/** The graph setting `source` runs with under `policy`: forced, read from `.derived/`, or measured now. */
async function chooseGraph(path: string, source: { file: string } | { bytes: Uint8Array }, policy: GraphPolicy, probe: ProbeInput | undefined): Promise<GraphChoice> {
  if (policy !== 'auto') return { setting: policy, timingsMs: {}, source: 'forced' };
  // Only onnxruntime-node's CPU provider has these settings (the benchmark's onnxruntime-web peer runs this
  // code too), and a net without a probe input cannot be timed.
  if (ort.env.versions.node === undefined || !probe) return { setting: DEFAULT_GRAPH_SETTING, timingsMs: {}, source: 'default' };
  if ('bytes' in source) {
    // A read-only model folder: nothing can be kept, so every start measures (the child reads a temporary copy).
    const file = await scratchFile(basename(path)).catch(() => null);
    const written = file !== null && (await writeFile(file, source.bytes).then(() => true, () => false));
    const timingsMs = written ? await timeGraphSettings(file, probe) : {};
    if (file) await rm(file, { force: true });
    return { setting: chooseGraphSetting(timingsMs), timingsMs, source: Object.keys(timingsMs).length ? 'measured' : 'default' };
  }
  return graphChoice(source.file, join(dirname(path), '.derived'), { cpu: hostCpu(), ortVersion: ort.env.versions.common }, () => timeGraphSettings(source.file, probe));
}

/**
 * Loads an ONNX model once per engine, through `rewrite` when given, with the graph optimisations chosen
 * for this net on this CPU (graph-choice.ts; timed on `probe` the first time), from ORT's saved optimized
 * graph when one can be kept (optimized-model.ts). Rejects with a message naming the file when it is
 * missing or invalid.
 */
export async function loadModel(path: string, host: ModelHost, options: { rewrite?: GraphRewrite; pin?: number; probe?: ProbeInput } = {}): Promise<LoadedModel> {
  const { rewrite, pin, probe } = options;
  const pinned = pin !== undefined ? { pin } : {};
  const derivedDir = join(dirname(path), '.derived');
  try {
    const source = rewrite ? await rewritten(path, rewrite) : { file: path };
    const graph = await chooseGraph(path, source, host.graphPolicy ?? 'auto', probe);
    const saved = 'file' in source ? await optimizedModelFile(source.file, derivedDir, sessionOptions(1), graph.setting) : null;
    if (saved) {
      try {
        return Object.assign(await host.load(path, { file: saved, preOptimized: true, ...pinned }), { graph });
      } catch {
        // A damaged saved graph: drop it (the next start writes it again) and optimize at load this time.
        await rm(saved, { force: true }).catch(() => undefined);
      }
    }
    if (graph.setting !== DEFAULT_GRAPH_SETTING) {
      // Hosts optimize at load with 'all' only: another setting's graph is optimized here, into a private
      // temporary folder (the model folder is read-only, or its saved graph was damaged).
      const temporary = await temporaryOptimizedModel('file' in source ? source.file : source.bytes, basename(path, '.onnx'), sessionOptions(1), graph.setting);
      if (temporary) return Object.assign(await host.load(path, { file: temporary, preOptimized: true, ...pinned }), { graph });
    }
    const atLoad = graph.setting === DEFAULT_GRAPH_SETTING ? graph : { ...graph, setting: DEFAULT_GRAPH_SETTING };
    return Object.assign(await host.load(path, { ...source, ...pinned }), { graph: atLoad });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not load face model ${path}: ${reason}. Run \`npm run setup:models\`.`, { cause: error });
  }
}

/** Fails at load time, not on the first photo, when a model file is not the net the engine expects. */
export function assertModelIO(model: LoadedModel, inputs: readonly string[], outputs: readonly string[]): void {
  for (const name of inputs) {
    if (!model.inputNames.includes(name)) throw new Error(`${model.name}: no input named "${name}" (has ${model.inputNames.join(', ')})`);
  }
  for (const name of outputs) {
    if (!model.outputNames.includes(name)) throw new Error(`${model.name}: no output named "${name}" (has ${model.outputNames.join(', ')})`);
  }
}

/** Runs one inference and returns the named float32 outputs. Safe to call concurrently on one model. */
export async function runModel<K extends string>(
  model: LoadedModel,
  feeds: Record<string, FloatTensor>,
  outputs: readonly K[],
): Promise<Record<K, Float32Array>> {
  for (const name of Object.keys(feeds)) {
    if (!model.inputNames.includes(name)) throw new Error(`${model.name}: no input named "${name}"`);
  }
  return (await model.run(feeds, outputs)) as Record<K, Float32Array>;
}

/** A net with one float32 input `input` and one output `output`, the shape most faceplugin nets share. */
export interface SingleTensorModel {
  model: LoadedModel;
  /** Runs one NCHW tensor of `dims` and returns the `output` tensor's data. */
  predict(input: Float32Array): Promise<Float32Array>;
}

/** Loads a single-input/single-output net, checking its names at load time, fed tensors of `dims`. */
export async function loadSingleTensorModel(
  path: string,
  host: ModelHost,
  dims: readonly number[],
  options: { rewrite?: GraphRewrite; pin?: number } = {},
): Promise<SingleTensorModel> {
  const model = await loadModel(path, host, { ...options, probe: { name: 'input', dims } });
  assertModelIO(model, ['input'], ['output']);
  return {
    model,
    async predict(input) {
      return (await runModel(model, { input: { data: input, dims: [...dims] } }, ['output'])).output;
    },
  };
}
