/**
 * Which ONNX Runtime graph optimisations each net runs with on this host, chosen by measurement. The right
 * setting depends on the net and on the CPU: on an AMD EPYC with AVX-512 every net is fastest at 'all'
 * (ORT's NCHWc blocked layout), while on an Intel Xeon with AVX-512 the embedding net ran 54-56 ms at 'all'
 * against 16 ms with the NCHWc transformer disabled, and the detector the other way round. So the first
 * process that meets a CPU times the candidates on a fixed input, keeps the choice as a small JSON file
 * beside the saved graphs in `.derived/`, keyed by the ORT version and the CPU model and SIMD extensions
 * (host-cpu.ts), and every later start reads it. A choice file from another CPU is never read: its name
 * holds another key, and its content names the CPU it was measured on. See docs/engine.md.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { derivedFileReady, writeDerivedFile } from './derived-file';
import { cpuKey, machineKey, type HostCpu } from './host-cpu';

/** The candidates, the engine's long-standing setting first. */
export const GRAPH_SETTINGS = ['all', 'all-no-nchwc', 'extended'] as const;
export type GraphSetting = (typeof GRAPH_SETTINGS)[number];
/** What a net runs with when nothing was measured (and what every net ran with before the choice existed). */
export const DEFAULT_GRAPH_SETTING: GraphSetting = 'all';
/** `auto` measures; a setting forces it for every net (ENGINE_GRAPH_OPTIMIZATION, EngineOptions). */
export type GraphPolicy = 'auto' | GraphSetting;

export function isGraphSetting(value: unknown): value is GraphSetting {
  return typeof value === 'string' && (GRAPH_SETTINGS as readonly string[]).includes(value);
}

/** The policy named by ENGINE_GRAPH_OPTIMIZATION (unset or empty: auto); throws on anything else. */
export function graphPolicyFrom(value: string | undefined): GraphPolicy {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (isGraphSetting(value)) return value;
  throw new Error(`ENGINE_GRAPH_OPTIMIZATION must be auto, ${GRAPH_SETTINGS.join(', ')} (got "${value}")`);
}

/**
 * `base` with the setting's graph optimisation applied. 'all' leaves `base` as it is; 'all-no-nchwc' keeps
 * every 'all' optimisation but the NCHWc layout transform; 'extended' stops before the layout transforms.
 */
export function withGraphSetting(base: InferenceSession.SessionOptions, setting: GraphSetting): InferenceSession.SessionOptions {
  if (setting === 'all') return { ...base, graphOptimizationLevel: 'all' };
  if (setting === 'extended') return { ...base, graphOptimizationLevel: 'extended' };
  const extra = (base.extra ?? {}) as Record<string, unknown>;
  const optimization = (extra.optimization ?? {}) as Record<string, unknown>;
  return { ...base, graphOptimizationLevel: 'all', extra: { ...extra, optimization: { ...optimization, disable_specified_optimizers: 'NchwcTransformer' } } };
}

/** One candidate's timing: the median and the fastest of its runs on the fixed input, in ms. */
export interface SettingTiming {
  medianMs: number;
  minMs: number;
}
/** Per candidate; a candidate the net could not be loaded with is absent. */
export type SettingTimings = Partial<Record<GraphSetting, SettingTiming>>;

/**
 * What a candidate must gain over the default to replace it: timings at warm-up on a shared host are noisy
 * (a run of the same net at the same setting can read 1.3× another), the gains worth taking are 1.5-3.5×,
 * and a switch changes the net's output in the last bits. So: faster by more than 15 % and by 0.25 ms a run.
 */
export const CHOICE_MARGIN = { relative: 0.15, absoluteMs: 0.25 } as const;

const usable = (t: SettingTiming | undefined): t is SettingTiming => t !== undefined && Number.isFinite(t.medianMs) && Number.isFinite(t.minMs);

/**
 * The setting to run (pure): the candidate with the fastest median, but the default unless that candidate
 * beats it by `margin` on the median and on the fastest run alike. Another process hogging the cores only
 * ever adds time, so a setting that truly runs slower cannot win on its fastest run: the check keeps a
 * first start measured beside a busy neighbour from pinning a slow setting (seen here: the detector's
 * medians read 37 ms at 'all' against 30 without NCHWc, while its fastest runs were 2 against 7).
 */
export function chooseGraphSetting(timings: SettingTimings, margin: { relative: number; absoluteMs: number } = CHOICE_MARGIN): GraphSetting {
  let fastest: GraphSetting | undefined;
  for (const setting of GRAPH_SETTINGS) {
    const timing = timings[setting];
    if (usable(timing) && (fastest === undefined || timing.medianMs < timings[fastest]!.medianMs)) fastest = setting;
  }
  if (fastest === undefined) return DEFAULT_GRAPH_SETTING;
  const preferred = timings[DEFAULT_GRAPH_SETTING];
  if (!usable(preferred)) return fastest;
  const best = timings[fastest]!;
  const beats = (a: number, b: number) => b > a * (1 + margin.relative) && b - a > margin.absoluteMs;
  return beats(best.medianMs, preferred.medianMs) && beats(best.minMs, preferred.minMs) ? fastest : DEFAULT_GRAPH_SETTING;
}

/** One net's setting and where it came from. */
export interface GraphChoice {
  setting: GraphSetting;
  /** The candidates' timings the setting was chosen by (empty when forced or not measurable). */
  timingsMs: SettingTimings;
  /**
   * How the setting was arrived at: measured by this process, read from `.derived/`, forced by the policy,
   * or the default because the net cannot be timed (no probe input, or onnxruntime-web).
   */
  source: 'measured' | 'stored' | 'forced' | 'default';
}

/** What the choice file holds. */
interface StoredChoice {
  /** cpuKey() of the host that measured, and its ORT version: checked, not only the file name. */
  cpu: string;
  ort: string;
  setting: GraphSetting;
  timingsMs: SettingTimings;
  measuredAt: string;
}

/** The host a choice is for: its CPU and the ORT version that runs the graphs. */
export interface ChoiceHost {
  cpu: HostCpu;
  ortVersion: string;
}

/** `<net>.<size>-<mtime>.<ORT version>-<CPU hash>.graph.json` in `derivedDir`, beside the saved graphs. */
export async function choiceFile(source: string, derivedDir: string, host: ChoiceHost): Promise<string> {
  const info = await stat(source);
  return join(derivedDir, `${basename(source, '.onnx')}.${info.size}-${Math.trunc(info.mtimeMs)}.${machineKey(host.ortVersion, host.cpu)}.graph.json`);
}

async function readStored(file: string, host: ChoiceHost): Promise<StoredChoice | null> {
  if (!(await derivedFileReady(file))) return null;
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as Partial<StoredChoice>;
    // Measured on another CPU (a renamed or hand-copied file) or by another ORT: measure again.
    if (stored.cpu !== cpuKey(host.cpu) || stored.ort !== host.ortVersion || !isGraphSetting(stored.setting)) return null;
    return stored as StoredChoice;
  } catch {
    return null; // damaged: measured again and rewritten
  }
}

/**
 * The graph setting for the model file `source` on `host`: read from `derivedDir` when this CPU and ORT
 * version chose it before, else measured with `measure` (candidate timings), chosen, and stored. When
 * `derivedDir` cannot be written, the choice holds for this process only and the next start measures again.
 */
export async function graphChoice(source: string, derivedDir: string, host: ChoiceHost, measure: () => Promise<SettingTimings>): Promise<GraphChoice> {
  const file = await choiceFile(source, derivedDir, host);
  const stored = await readStored(file, host);
  if (stored) return { setting: stored.setting, timingsMs: stored.timingsMs ?? {}, source: 'stored' };
  const timingsMs = await measure();
  const setting = chooseGraphSetting(timingsMs);
  // Nothing measured (the net loads with no candidate): nothing worth keeping; loading it will say why.
  if (Object.keys(timingsMs).length === 0) return { setting, timingsMs, source: 'default' };
  const content: StoredChoice = { cpu: cpuKey(host.cpu), ort: host.ortVersion, setting, timingsMs, measuredAt: new Date().toISOString() };
  await writeDerivedFile(file, (partial) => writeFile(partial, `${JSON.stringify(content, null, 2)}\n`));
  return { setting, timingsMs, source: 'measured' };
}
