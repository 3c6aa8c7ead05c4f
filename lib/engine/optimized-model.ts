/**
 * ONNX Runtime's own optimized graph of a net, saved once as a file in `.derived/` and loaded after that with
 * graph optimizations off. Optimizing at load time converts every convolution to ORT's blocked (NCHWc)
 * layout by copying its weights, and the replaced copies stayed behind in the process heap: loading the
 * saved result instead gives the same outputs bit for bit at the same speed, and the engine ~30 MB less RSS
 * (the expression net alone 68 → 40 MB). See docs/engine.md "Memory".
 * The saved graph suits only this CPU and ORT version (the NCHWc block follows the CPU's vector width), so
 * both are in its name; another machine or version writes its own.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { cpus } from 'node:os';
import { basename, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { derivedFileReady, writeDerivedFile } from './derived-file';

let machineKey: string | undefined;

/** ORT version plus a short hash of the CPU model and feature flags: what an optimized graph depends on. */
export function optimizationKey(): string {
  if (machineKey === undefined) {
    let flags = '';
    try {
      flags = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? '';
    } catch {
      // Not Linux: the model name stands alone.
    }
    const cpu = createHash('sha256').update(`${process.arch}|${cpus()[0]?.model ?? ''}|${flags}`).digest('hex').slice(0, 10);
    machineKey = `ort${ort.env.versions.common}-${cpu}`;
  }
  return machineKey;
}

/**
 * The optimized graph of the model file `source` (the vendor's file or a rewritten one) in `derivedDir`,
 * written by the first process that needs it (to a temporary file, then renamed). Null when it cannot be
 * written (read-only folder, full disk): the caller then loads `source` and optimizes at load as before.
 * @param sessionOptions the options the net will run with; optimization level and output path are set here.
 */
export async function optimizedModelFile(source: string, derivedDir: string, sessionOptions: ort.InferenceSession.SessionOptions): Promise<string | null> {
  // Only onnxruntime-node's CPU provider reads these graphs (NCHWc contrib ops). The benchmark's
  // onnxruntime-web peer runs this code too: it failed to load them and so deleted every saved graph.
  if (ort.env.versions.node === undefined) return null;
  const info = await stat(source);
  const file = join(derivedDir, `${basename(source, '.onnx')}.${info.size}-${Math.trunc(info.mtimeMs)}.${optimizationKey()}.onnx`);
  if (await derivedFileReady(file)) return file;
  const written = await writeDerivedFile(file, async (partial) => {
    // Written when the session is created; the session itself is not needed.
    const session = await ort.InferenceSession.create(source, { ...sessionOptions, graphOptimizationLevel: 'all', optimizedModelFilePath: partial });
    await session.release();
  });
  return written ? file : null;
}
