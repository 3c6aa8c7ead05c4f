/**
 * `npm run bench:engine [-- --quick] [-- --skip-peers]`: the engine benchmark of issue 2.
 * Our engine runs in this process; the peers (same nets on onnxruntime-web, face-api on tfjs-wasm) and the
 * 10k/100k/1M search run in child processes so their memory and threads stay out of our figures.
 * Human tables first, a plot under bench-results/, then ONE JSON line last.
 */
import os from 'node:os';
import path from 'node:path';
import { runChild, type PeerResult } from './support/child';
import { cpuLine } from './support/host-info';
import { benchOurs } from './support/ours';
import { loadBenchPhotos, repoRoot } from './support/photos';
import { writeLatencyPlot } from './support/plot';
import { createPhaseProgress } from './support/progress';
import { reportLines, summaryJson, type BenchData } from './support/report';
import type { HostReference } from './support/host-reference';
import type { SearchResult } from './support/search-child';
import { summarize } from './support/stats';

interface Flags {
  quick: boolean;
  skipPeers: boolean;
  /** intraOpThreads for our engine; undefined keeps createEngine's default. */
  threads: number | undefined;
}

const USAGE = 'flags: --quick, --skip-peers, --threads <n>';

/** A bad command line: reported as one line, without a stack trace. */
class UsageError extends Error {}

function parseFlags(argv: string[]): Flags {
  const flags: Flags = { quick: false, skipPeers: false, threads: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') flags.quick = true;
    else if (arg === '--skip-peers') flags.skipPeers = true;
    else if (arg === '--threads') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`--threads needs a positive integer (${USAGE})`);
      flags.threads = n;
    } else throw new UsageError(`unknown argument: ${arg} (${USAGE})`);
  }
  return flags;
}

const loadavg = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

// From the repo root, not this file: npm run bench:engine runs this file bundled (package.json).
const here = path.join(repoRoot, 'bench', 'support');
const PEERS = [
  { script: path.join(here, 'peer-ort-web.ts'), phase: 'peer: onnxruntime-web' },
  { script: path.join(here, 'peer-face-api.ts'), phase: 'peer: face-api tfjs-wasm' },
];

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const iterations = flags.quick ? 3 : 15;
  const peerIterations = flags.quick ? 2 : 5;
  const searchQueries = flags.quick ? 30 : 200;
  const photos = await loadBenchPhotos();
  console.log(`Celebrity Finder engine benchmark — ${cpuLine()}; Node ${process.version}${flags.quick ? ', --quick' : ''}`);
  console.log(`Photos (${photos.length}), from ../shared/datasets/raw:`);
  for (const p of photos) console.log(`  ${p.kind.padEnd(6)} ${p.name.padEnd(13)} ${`${p.width}×${p.height}`.padEnd(10)} ${p.source}${p.note ? ` — ${p.note}` : ''}`);
  console.log(`Iterations per photo: ours ${iterations}, peers ${peerIterations}; one warm-up pass per photo excluded from every figure.`);
  console.log(`Load average at start: ${loadavg()} (well above 0 means other work shares the cores: figures are indicative)\n`);

  const progress = createPhaseProgress();
  const hostReference = (phase: string) =>
    runChild<HostReference>(path.join(here, 'host-reference.ts'), 60, (done, total) => progress.update(phase, done, total));
  const referenceBefore = await hostReference('host reference, before');
  const ours = await benchOurs(photos, iterations, flags.threads, (phase, done, total) => progress.update(phase, done, total));
  const referenceAfter = await hostReference('host reference, after');
  const peers: PeerResult[] = [];
  if (!flags.skipPeers) {
    for (const peer of PEERS) {
      peers.push(await runChild<PeerResult>(peer.script, peerIterations, (done, total, label) => progress.update(peer.phase, done, total, label)));
    }
  }
  const search = await runChild<SearchResult>(path.join(here, 'search-child.ts'), searchQueries, (done, total, label) =>
    progress.update('search', done, total, label),
  );
  progress.stop();

  const data: BenchData = { photos, iterations, ours, peers, search, hostReference: { before: referenceBefore, after: referenceAfter } };
  const json = summaryJson(data);
  console.log('');
  for (const line of reportLines(data, json)) console.log(line);
  const plot = await writeLatencyPlot(plotInput(data), path.join(repoRoot, 'bench-results'));
  console.log(`\nPlot: ${process.cwd() === repoRoot ? path.relative(repoRoot, plot) : plot}`);
  console.log(`Load average at end: ${loadavg()}`);
  console.log(JSON.stringify(json));
}

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c'];

function plotInput(data: BenchData) {
  const p50 = (perPhoto: Record<string, number[]>) => Object.fromEntries(Object.entries(perPhoto).map(([k, v]) => [k, summarize(v).p50]));
  const series = [
    { runtime: 'ours (onnxruntime-node)', perPhoto: data.ours.perPhoto },
    ...data.peers.map((p) => ({ runtime: p.runtime, perPhoto: p.perPhoto })),
  ].map((s, i) => ({ runtime: s.runtime, colour: COLOURS[i % COLOURS.length]!, p50: p50(s.perPhoto) }));
  return {
    title: 'Celebrity Finder: bytes → embeddings, per photo',
    subtitle: `p50 of ${data.iterations} runs (peers fewer), ${os.cpus().length} cores, load average ${loadavg()}; same photos, warm-up excluded`,
    photos: data.photos.map((p) => p.name),
    series,
  };
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) console.error(err.message);
  else console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(err instanceof UsageError ? 2 : 1);
});
