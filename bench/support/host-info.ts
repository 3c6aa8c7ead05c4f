/**
 * What both benchmarks print about the host and the engine's set-up on it: the CPU model and the SIMD
 * extensions ONNX Runtime picks kernels by, and the graph optimisation each net ran with (chosen by timing
 * the first time the engine met this CPU; lib/engine/graph-choice.ts). Figures from an Intel Xeon and an
 * AMD EPYC differ for these reasons, so a report names them.
 */
import os from 'node:os';
import { hostCpu, type GraphChoice } from '../../lib/engine';

/** `AMD EPYC, 2 cores; SIMD: sse4_1 … avx512_vnni avx512_bf16 avx_vnni` */
export function cpuLine(): string {
  const cpu = hostCpu();
  return `${cpu.model || 'unknown CPU'}, ${os.cpus().length} cores; SIMD: ${cpu.extensions.join(' ') || 'unknown'}`;
}

const ms = (v: number) => (v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** The CPU model and its SIMD extensions, for a JSON summary. */
export function cpuJson(): { cpu: string; simd: string[] } {
  const cpu = hostCpu();
  return { cpu: cpu.model, simd: cpu.extensions };
}

/** One line per net: its setting, how it was arrived at, and the candidates' timings (median, fastest run). */
export function graphLines(graphs: Readonly<Record<string, GraphChoice>>): string[] {
  const nets = Object.entries(graphs);
  if (nets.length === 0) return ['Graph optimisation per net: not reported'];
  const width = Math.max(...nets.map(([net]) => net.length));
  return [
    'Graph optimisation per net (ONNX Runtime; candidates timed on a fixed input, median / fastest run in ms):',
    ...nets.map(([net, g]) => {
      const timed = Object.entries(g.timingsMs).map(([setting, t]) => `${setting} ${ms(t.medianMs)}/${ms(t.minMs)}`).join(', ');
      return `  ${net.padEnd(width)}  ${g.setting.padEnd(12)} ${g.source}${timed ? ` (${timed})` : ''}`;
    }),
  ];
}

/** The settings alone, for a JSON summary: net file → setting. */
export function graphSettings(graphs: Readonly<Record<string, GraphChoice>>): Record<string, string> {
  return Object.fromEntries(Object.entries(graphs).map(([net, g]) => [net, g.setting]));
}
