/**
 * ONNX Runtime's own optimized graph of a net, saved once as a file in `.derived/` and loaded after that with
 * graph optimizations off. Optimizing at load time converts every convolution to ORT's blocked (NCHWc)
 * layout by copying its weights, and the replaced copies stayed behind in the process heap: loading the
 * saved result instead gives the same outputs bit for bit at the same speed, and the engine ~30 MB less RSS
 * (the expression net alone 68 → 40 MB). See docs/engine.md "Memory".
 * The saved graph suits only this CPU and ORT version (the NCHWc block follows the CPU's vector width) and
 * the graph setting it was optimized with (graph-choice.ts), so all three are in its name; another machine,
 * version or setting writes its own.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { derivedFileReady, writeDerivedFile } from './derived-file';
import { withGraphSetting, type GraphSetting } from './graph-choice';
import { hostCpu, machineKey } from './host-cpu';

/** ORT version plus a short hash of the CPU model and SIMD extensions: what an optimized graph depends on. */
export function optimizationKey(): string {
  return machineKey(ort.env.versions.common, hostCpu());
}

/**
 * The optimized graph of the model file `source` (the vendor's file or a rewritten one) in `derivedDir`,
 * written by the first process that needs it (to a temporary file, then renamed). Null when it cannot be
 * written (read-only folder, full disk): the caller then loads `source` and optimizes at load as before.
 * @param sessionOptions the options the net will run with; `setting`'s optimizations and the output path are set here.
 */
export async function optimizedModelFile(source: string, derivedDir: string, sessionOptions: ort.InferenceSession.SessionOptions, setting: GraphSetting): Promise<string | null> {
  // Only onnxruntime-node's CPU provider reads these graphs (NCHWc contrib ops). The benchmark's
  // onnxruntime-web peer runs this code too: it failed to load them and so deleted every saved graph.
  if (ort.env.versions.node === undefined) return null;
  const info = await stat(source);
  const file = join(derivedDir, `${basename(source, '.onnx')}.${info.size}-${Math.trunc(info.mtimeMs)}.${optimizationKey()}.${setting}.onnx`);
  if (await derivedFileReady(file)) return file;
  const written = await writeDerivedFile(file, async (partial) => {
    // Written when the session is created; the session itself is not needed.
    const session = await ort.InferenceSession.create(source, { ...withGraphSetting(sessionOptions, setting), optimizedModelFilePath: partial });
    await session.release();
  });
  return written ? file : null;
}

/** A private folder (mode 700) for graphs `.derived/` cannot hold, removed when the process exits. */
let scratchDir: Promise<string> | undefined;
let scratchFiles = 0;

/** A fresh path in the private temporary folder, named after `name`. */
export async function scratchFile(name: string): Promise<string> {
  scratchDir ??= mkdtemp(join(tmpdir(), 'cf-engine-graphs-')).then((dir) => {
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  });
  return join(await scratchDir, `${++scratchFiles}.${name}`);
}

/**
 * The model (a file or rewritten bytes) optimized with `setting` into a temporary file, for a net whose
 * model folder cannot keep its saved graph. The file stays until the process exits: a worker thread started
 * again after a crash loads it anew. Null when it cannot be written either.
 */
export async function temporaryOptimizedModel(model: string | Uint8Array, name: string, sessionOptions: ort.InferenceSession.SessionOptions, setting: GraphSetting): Promise<string | null> {
  if (ort.env.versions.node === undefined) return null;
  try {
    const file = await scratchFile(`${name}.${setting}.onnx`);
    const options = { ...withGraphSetting(sessionOptions, setting), optimizedModelFilePath: file };
    const session = await (typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options));
    await session.release();
    return file;
  } catch {
    return null;
  }
}
