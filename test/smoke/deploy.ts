/**
 * npm run smoke:deploy — the production stack as deploy/README.md sets it up, end to end:
 * standalone build → gallery import → pm2 (ecosystem.config.js, cluster) → private nginx with
 * deploy/nginx/celebrity-finder.conf → real uploads, nginx's 413, `pm2 reload` under load → teardown.
 * Env: DATASETS_DIR (default ../shared/datasets), SMOKE_TMP (default /tmp/cf-deploy), SMOKE_REBUILD=1.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { limits } from '../../lib/limits';
import { clientMaxBodyBytes, createPrivateNginx, ensureNginx, isAlive, renderSite, type PrivateNginx } from './nginx';
import { createPm2, type Pm2, type WorkerInfo } from './pm2';
import { freePort, run, step, timings, waitFor } from './run';
import { buildIfStale } from './stack';
import { streamDuring, upload, uploadFile, type StreamReport } from './traffic';
import { checkDeletedIsGone, checkNginxLimits, checkSignedThroughNginx, SMOKE_REKOGNITION_KEYS } from './limits';
import { checkAdminPeople, type PropagationReport } from './admin';

const root = resolve(import.meta.dirname, '../..');
const datasets = resolve(root, process.env.DATASETS_DIR ?? '../shared/datasets');
const ageitgey = join(datasets, 'raw', 'face_recognition_ageitgey', 'examples');
const galleryPeople: Record<string, string> = {
  Barack_Obama: 'knn_examples/train/obama',
  Joe_Biden: 'knn_examples/train/biden',
  Kit_Harington: 'knn_examples/train/kit_harington',
  Rose_Leslie: 'knn_examples/train/rose_leslie',
};
const MiB = 1024 * 1024;
/** The admin area is on in the smoke stack (a test value, never a real secret). */
const ADMIN_TOKEN = 'smoke-admin-token-7e3b91c0a4';

interface Findings {
  appPort?: number;
  nginxPort?: number;
  memory: { when: string; workers: WorkerInfo[] }[];
  stream?: StreamReport;
  admin?: PropagationReport;
  checks: string[];
}

function expect(condition: boolean, message: string, findings: Findings): void {
  if (!condition) throw new Error(`check failed: ${message}`);
  findings.checks.push(message);
}

function importGallery(work: string, env: NodeJS.ProcessEnv): void {
  const people = join(work, 'people');
  mkdirSync(people, { recursive: true });
  for (const [name, dir] of Object.entries(galleryPeople)) symlinkSync(join(ageitgey, dir), join(people, name));
  run(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/gallery-import.ts', people], { cwd: root, env, timeout: 180_000 });
}

async function checkRecognition(base: string, findings: Findings): Promise<string> {
  const answer = await uploadFile(base, join(ageitgey, 'obama-1080p.jpg'));
  expect(answer.status === 201, `upload through nginx answers 201 (got ${answer.status}: ${answer.body.slice(0, 200)})`, findings);
  const created = JSON.parse(answer.body) as { id: string; url: string; result: { CelebrityFaces: { Name: string }[] } };
  const names = created.result.CelebrityFaces.map((face) => face.Name);
  expect(names.some((name) => /obama/i.test(name)), `recognition names Obama (got [${names.join(', ')}])`, findings);
  expect(created.url === `${base}/r/${created.id}`, `share URL uses the forwarded host and port (${created.url})`, findings);
  const page = await fetch(created.url);
  const html = await page.text();
  expect(page.status === 200 && /obama/i.test(html), `result page ${new URL(created.url).pathname} shows Obama (status ${page.status})`, findings);
  return created.id;
}

async function checkLimits(base: string, site: string, findings: Findings): Promise<void> {
  const nginxLimit = clientMaxBodyBytes(site);
  const multipartMargin = 64 * 1024;
  expect(nginxLimit >= limits.maxUploadBytes + multipartMargin && nginxLimit <= limits.maxUploadBytes * 1.5,
    `client_max_body_size ${nginxLimit / MiB} MiB fits the app's ${limits.maxUploadBytes / MiB} MiB limit with margin`, findings);
  const refused = await upload(base, new Uint8Array(nginxLimit + MiB), 'huge.jpg');
  const expected = /return 413 '(.*)\\n';/.exec(site)?.[1];
  expect(refused.status === 413 && refused.contentType.startsWith('application/json') && refused.body.trim() === expected,
    `over-limit upload (${(nginxLimit + MiB) / MiB} MiB) refused by nginx: 413 JSON too_large`, findings);
  const appRefused = await upload(base, new Uint8Array(limits.maxUploadBytes + 128 * 1024), 'big.jpg');
  const code = appRefused.status === 413 ? (JSON.parse(appRefused.body) as { error: { code: string } }).error.code : '';
  expect(code === 'too_large' && appRefused.body.trim() !== expected,
    `upload between the app and nginx limits reaches the app and gets its 413 too_large (got ${appRefused.status})`, findings);
}

async function checkReload(base: string, pm2: Pm2, logDir: string, resultId: string, findings: Findings): Promise<void> {
  const before = pm2.workers();
  const photos = ['obama_small.jpg', 'knn_examples/test/obama1.jpg'].map((file) => join(ageitgey, file));
  findings.stream = await streamDuring(base, photos, resultId, () => pm2.reload());
  const after = pm2.workers();
  findings.memory.push({ when: 'after reload under load', workers: after });
  expect(findings.stream.answeredDuring >= 20, `the stream kept flowing while pm2 reloaded: ${findings.stream.answeredDuring} requests answered before the reload returned`, findings);
  expect(findings.stream.failures === 0, `pm2 reload under load: ${findings.stream.total} requests, ${findings.stream.failures} failed`, findings);
  expect(after.length === before.length && after.every((w) => w.status === 'online' && !before.some((b) => b.pid === w.pid)),
    `every worker was replaced (${before.map((w) => w.pid).join(',')} -> ${after.map((w) => w.pid).join(',')})`, findings);
  await waitFor('old workers to log their exit', async () => before.every((w) => !isAlive(w.pid)), 45_000);
  const drained = before.filter((w) => new RegExp(`shutdown: pid ${w.pid} exit`).test(readFileSync(join(logDir, 'app-out.log'), 'utf8')));
  expect(drained.length === before.length, `old workers drained and exited cleanly (${drained.length}/${before.length} logged the shutdown hooks)`, findings);
  // The JPEG addon is copied into each release by hand (build-standalone.mjs): a release without it would
  // still work, only slower, so only the warm-up log entry tells (pino JSON after pm2's timestamp).
  const warmUps = readFileSync(join(logDir, 'app-out.log'), 'utf8').split('\n').flatMap((line) => {
    try {
      const entry = JSON.parse(line.slice(line.indexOf('{'))) as { msg?: string; pid?: number; jpegDecoding?: string };
      return entry.msg === 'warm-up: recognizer ready' ? [entry] : [];
    } catch {
      return [];
    }
  });
  const viaLibjpeg = after.filter((w) => warmUps.some((entry) => entry.pid === w.pid && entry.jpegDecoding === 'libjpeg'));
  expect(viaLibjpeg.length === after.length, `the release decodes JPEGs through the libjpeg addon (${viaLibjpeg.length}/${after.length} workers said so at warm-up)`, findings);
}

async function teardown(pm2: Pm2 | undefined, nginx: PrivateNginx | undefined, pids: number[]): Promise<string[]> {
  const problems: string[] = [];
  try {
    pm2?.kill();
  } catch (error) {
    problems.push(`pm2 kill: ${(error as Error).message}`);
  }
  try {
    nginx?.stop();
  } catch (error) {
    problems.push(`nginx stop: ${(error as Error).message}`);
  }
  await waitFor('pm2 and nginx processes to exit', async () => !pids.some(isAlive), 10_000).catch(() => undefined);
  const left = pids.filter(isAlive);
  for (const pid of left) process.kill(pid, 'SIGKILL');
  if (left.length) problems.push(`processes still running after teardown, killed: ${left.join(', ')}`);
  return problems;
}

function printReport(findings: Findings, problems: string[], error?: unknown): void {
  console.log('\n=== smoke:deploy report ===');
  for (const t of timings) console.log(`${t.ok ? 'ok  ' : 'FAIL'} ${t.name.padEnd(44)} ${t.seconds.toFixed(1).padStart(6)} s`);
  console.log(`ports: app 127.0.0.1:${findings.appPort ?? '-'}, nginx 127.0.0.1:${findings.nginxPort ?? '-'}`);
  for (const m of findings.memory) {
    console.log(`memory ${m.when}: ${m.workers.map((w) => `pid ${w.pid} ${(w.memoryBytes / MiB).toFixed(0)} MiB`).join(', ')}`);
  }
  const s = findings.stream;
  if (s) {
    console.log(`reload stream: ${s.total} requests in ${s.seconds.toFixed(1)} s, ${s.failures} failures, slowest ${s.slowest.toFixed(1)} s (${s.slowestRequest}), ${s.answeredDuring} answered during the reload`);
    for (const [kind, c] of Object.entries(s.byKind)) console.log(`  ${kind.padEnd(26)} ok ${c.ok}, failed ${c.failed}`);
    for (const sample of s.samples) console.log(`  failure: ${sample}`);
  }
  const a = findings.admin;
  if (a) {
    const line = (label: string, per: PropagationReport['added']) => console.log(`${label}: ${Object.entries(per).map(([pid, w]) => `pid ${pid} last old answer ${w.lastStale === null ? '-' : `+${w.lastStale} ms`}, first new ${w.firstFresh === null ? '-' : `+${w.firstFresh} ms`}`).join('; ')}`);
    line('admin: person added, probe named from', a.added);
    line('admin: person deleted, probe unnamed from', a.removed);
  }
  for (const check of findings.checks) console.log(`passed: ${check}`);
  for (const problem of problems) console.log(`teardown: ${problem}`);
  const total = timings.reduce((sum, t) => sum + t.seconds, 0);
  console.log(error ? `RESULT: FAILED after ${total.toFixed(0)} s: ${(error as Error).message}` : `RESULT: passed in ${total.toFixed(0)} s`);
}

async function main(): Promise<number> {
  const baseTmp = process.env.SMOKE_TMP ?? '/tmp/cf-deploy';
  mkdirSync(baseTmp, { recursive: true });
  const work = mkdtempSync(join(baseTmp, 'smoke-'));
  chmodSync(work, 0o755); // nginx workers run unprivileged and must reach their temp dirs inside
  const appName = `cf-smoke-${process.pid}`;
  const logDir = join(work, 'logs');
  const findings: Findings = { memory: [], checks: [] };
  let pm2: Pm2 | undefined;
  let nginx: PrivateNginx | undefined;
  const pids: number[] = [];
  let failure: unknown;
  const onSignal = () => {
    void teardown(pm2, nginx, pids).then((problems) => {
      printReport(findings, problems, new Error('interrupted'));
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (!existsSync(join(ageitgey, 'obama-1080p.jpg'))) throw new Error(`datasets not found at ${datasets} (set DATASETS_DIR)`);
    const binary = await step('nginx present (apt-get install if missing)', () => ensureNginx());
    await step('models present (npm run setup:models)', () => void run('node', ['server/setup-models.mjs'], { cwd: root }));
    const buildNote = await step('standalone build (server/build-standalone.mjs)', () => buildIfStale(process.env));
    findings.checks.push(buildNote);
    findings.appPort = await freePort(3300, 3399);
    findings.nginxPort = await freePort(8300, 8399);
    const env: NodeJS.ProcessEnv = {
      ...process.env, PM2_HOME: join(work, 'pm2'), PM2_APP_NAME: appName, PORT: String(findings.appPort),
      DATA_DIR: join(work, 'data'), LOG_DIR: logDir, RECOGNIZER: 'local', ADMIN_TOKEN,
      REKOGNITION_ACCESS_KEY_ID: SMOKE_REKOGNITION_KEYS.accessKeyId, REKOGNITION_SECRET_ACCESS_KEY: SMOKE_REKOGNITION_KEYS.secretAccessKey,
    };
    await step('gallery import (4 people, ageitgey)', () => importGallery(work, env));
    pm2 = createPm2(root, env, appName);
    await step('pm2 start ecosystem.config.js', () => pm2!.start());
    pids.push(...pm2.workers().map((w) => w.pid), Number(readFileSync(join(work, 'pm2', 'pm2.pid'), 'utf8')));
    const site = renderSite(readFileSync(join(root, 'deploy', 'nginx', 'celebrity-finder.conf'), 'utf8'), findings.nginxPort, findings.appPort);
    nginx = createPrivateNginx(binary, join(work, 'nginx'), site);
    await step('nginx -t and start (private prefix)', () => nginx!.start());
    pids.push(Number(readFileSync(join(work, 'nginx', 'nginx.pid'), 'utf8')));
    const base = `http://127.0.0.1:${findings.nginxPort}`;
    await step('health 200 through nginx', () => waitFor('/api/health 200', async () => (await fetch(`${base}/api/health`)).ok, 120_000));
    const resultId = await step('upload real photo, result page', () => checkRecognition(base, findings));
    findings.memory.push({ when: 'after first recognition', workers: pm2.workers() });
    await step('upload limits (nginx 413, app 413)', () => checkLimits(base, site, findings));
    findings.admin = await step('admin: new person named on every worker ≤ 2 s', () =>
      checkAdminPeople(base, datasets, ADMIN_TOKEN, logDir, pm2!.workers().map((w) => w.pid), (ok, message) => expect(ok, message, findings)));
    const check = (ok: boolean, message: string) => expect(ok, message, findings);
    await step('per-client limits in nginx (429 JSON / AWS, Retry-After)', () => checkNginxLimits(base, join(ageitgey, 'obama_small.jpg'), check));
    await step('SigV4 through nginx on a test port (Host with port)', () => checkSignedThroughNginx(base, join(ageitgey, 'obama-1080p.jpg'), check));
    await step('deleted photo gone through nginx (private, ETag, 404)', () => checkDeletedIsGone(base, join(ageitgey, 'obama_small.jpg'), check));
    const restarts = pm2.workers().reduce((sum, w) => sum + w.restarts, 0);
    expect(restarts === 0, `pm2 restarted no worker (memory, crash) under the floods (restarts: ${restarts})`, findings);
    await step('pm2 reload under a request stream', () => checkReload(base, pm2!, logDir, resultId, findings));
    pids.push(...pm2.workers().map((w) => w.pid));
  } catch (error) {
    failure = error;
  }
  const problems = await step('teardown (pm2 kill, nginx quit)', () => teardown(pm2, nginx, pids)).catch((e: Error) => [e.message]);
  if (!failure && problems.length === 0 && !process.env.SMOKE_KEEP_LOGS) rmSync(work, { recursive: true, force: true });
  else console.log(`smoke: logs kept in ${work}`);
  printReport(findings, problems, failure);
  return failure || problems.length ? 1 : 0;
}

process.exitCode = await main();
