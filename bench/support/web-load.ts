/**
 * bench:web's load part: an open-loop offered load of single-face uploads through nginx + pm2 (uploads start
 * on a fixed schedule whatever the answers do, as visitors arrive), spread over many client addresses so that
 * each stays inside the site's per-client limits (docs/hardening.md), the per-worker peak RSS while they
 * run and the workers' event-loop delay (prom-client's histogram, read on the app's own port); plus an SVG
 * of latency against offered load.
 */
import { readFileSync } from 'node:fs';
import type { Pm2 } from '../../test/smoke/pm2';
import { multipart, send } from '../../test/hardening/harness/clients';
import type { BenchPhoto } from './photos';
import { summarize } from './stats';

export interface LoadLevel {
  /** Uploads started per second. */
  offeredPerSecond: number;
  /** Distinct client addresses (127.0.1.x) the uploads came from. */
  clients: number;
  seconds: number;
  ok: number;
  /** 503s (busy, with Retry-After) and 429s (a per-client limit). */
  refused: number;
  failed: number;
  uploadsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  peakWorkerRssMb: number;
  /** Event-loop delay of the workers during the level, beyond the 10 ms probe (worst worker), when read. */
  eventLoopDelayP99Ms: number | null;
  eventLoopDelayMaxMs: number | null;
}

/** prom-client's event-loop histogram probes with a 10 ms timer and records the whole interval. */
const LAG_PROBE_MS = 10;
/** `nodejs_eventloop_lag_p99_seconds{worker="0"} 0.0123`: statistic, worker, value. */
const LAG_LINE = /(?:^|\n)nodejs_eventloop_lag_(\w+)_seconds\{worker="(\d+)"\} ([\d.e+-]+)/g;

/** Each worker's event-loop delay p99 and max since its previous scrape (prom-client resets them when scraped). */
async function scrapeEventLoop(appUrl: string, scrapes: number): Promise<Map<string, { p99: number; max: number }>> {
  const workers = new Map<string, { p99: number; max: number }>();
  for (let i = 0; i < scrapes; i++) {
    // A new connection each: the pm2 primary hands connections to the workers in turn.
    const { body } = await send(`${appUrl}/metrics`, { headers: { connection: 'close' } });
    for (const match of body.matchAll(LAG_LINE)) {
      const [, stat, worker, value] = match;
      if (stat !== 'p99' && stat !== 'max') continue;
      const entry = workers.get(worker!) ?? { p99: 0, max: 0 };
      entry[stat] = Math.max(entry[stat], Number(value) * 1000 - LAG_PROBE_MS);
      workers.set(worker!, entry);
    }
  }
  return workers;
}

/** Uploads per second one address sends at most: under nginx's and the app's 2/s per client (CLIENT_RECOGNITION_RATE). */
const PER_CLIENT_PER_SECOND = 1.5;

function residentBytes(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0; // the worker is gone (restarted): its successor is sampled from the next level on
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `offeredPerSecond` uploads a second for `seconds`, photos round robin, each from the next of
 * ceil(offered / 1.5) loopback addresses; waits for every answer (30 s at most each).
 */
export async function loadLevel(base: string, photos: readonly BenchPhoto[], offeredPerSecond: number, seconds: number, pm2: Pm2, appUrl?: string): Promise<LoadLevel> {
  // Scraped before the level so that each worker's histogram starts empty.
  if (appUrl) await scrapeEventLoop(appUrl, 6);
  const bodies = await Promise.all(photos.map((photo) => multipart(photo.bytes)));
  const clients = Math.ceil(offeredPerSecond / PER_CLIENT_PER_SECOND);
  const latencies: number[] = [];
  let refused = 0;
  let failed = 0;
  let peakRss = 0;
  // The workers' pids once, then /proc each half second: `pm2 jlist` starts a Node process, which would
  // steal a good part of a core from the very workers being measured.
  const pids = pm2.workers().map((w) => w.pid);
  const sampler = setInterval(() => {
    for (const pid of pids) peakRss = Math.max(peakRss, residentBytes(pid));
  }, 500);
  const total = Math.round(offeredPerSecond * seconds);
  const started = performance.now();
  const answers: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / offeredPerSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const body = bodies[i % bodies.length]!;
    const from = `127.0.1.${1 + (i % clients)}`;
    answers.push(
      send(`${base}/api/recognitions`, { method: 'POST', body: body.body, from, headers: { 'content-type': body.contentType }, timeoutMs: 30_000 }).then(
        (answer) => {
          if (answer.status === 201) latencies.push(answer.ms);
          else if (answer.status === 503 || answer.status === 429) refused++;
          else failed++;
        },
        () => {
          failed++;
        },
      ),
    );
  }
  await Promise.all(answers);
  clearInterval(sampler);
  const lags = appUrl ? [...(await scrapeEventLoop(appUrl, 6)).values()] : [];
  const elapsed = (performance.now() - started) / 1000;
  const summary = summarize(latencies);
  const sorted = [...latencies].sort((a, b) => a - b);
  const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? Number.NaN;
  return {
    offeredPerSecond, clients, seconds: elapsed, ok: latencies.length, refused, failed,
    uploadsPerSecond: latencies.length / elapsed, p50Ms: summary.p50, p99Ms: p99, peakWorkerRssMb: peakRss / 1024 / 1024,
    eventLoopDelayP99Ms: lags.length ? Math.max(...lags.map((l) => l.p99)) : null,
    eventLoopDelayMaxMs: lags.length ? Math.max(...lags.map((l) => l.max)) : null,
  };
}

/** Latency (p50, p99) against offered uploads/s, one point per level. */
export function loadPlotSvg(levels: readonly LoadLevel[], title: string): string {
  const width = 640;
  const height = 360;
  const pad = { left: 56, right: 20, top: 36, bottom: 44 };
  const maxX = Math.ceil((Math.max(...levels.map((l) => l.offeredPerSecond)) * 1.05) / 10) * 10;
  const highest = Math.max(...levels.map((l) => l.p99Ms)) * 1.05;
  // At most ~10 gridlines whatever the latencies reach.
  const yStep = [100, 200, 500, 1000, 2000, 5000].find((step) => highest / step <= 10) ?? 10_000;
  const maxY = Math.ceil(highest / yStep) * yStep;
  const x = (v: number) => pad.left + (v / maxX) * (width - pad.left - pad.right);
  const y = (v: number) => height - pad.bottom - (v / maxY) * (height - pad.top - pad.bottom);
  const line = (key: 'p50Ms' | 'p99Ms', color: string) => {
    const points = levels.map((l) => `${x(l.offeredPerSecond).toFixed(1)},${y(l[key]).toFixed(1)}`).join(' ');
    const dots = levels.map((l) => `<circle cx="${x(l.offeredPerSecond).toFixed(1)}" cy="${y(l[key]).toFixed(1)}" r="3" fill="${color}"><title>offered ${l.offeredPerSecond}/s, served ${l.uploadsPerSecond.toFixed(1)}/s, ${key.slice(0, 3)} ${l[key].toFixed(0)} ms</title></circle>`).join('');
    return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>${dots}`;
  };
  const ticks = (max: number, count: number) => Array.from({ length: count + 1 }, (_, i) => (max / count) * i);
  const xTicks = ticks(maxX, maxX / 10).map((v) => `<text x="${x(v).toFixed(1)}" y="${height - pad.bottom + 16}" font-size="11" text-anchor="middle">${v.toFixed(0)}</text>`).join('');
  const yTicks = ticks(maxY, maxY / yStep).map((v) => `<text x="${pad.left - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="11" text-anchor="end">${v.toFixed(0)}</text><line x1="${pad.left}" x2="${width - pad.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e2e8f0"/>`).join('');
  const labels = levels.map((l) => `<text x="${x(l.offeredPerSecond).toFixed(1)}" y="${(y(l.p99Ms) - 8).toFixed(1)}" font-size="10" text-anchor="middle" fill="#64748b">${l.uploadsPerSecond.toFixed(0)}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${pad.left}" y="20" font-size="13" font-weight="bold">${title}</text>
${yTicks}${xTicks}
<line x1="${pad.left}" x2="${width - pad.right}" y1="${height - pad.bottom}" y2="${height - pad.bottom}" stroke="#334155"/>
<line x1="${pad.left}" x2="${pad.left}" y1="${pad.top}" y2="${height - pad.bottom}" stroke="#334155"/>
${line('p50Ms', '#5b3fd6')}${line('p99Ms', '#e11d48')}${labels}
<text x="${(width + pad.left) / 2}" y="${height - 8}" font-size="12" text-anchor="middle">offered uploads/s through nginx + pm2 (labels: served uploads/s)</text>
<text x="14" y="${height / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${height / 2})">latency, ms</text>
<text x="${width - pad.right - 110}" y="${pad.top + 8}" font-size="11" fill="#5b3fd6">— p50</text><text x="${width - pad.right - 60}" y="${pad.top + 8}" font-size="11" fill="#e11d48">— p99</text>
</svg>
`;
}
