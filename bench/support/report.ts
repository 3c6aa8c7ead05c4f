/** Turns the measurements into the human tables and the final one-line JSON summary. */
import type { PeerResult } from './child';
import { cpuJson, graphLines, graphSettings } from './host-info';
import type { HostReference } from './host-reference';
import type { OursResult } from './ours';
import type { BenchPhoto } from './photos';
import type { SearchResult } from './search-child';
import { fmtMs, summarize } from './stats';
import { targets, verdict } from './targets';

export interface BenchData {
  photos: BenchPhoto[];
  iterations: number;
  ours: OursResult;
  peers: PeerResult[];
  search: SearchResult | null;
  /** The fixed reference workload's time just before and just after our engine's runs (host-reference.ts). */
  hostReference: { before: HostReference; after: HostReference };
}

const STAGE_ORDER = ['decode', 'detect', 'landmarks', 'align', 'embed', 'search', 'total', 'total_after_full', 'attributes', 'total_full', 'total_no_emotions'];
const STAGE_LABELS: Record<string, string> = { total: 'decode→match', total_after_full: ' after a full', attributes: '(attributes)', total_full: 'full faces', total_no_emotions: 'full, no emot.' };

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function row(cells: Array<[string, number, boolean?]>): string {
  return cells.map(([text, width, right]) => pad(text, width, right)).join(' ');
}

/** Median over photos of each photo's p50: one figure per photo kind, every photo weighted once. */
function medianOfPhotoP50(perPhoto: Record<string, number[]>, photos: BenchPhoto[]): number {
  return summarize(photos.map((p) => summarize(perPhoto[p.name] ?? []).p50).filter(Number.isFinite)).p50;
}

/** Geometric mean over photos of peer p50 / our p50 (bytes → embeddings), so no photo dominates. */
export function speedup(ours: OursResult, peer: PeerResult | undefined, photos: BenchPhoto[]): number | null {
  if (!peer) return null;
  const logs = photos.flatMap((p) => {
    const mine = summarize(ours.perPhoto[p.name] ?? []).p50;
    const theirs = summarize(peer.perPhoto[p.name] ?? []).p50;
    return Number.isFinite(mine) && Number.isFinite(theirs) && mine > 0 ? [Math.log(theirs / mine)] : [];
  });
  return logs.length ? Math.exp(logs.reduce((a, b) => a + b, 0) / logs.length) : null;
}

function stageNames(ours: OursResult): string[] {
  const seen = new Set(Object.keys(ours.stages).map((k) => k.split(':')[1] ?? k));
  const ordered = STAGE_ORDER.filter((s) => seen.has(s));
  return [...ordered, ...[...seen].filter((s) => !STAGE_ORDER.includes(s))];
}

function stageTable(ours: OursResult): string[] {
  const lines = [
    'Per-stage ms, our engine, p50 / p95. Stages and decode→match: embeddings then the gallery match per face (search).',
    'full faces: what the app returns, with Pose, Quality, Emotions, Smile; the attribute nets run beside the embedding.',
  ];
  lines.push(row([['stage', 14], ['single p50', 11, true], ['single p95', 11, true], ['group p50', 11, true], ['group p95', 11, true]]));
  for (const stage of stageNames(ours)) {
    const s = summarize(ours.stages[`single:${stage}`] ?? []);
    const g = summarize(ours.stages[`group:${stage}`] ?? []);
    const label = STAGE_LABELS[stage] ?? stage;
    lines.push(row([[label, 14], [fmtMs(s.p50), 11, true], [fmtMs(s.p95), 11, true], [fmtMs(g.p50), 11, true], [fmtMs(g.p95), 11, true]]));
  }
  return lines;
}

function targetLine(label: string, value: string, target: string, ok: string): string {
  return row([[label, 34], [value, 12, true], [target, 12, true], [ok, 5, true]]);
}

function targetTable(data: BenchData, json: SummaryJson): string[] {
  const group = summarize(data.ours.stages['group:total'] ?? []);
  const full = summarize(data.ours.stages['single:total_full'] ?? []);
  const groupFull = summarize(data.ours.stages['group:total_full'] ?? []);
  const noEmotions = summarize(data.ours.stages['single:total_no_emotions'] ?? []);
  const afterFull = summarize(data.ours.stages['single:total_after_full'] ?? []);
  const pps = data.ours.photosPerSecond;
  const search = (size: string) => data.search?.sizes.find((s) => s.size === size)?.search.p50 ?? Number.NaN;
  return [
    'Figures against the targets:',
    row([['', 34], ['measured', 12, true], ['target', 12, true], ['', 5]]),
    targetLine('single-face ≤1 MP, p50 decode→match', `${fmtMs(json.p50MsSingleFace)} ms`, '≤ 25 ms', verdict(json.p50MsSingleFace, targets.p50MsSingleFace, 'max')),
    targetLine('single-face ≤1 MP, p95 decode→match', `${fmtMs(json.p95MsSingleFace)} ms`, '', ''),
    targetLine('  p50 right after a full analysis', `${fmtMs(afterFull.p50)} ms`, '', ''),
    targetLine('  full faces (attributes too), p50', `${fmtMs(full.p50)} ms`, '', ''),
    targetLine('  full faces without emotions, p50', `${fmtMs(noEmotions.p50)} ms`, '', ''),
    targetLine('1920×1080 group, p50 decode→match', `${fmtMs(group.p50)} ms`, '≤ 120 ms', verdict(group.p50, targets.p50MsGroup1080p, 'max')),
    targetLine('1920×1080 group, p95 decode→match', `${fmtMs(group.p95)} ms`, '', ''),
    targetLine('  full faces (attributes too), p50', `${fmtMs(groupFull.p50)} ms`, '', ''),
    targetLine('photos/s, 1 caller (single-face)', pps.callers1.toFixed(1), '', ''),
    targetLine('photos/s, 2 callers (single-face)', pps.callers2.toFixed(1), '', ''),
    targetLine('  page faults / CPU ms per decode→match', `${json.pageFaultsPerPhoto} / ${json.cpuMsPerPhoto.toFixed(1)}`, '', ''),
    targetLine('  full faces, 2 callers', pps.fullCallers2.toFixed(1), '', ''),
    targetLine('  faces matched / mirror runs needed', `${data.ours.flipAveraged.faces} / ${data.ours.flipAveraged.flipRuns}`, '', ''),
    targetLine('speed-up vs onnxruntime-web', json.speedupVsOrtWeb === null ? 'skipped' : `${json.speedupVsOrtWeb.toFixed(1)}×`, '≥ 2×', verdict(json.speedupVsOrtWeb, targets.speedupVsOrtWeb, 'min')),
    targetLine('speed-up vs face-api tfjs-wasm', json.speedupVsTfjsWasm === null ? 'skipped' : `${json.speedupVsTfjsWasm.toFixed(1)}×`, '≥ 10×', verdict(json.speedupVsTfjsWasm, targets.speedupVsTfjsWasm, 'min')),
    targetLine('search 100k, p50', `${fmtMs(search('100k'))} ms`, '≤ 10 ms', verdict(search('100k'), targets.searchMsP50_100k, 'max')),
    targetLine('search 1M, p50', `${fmtMs(search('1M'))} ms`, '≤ 50 ms', verdict(search('1M'), targets.searchMsP50_1M, 'max')),
    targetLine('peak RSS, our engine process', `${json.peakRssMb.toFixed(0)} MB`, '≤ 400 MB', verdict(json.peakRssMb, targets.peakRssMb, 'max')),
  ];
}

function runtimeTable(data: BenchData): string[] {
  const singles = data.photos.filter((p) => p.kind === 'single');
  const groups = data.photos.filter((p) => p.kind === 'group');
  const lines = ['Bytes → embeddings, like for like (p50 ms; single = median over the single-face photos):'];
  lines.push(row([['runtime', 26], ['single p50', 11, true], ['group p50', 11, true], ['ours ×', 9, true], ['peak RSS', 10, true]]));
  const entries: Array<{ runtime: string; perPhoto: Record<string, number[]>; rss: number; peer?: PeerResult }> = [
    { runtime: 'ours (onnxruntime-node)', perPhoto: data.ours.perPhoto, rss: data.ours.peakRssMb },
    ...data.peers.map((p) => ({ runtime: p.runtime, perPhoto: p.perPhoto, rss: p.peakRssMb, peer: p })),
  ];
  for (const e of entries) {
    const ratio = e.peer ? speedup(data.ours, e.peer, data.photos) : null;
    lines.push(
      row([
        [e.runtime, 26],
        [fmtMs(medianOfPhotoP50(e.perPhoto, singles)), 11, true],
        [fmtMs(medianOfPhotoP50(e.perPhoto, groups)), 11, true],
        [ratio === null ? '' : `${ratio.toFixed(2)}×`, 9, true],
        [`${e.rss.toFixed(0)} MB`, 10, true],
      ]),
    );
  }
  lines.push(`  ours: ${data.ours.settings}`);
  for (const line of graphLines(data.ours.graphs ?? {})) lines.push(`  ${line}`);
  for (const p of data.peers) lines.push(`  ${p.runtime}: ${p.settings}`);
  lines.push('  ours × = geometric mean over photos of (peer p50 / our p50): above 1 means ours is faster');
  const facesMismatch = data.peers.flatMap((p) => data.photos.filter((ph) => p.faces[ph.name] !== data.ours.faces[ph.name]).map((ph) => `${p.runtime} found ${p.faces[ph.name]} faces in ${ph.name} (ours ${data.ours.faces[ph.name]})`));
  for (const m of facesMismatch) lines.push(`  note: ${m}`);
  return lines;
}

function searchTable(search: SearchResult | null): string[] {
  if (!search) return ['Gallery search: not run.'];
  const lines = [`Gallery search through ${search.index} (seeded random 512-d unit vectors, top-5):`];
  lines.push(row([['size', 6], ['p50 ms', 9, true], ['p95 ms', 9, true], ['build ms', 10, true], ['top-1 recall', 13, true]]));
  for (const s of search.sizes) {
    lines.push(row([[s.size, 6], [fmtMs(s.search.p50), 9, true], [fmtMs(s.search.p95), 9, true], [s.buildMs.toFixed(0), 10, true], [`${(s.top1Recall * 100).toFixed(1)} %`, 13, true]]));
  }
  lines.push(`  (search child's own peak RSS: ${search.peakRssMb.toFixed(0)} MB, 1M × 512 float32 alone is 2 GB)`);
  return lines;
}

export interface SummaryJson {
  p50MsSingleFace: number;
  p95MsSingleFace: number;
  /** Extra keys: the app's full faces (attribute nets too) and the group photo, decode → match and full. */
  p50MsSingleFaceFull: number;
  /** decode → match right after a full analysis (caches cold from the attribute nets). */
  p50MsSingleFaceAfterFull: number;
  p50MsGroup1080p: number;
  p50MsGroup1080pFull: number;
  photosPerSecond: number;
  /** Per decode → match run of the benchmark's pass (all photos): page faults and CPU ms, all threads. */
  pageFaultsPerPhoto: number;
  cpuMsPerPhoto: number;
  speedupVsOrtWeb: number | null;
  speedupVsTfjsWasm: number | null;
  searchMsP50: { '10k': number | null; '100k': number | null; '1M': number | null };
  peakRssMb: number;
  /** p50 ms of the host reference workload (embedding net, one thread) before and after our runs. */
  hostReferenceMsP50: { before: number; after: number };
  /** The CPU model and SIMD extensions, and the graph optimisation each net ran with. */
  cpu: string;
  simd: string[];
  graphs: Record<string, string>;
}

const round = (v: number, digits = 2) => Number(v.toFixed(digits));

/** The final JSON line. photosPerSecond is the 2-caller single-face figure (this machine has 2 cores). */
export function summaryJson(data: BenchData): SummaryJson {
  const single = summarize(data.ours.stages['single:total'] ?? []);
  const peer = (name: string) => data.peers.find((p) => p.runtime.startsWith(name));
  const ort = speedup(data.ours, peer('onnxruntime-web'), data.photos);
  const tfjs = speedup(data.ours, peer('face-api'), data.photos);
  const search = (size: string) => {
    const v = data.search?.sizes.find((s) => s.size === size)?.search.p50;
    return v === undefined ? null : round(v, 3);
  };
  return {
    p50MsSingleFace: round(single.p50),
    p95MsSingleFace: round(single.p95),
    p50MsSingleFaceFull: round(summarize(data.ours.stages['single:total_full'] ?? []).p50),
    p50MsSingleFaceAfterFull: round(summarize(data.ours.stages['single:total_after_full'] ?? []).p50),
    p50MsGroup1080p: round(summarize(data.ours.stages['group:total'] ?? []).p50),
    p50MsGroup1080pFull: round(summarize(data.ours.stages['group:total_full'] ?? []).p50),
    photosPerSecond: round(data.ours.photosPerSecond.callers2),
    pageFaultsPerPhoto: round(data.ours.decodeToMatchCost.pageFaults, 0),
    cpuMsPerPhoto: round(data.ours.decodeToMatchCost.cpuMs, 1),
    speedupVsOrtWeb: ort === null ? null : round(ort),
    speedupVsTfjsWasm: tfjs === null ? null : round(tfjs),
    searchMsP50: { '10k': search('10k'), '100k': search('100k'), '1M': search('1M') },
    peakRssMb: round(data.ours.peakRssMb, 0),
    hostReferenceMsP50: { before: round(data.hostReference.before.p50), after: round(data.hostReference.after.p50) },
    ...cpuJson(),
    graphs: graphSettings(data.ours.graphs ?? {}),
  };
}

/** Every human-readable line of the report, in order. */
export function reportLines(data: BenchData, json: SummaryJson): string[] {
  return [...stageTable(data.ours), '', ...runtimeTable(data), '', ...searchTable(data.search), '', ...targetTable(data, json), '', ...hostReferenceLines(data)];
}

/** How fast the host itself was while our figures were taken: compare these across runs before the figures. */
function hostReferenceLines(data: BenchData): string[] {
  const { before, after } = data.hostReference;
  return [
    'Host reference (embedding net, one thread, fixed input; the same work every run, so it moves only with the host):',
    `  before our runs p50 ${fmtMs(before.p50)} ms (fastest ${fmtMs(before.min)}), after p50 ${fmtMs(after.p50)} ms (fastest ${fmtMs(after.min)})`,
  ];
}
