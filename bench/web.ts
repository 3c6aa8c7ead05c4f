/**
 * npm run bench:web -- [--iterations 30] [--load-seconds 8] [--skip-stack | --stack-only]
 * The product path against the engine, same photos (bench:engine's), same run, same host:
 * 1. the recognizer in process, decode → match (the work a page needs: faces, names, no attributes);
 * 2. the production server, every photo sent through POST /api/recognitions one request at a time by a lean
 *    client (support/upload-client.ts: body built once, one kept-alive connection), so the figure is the
 *    server's (upload parsing, header check, recognition, storing photo and result);
 * 3. the deployed stack (pm2 with 2 workers behind nginx): served uploads/s and p50/p99 at offered loads of
 *    10-60 uploads/s (open loop, from many client addresses inside the per-client limits), peak RSS per
 *    worker and the workers' event-loop delay, the highest load sustained with p99 ≤ 300 ms, and a plot of
 *    latency against offered load;
 * 4. Chromium: pick a 1 MP photo (the upload starts at once) → result page painted.
 * Prints the CPU and SIMD extensions it ran on and each net's graph optimisation, p50 per photo side by side
 * and their ratio; the last line is one JSON object.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getConfig } from '../lib/config';
import { createEngine } from '../lib/engine';
import { createLocalRecognizer } from '../lib/recognizer/local';
import { ensureProductionBuild, startApp } from '../test/rekognition/app-server';
import { cpuJson, cpuLine, graphLines, graphSettings } from './support/host-info';
import { datasetsDir as datasetsDirOf, loadBenchPhotos, repoRoot, type BenchPhoto } from './support/photos';
import { summarize } from './support/stats';
import { pickToPaint } from './support/web-browser';
import { loadLevel, loadPlotSvg, type LoadLevel } from './support/web-load';
import { startStack } from '../test/smoke/stack';
import { createUploadClient, multipartBody } from './support/upload-client';

/** Offered loads through nginx + pm2, uploads started per second (each from many client addresses). */
const OFFERED_LOADS = [10, 20, 30, 35, 40, 50, 60];

/** p50 per photo of two ways to run it, alternated within every round (after one warm-up round of each). */
async function timeEach(photos: readonly BenchPhoto[], iterations: number, ways: Record<'engine' | 'http', (photo: BenchPhoto) => Promise<void>>) {
  const samples = { engine: new Map<string, number[]>(), http: new Map<string, number[]>() };
  for (const photo of photos) for (const run of Object.values(ways)) await run(photo); // warm-up, not counted
  for (let i = 0; i < iterations; i++) {
    for (const photo of photos) {
      for (const way of ['engine', 'http'] as const) {
        const started = performance.now();
        await ways[way](photo);
        const list = samples[way].get(photo.name) ?? [];
        list.push(performance.now() - started);
        samples[way].set(photo.name, list);
      }
    }
  }
  const p50s = (m: Map<string, number[]>) => new Map([...m].map(([name, values]) => [name, summarize(values).p50]));
  return { engine: p50s(samples.engine), http: p50s(samples.http) };
}

/** CPU time of process `pid` so far, all its threads, from /proc (clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Each photo through the recognizer in process (decode → match: what a page needs) and through POST
 * /api/recognitions of the production server, one after the other within each round, so both see the same
 * moment of this shared box (its speed drifts by a quarter within the hour): p50 per photo of each, the CPU
 * per call of the engine in process (every thread, from getrusage) and of the server process per upload
 * (every thread, from /proc), and the graph optimisation each net ran with.
 */
async function sideBySide(photos: readonly BenchPhoto[], iterations: number, dir: string) {
  const config = getConfig({ ...process.env, DATA_DIR: join(dir, 'engine'), MODEL_DIR: join(repoRoot, 'models'), CELEBRITY_PACK: join(repoRoot, 'packs/celebrities') });
  // The engine the recognizer would make for itself, made here so its per-net choices can be printed.
  const engine = await createEngine({ modelDir: config.MODEL_DIR, netWorkers: config.ENGINE_WORKERS });
  for (const line of graphLines(engine.graphs)) console.log(line);
  const recognizer = await createLocalRecognizer(config, engine);
  ensureProductionBuild();
  // Uploads back to back from one address: the per-client limits (docs/hardening.md) are off for the timing.
  const app = await startApp(3495, { DATA_DIR: join(dir, 'http'), RECOGNITION_QUEUE_DEPTH: '64', CLIENT_RECOGNITION_RATE: '0', CLIENT_MAX_IN_FLIGHT: '0', CLIENT_API_RATE: '0' });
  const client = createUploadClient(app.baseUrl);
  try {
    const bodies = new Map(photos.map((p) => [p.name, multipartBody(p.bytes, `${p.name}.${p.source.endsWith('.png') ? 'png' : 'jpg'}`, p.source.endsWith('.png') ? 'image/png' : 'image/jpeg')]));
    let engineCpuMicros = 0;
    const serverCpuBefore = processCpuMs(app.pid);
    const times = await timeEach(photos, iterations, {
      engine: async (photo) => {
        const before = process.cpuUsage();
        await recognizer.recognizeCelebrities(photo.bytes, { attributes: false });
        const used = process.cpuUsage(before);
        engineCpuMicros += used.user + used.system;
      },
      http: async (photo) => {
        const status = await client.post(bodies.get(photo.name)!);
        if (status !== 201 && status !== 422) throw new Error(`${photo.name}: HTTP ${status}`);
      },
    });
    const calls = photos.length * (iterations + 1);
    return { ...times, engineCpuMs: engineCpuMicros / 1000 / calls, serverCpuMs: (processCpuMs(app.pid) - serverCpuBefore) / calls, graphs: { ...engine.graphs } };
  } finally {
    client.close();
    await app.stop();
    await engine.close();
  }
}

/** Load levels through nginx + pm2, then the browser timing, against one deployed stack. */
async function stackFigures(single: readonly BenchPhoto[], loadSeconds: number, dir: string): Promise<{ load: LoadLevel[]; sustainedUploadsPerSecond: number; pickToPaintP50Ms: number; pickToPaintOuterP50Ms: number }> {
  const stack = await startStack(join(dir, 'stack'));
  try {
    // Every worker's first requests pay for lazy route compilation and the nets' first runs: not counted.
    await loadLevel(stack.base, single, 5, 3, stack.pm2);
    const load: LoadLevel[] = [];
    for (const offered of OFFERED_LOADS) load.push(await loadLevel(stack.base, single, offered, loadSeconds, stack.pm2, stack.app));
    console.log('| offered uploads/s | clients | served uploads/s | p50 | p99 | 503/429 | failed | peak RSS per worker | event-loop delay p99 / max |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    const ms = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(1)} ms`);
    for (const l of load) {
      console.log(`| ${l.offeredPerSecond} | ${l.clients} | ${l.uploadsPerSecond.toFixed(1)} | ${l.p50Ms.toFixed(0)} ms | ${l.p99Ms.toFixed(0)} ms | ${l.refused} | ${l.failed} | ${l.peakWorkerRssMb.toFixed(0)} MB | ${ms(l.eventLoopDelayP99Ms)} / ${ms(l.eventLoopDelayMaxMs)} |`);
    }
    const sustained = Math.max(0, ...load.filter((l) => l.refused === 0 && l.failed === 0 && l.p99Ms <= 300).map((l) => l.uploadsPerSecond));
    console.log(`sustained with every upload answered 201 and p99 ≤ 300 ms: ${sustained.toFixed(1)} uploads/s`);
    const plot = join(repoRoot, 'bench-results', 'web-load.svg');
    await mkdir(join(repoRoot, 'bench-results'), { recursive: true });
    await writeFile(plot, loadPlotSvg(load, `POST /api/recognitions through nginx + pm2 (2 workers), ${os.cpus()[0]?.model ?? ''}`));
    console.log(`plot: ${plot}`);
    // A 1 MP photo as people pick them: the 1080p group photo's source scaled to 1333×750, JPEG.
    const photoPath = join(dir, 'one-megapixel.jpg');
    const source = await readFile(join(datasetsDirOf(), 'raw/faceapi_bbt/examples/images/bbt1.jpg'));
    await writeFile(photoPath, await sharp(source).resize(1333, 750).jpeg({ quality: 90 }).toBuffer());
    const browser = await pickToPaint(stack.base, photoPath, 10);
    console.log(`Chromium, pick a 1 MP photo → result page painted: p50 ${browser.p50Ms.toFixed(0)} ms on the page's clock (${browser.samples.map((s) => s.toFixed(0)).join(', ')}); ` +
      `${browser.outerP50Ms.toFixed(0)} ms from Playwright's setInputFiles call (${browser.outerSamples.map((s) => s.toFixed(0)).join(', ')})`);
    return { load, sustainedUploadsPerSecond: sustained, pickToPaintP50Ms: browser.p50Ms, pickToPaintOuterP50Ms: browser.outerP50Ms };
  } finally {
    stack.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { iterations: { type: 'string', default: '30' }, 'load-seconds': { type: 'string', default: '8' }, 'skip-stack': { type: 'boolean', default: false }, 'stack-only': { type: 'boolean', default: false } } });
  const iterations = Number(values.iterations);
  const loadSeconds = Number(values['load-seconds']);
  const photos = await loadBenchPhotos();
  const dir = await mkdtemp(join(tmpdir(), 'cf-bench-web-'));
  try {
    console.log(`bench:web on ${cpuLine()}; ${photos.length} photos × ${iterations}`);
    if (values['stack-only']) {
      console.log(JSON.stringify(await stackFigures(photos.filter((p) => p.kind === 'single'), loadSeconds, dir)));
      return;
    }
    // Alternated call by call: never at the same time (neither competes for the two cores), always at the same moment of the box.
    const { engine, http, engineCpuMs, serverCpuMs, graphs } = await sideBySide(photos, iterations, dir);
    console.log('| photo | size | engine decode → match p50 | POST /api/recognitions p50 | ratio |');
    console.log('|---|---|---|---|---|');
    const rows = photos.map((p) => ({ photo: p.name, kind: p.kind, engineMs: engine.get(p.name)!, httpMs: http.get(p.name)! }));
    for (const r of rows) {
      const photo = photos.find((p) => p.name === r.photo)!;
      console.log(`| ${r.photo} | ${photo.width}×${photo.height} | ${r.engineMs.toFixed(1)} ms | ${r.httpMs.toFixed(1)} ms | ${(r.httpMs / r.engineMs).toFixed(2)}× |`);
    }
    const single = rows.filter((r) => r.kind === 'single');
    const median = (xs: number[]) => summarize(xs).p50;
    const summary = {
      ...cpuJson(),
      graphs: graphSettings(graphs),
      singleEngineP50: median(single.map((r) => r.engineMs)),
      singleHttpP50: median(single.map((r) => r.httpMs)),
      worstRatio: Math.max(...rows.map((r) => r.httpMs / r.engineMs)),
      group: rows.find((r) => r.kind === 'group'),
      engineCpuMsPerPhoto: engineCpuMs,
      serverCpuMsPerUpload: serverCpuMs,
    };
    console.log(`single-face photos: engine p50 ${summary.singleEngineP50.toFixed(1)} ms, HTTP p50 ${summary.singleHttpP50.toFixed(1)} ms; worst ratio ${summary.worstRatio.toFixed(2)}×`);
    console.log(`CPU per photo, every thread, all ${photos.length} photos: engine in process ${engineCpuMs.toFixed(1)} ms, the server process per upload ${serverCpuMs.toFixed(1)} ms`);
    const stack = values['skip-stack'] ? null : await stackFigures(photos.filter((p) => p.kind === 'single'), loadSeconds, dir);
    console.log(JSON.stringify({ ...summary, rows, ...(stack ?? {}) }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench:web: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
