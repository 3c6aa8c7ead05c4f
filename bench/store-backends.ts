/**
 * npm run bench:store -- [--sequential 40] [--concurrent 120] [--concurrency 4] [--rounds 2]
 * Upload p50 and throughput of the production server on its two back ends, same photos, same run:
 *   SQLite + files (the default) and PostgreSQL + object storage (DATABASE_URL + S3_BUCKET: a real
 *   PostgreSQL from Debian's packages with fsync on, s3rver on the loopback through the AWS SDK).
 * Each back end gets the standalone release (`npm start`: one process, two face-net threads) on a fresh
 * data folder and database; rounds alternate the back ends so drift on a shared box hits both. Per round:
 * every bench photo sent one at a time through POST /api/recognitions (p50/p95 of the whole request), then
 * a fixed number of uploads from several clients at once (uploads/s). Prints `lscpu`'s CPU first and one
 * JSON line last.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startPostgres } from '../test/support/postgres-server';
import { startS3 } from '../test/support/s3-server';
import { loadBenchPhotos, repoRoot, type BenchPhoto } from './support/photos';
import { summarize } from './support/stats';

const { values } = parseArgs({
  options: {
    sequential: { type: 'string', default: '40' },
    concurrent: { type: 'string', default: '120' },
    concurrency: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
  },
});
const sequential = Number(values.sequential);
const concurrent = Number(values.concurrent);
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);

function cpu(): string {
  const lscpu = spawnSync('lscpu', [], { encoding: 'utf8' }).stdout ?? '';
  const model = /Model name:\s*(.+)/.exec(lscpu)?.[1]?.trim() ?? 'unknown';
  const cores = /^CPU\(s\):\s*(\d+)/m.exec(lscpu)?.[1] ?? '?';
  return `${model}, ${cores} CPUs (lscpu)`;
}

async function startServer(port: number, env: Record<string, string>): Promise<{ base: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--max-semi-space-size=2', 'server/start-standalone.mjs'], {
    cwd: repoRoot,
    env: {
      ...process.env, PORT: String(port), HOSTNAME: '127.0.0.1', LOG_LEVEL: 'warn', RECOGNITION_QUEUE_DEPTH: '64',
      CLIENT_RECOGNITION_RATE: '0', CLIENT_API_RATE: '0', CLIENT_MAX_IN_FLIGHT: '0', MALLOC_ARENA_MAX: '2', ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${errors.slice(-2000)}`);
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) throw new Error('server not healthy within 120 s');
    await new Promise((done) => setTimeout(done, 250));
  }
  return {
    base,
    stop: () => new Promise((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
    }),
  };
}

/** One upload: the whole request's time, and the server's own `store` step (photo + row durable) from Server-Timing. */
async function upload(base: string, photo: BenchPhoto): Promise<{ ms: number; storeMs: number }> {
  const form = new FormData();
  form.append('image', new Blob([Buffer.from(photo.bytes)]), `${photo.name}.${photo.source.endsWith('.png') ? 'png' : 'jpg'}`);
  const started = performance.now();
  const response = await fetch(`${base}/api/recognitions`, { method: 'POST', body: form });
  await response.arrayBuffer();
  if (response.status !== 201) throw new Error(`upload of ${photo.name} answered ${response.status}`);
  const storeMs = Number(/store;dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '')?.[1] ?? Number.NaN);
  return { ms: performance.now() - started, storeMs };
}

interface Figures {
  p50: number;
  p95: number;
  /** p50 of the server's store step alone (Server-Timing `store`). */
  storeP50: number;
  uploadsPerSecond: number;
}

async function measure(base: string, photos: readonly BenchPhoto[]): Promise<Figures> {
  for (const photo of photos) await upload(base, photo); // warm-up: first decode, first insert, pool connections
  const times: number[] = [];
  const storeTimes: number[] = [];
  for (let i = 0; i < sequential; i++) {
    const { ms, storeMs } = await upload(base, photos[i % photos.length]!);
    times.push(ms);
    storeTimes.push(storeMs);
  }
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < concurrent) await upload(base, photos[next++ % photos.length]!);
  }));
  const seconds = (performance.now() - started) / 1000;
  const { p50, p95 } = summarize(times);
  return { p50, p95, storeP50: summarize(storeTimes).p50, uploadsPerSecond: concurrent / seconds };
}

async function main(): Promise<void> {
  if (!existsSync(join(repoRoot, 'build', 'current', 'server.js'))) throw new Error('no release in build/current: run `npm run build` first');
  console.log(`cpu: ${cpu()}`);
  const photos = await loadBenchPhotos();
  console.log(`photos: ${photos.map((p) => p.name).join(', ')}; ${sequential} sequential uploads, then ${concurrent} at concurrency ${concurrency}, ${rounds} rounds`);
  const work = mkdtempSync(join(tmpdir(), 'cf-bench-store-'));
  chmodSync(work, 0o755); // PostgreSQL runs as the postgres user and must reach its folder inside
  const [postgres, s3] = await Promise.all([startPostgres({ parent: work }), startS3({ parent: work })]);
  const results: Record<'sqlite' | 'postgres', Figures[]> = { sqlite: [], postgres: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const backend of round % 2 === 0 ? (['sqlite', 'postgres'] as const) : (['postgres', 'sqlite'] as const)) {
        const env: Record<string, string> = { DATA_DIR: join(work, `data-${backend}-${round}`) };
        if (backend === 'postgres') Object.assign(env, { DATABASE_URL: postgres.createDatabase(`bench_${round}`), ...s3.env, S3_PREFIX: `round-${round}/` });
        const server = await startServer(3590, env);
        try {
          const figures = await measure(server.base, photos);
          results[backend].push(figures);
          console.log(`round ${round + 1} ${backend.padEnd(8)} upload p50 ${figures.p50.toFixed(1)} ms (store step ${figures.storeP50.toFixed(1)} ms), p95 ${figures.p95.toFixed(1)} ms, ${figures.uploadsPerSecond.toFixed(1)} uploads/s`);
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    postgres.stop();
    await s3.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const median = (xs: number[]) => summarize(xs).p50;
  const summary = Object.fromEntries(Object.entries(results).map(([k, runs]) => [k, {
    p50: Number(median(runs.map((r) => r.p50)).toFixed(1)),
    p95: Number(median(runs.map((r) => r.p95)).toFixed(1)),
    storeP50: Number(median(runs.map((r) => r.storeP50)).toFixed(1)),
    uploadsPerSecond: Number(median(runs.map((r) => r.uploadsPerSecond)).toFixed(1)),
  }]));
  for (const [label, key] of [['SQLite + files:             ', 'sqlite'], ['PostgreSQL + object storage:', 'postgres']] as const) {
    const f = summary[key]!;
    console.log(`${label} upload p50 ${f.p50} ms (store step ${f.storeP50} ms), ${f.uploadsPerSecond} uploads/s (median of ${rounds} rounds)`);
  }
  console.log(JSON.stringify({ cpu: cpu(), sequential, concurrent, concurrency, rounds, ...summary }));
}

await main();
