/**
 * The CPU the engine runs on, as far as ONNX Runtime's kernels care: its model name and the SIMD extensions
 * MLAS picks kernels by (AVX2/FMA: 8-wide NCHWc blocks; AVX-512F: 16-wide; VNNI, BF16, AMX for the
 * quantized and low-precision paths). Saved optimized graphs and the per-net graph optimisation choice
 * (graph-choice.ts) are keyed by it, so a `.derived` folder copied from another host is never trusted.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** The /proc/cpuinfo flags that change which kernels ONNX Runtime runs, in the order they are printed. */
export const SIMD_EXTENSIONS = [
  'sse4_1', 'sse4_2', 'avx', 'avx2', 'fma', 'f16c',
  'avx512f', 'avx512dq', 'avx512cd', 'avx512bw', 'avx512vl', 'avx512_vnni', 'avx512_bf16', 'avx512_fp16',
  'avx_vnni', 'avx_vnni_int8', 'avx_ne_convert', 'amx_tile', 'amx_int8', 'amx_bf16', 'amx_fp16',
] as const;

export interface HostCpu {
  /** Node's process.arch: x64, arm64, … */
  arch: string;
  /** "model name" of the first processor, e.g. "AMD EPYC" or "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz". */
  model: string;
  /** The SIMD_EXTENSIONS the CPU has, in SIMD_EXTENSIONS order. */
  extensions: string[];
}

/**
 * The CPU described by /proc/cpuinfo's text (its first processor: every core of an x86 host reports the
 * same model and flags). Without the text (not Linux), `fallbackModel` names it and no extension is known.
 */
export function parseCpuInfo(text: string, arch: string, fallbackModel = ''): HostCpu {
  const model = /^model name\s*:(.*)$/m.exec(text)?.[1]?.trim() || fallbackModel;
  const flags = new Set(/^flags\s*:(.*)$/m.exec(text)?.[1]?.trim().split(/\s+/) ?? []);
  return { arch, model, extensions: SIMD_EXTENSIONS.filter((f) => flags.has(f)) };
}

/** Everything the key depends on, readable: `x64|AMD EPYC|sse4_1 … avx512_vnni`. */
export function cpuKey(cpu: HostCpu): string {
  return `${cpu.arch}|${cpu.model}|${cpu.extensions.join(' ')}`;
}

/** What a saved optimized graph or a graph choice depends on: the ORT version and a short hash of cpuKey. */
export function machineKey(ortVersion: string, cpu: HostCpu): string {
  return `ort${ortVersion}-${createHash('sha256').update(cpuKey(cpu)).digest('hex').slice(0, 10)}`;
}

let cached: HostCpu | undefined;

/** This host's CPU (read once per process). */
export function hostCpu(): HostCpu {
  if (!cached) {
    let text = '';
    try {
      text = readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      // Not Linux: the model name from Node stands alone.
    }
    cached = parseCpuInfo(text, process.arch, cpus()[0]?.model ?? '');
  }
  return cached;
}
