/**
 * npm run report:robustness [-- --load-duration 15 --skip-stack --only limits,flood]
 * Reruns the hardening proofs against real production servers (next start; pm2 + nginx for the deploy
 * cases) and prints one table (case, expected, got, pass) covering docs/hardening.md and issue #21, then
 * the figures: peak RSS under 64 concurrent 10 MB uploads against one pm2 worker, 503/429 rates per client
 * in the flood test (with and without the per-client limits), the time to recover after an engine thread is
 * killed, plus the corpus's RSS, a short load run and the SIGKILL crash test. Exits 1 when a case fails.
 * Ports 3460-3469, data under HARDENING_DATA_ROOT (default /tmp/cf-hardening).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { benchLoad, formatLoad } from '../bench/load';
import { limits } from '../lib/limits';
import { progressiveScanBomb } from '../test/fuzz/jpeg-mutations';
import { buildCorpus, CORPUS_SERVER_ENV } from '../test/hardening/harness/corpus';
import { runCrashTest } from '../test/hardening/harness/crash';
import {
  holdUpload, metricValue, multipart, rekognitionFrom, send, signedRekognitionFrom, uploadFrom, within, type Answer,
} from '../test/hardening/harness/clients';
import { paddedTo, pngBomb, readPhoto, REAL_PHOTOS, solid } from '../test/hardening/harness/images';
import { runCorpus, streamOversized } from '../test/hardening/harness/run-corpus';
import { HARDENING_ROOT, startHardeningServer } from '../test/hardening/harness/server';
import type { RunningApp } from '../test/rekognition/app-server';
import { checkDeletedIsGone, checkNginxLimits, checkSignedThroughNginx, SMOKE_REKOGNITION_KEYS } from '../test/smoke/limits';
import { startStack } from '../test/smoke/stack';

const root = resolve(import.meta.dirname, '..');
const KEYS = { accessKeyId: 'AKIDREPORT', secretAccessKey: 'report-robustness-secret' };
const UNLIMITED = { CLIENT_RECOGNITION_RATE: '0', CLIENT_MAX_IN_FLIGHT: '0', CLIENT_API_RATE: '0' };

interface Row {
  item: string;
  name: string;
  expected: string;
  got: string;
  pass: boolean;
}

const rows: Row[] = [];
const figures: string[] = [];

function row(item: string, name: string, expected: string, got: string, pass: boolean): void {
  rows.push({ item, name, expected, got, pass });
  process.stderr.write(`${pass ? 'ok  ' : 'FAIL'} ${item} ${name}: ${got}\n`);
}

/** A row whose check threw: it fails with the error as what it got. */
async function guarded(item: string, name: string, expected: string, check: () => Promise<[string, boolean]>): Promise<void> {
  try {
    const [got, pass] = await check();
    row(item, name, expected, got, pass);
  } catch (error) {
    row(item, name, expected, `error: ${(error as Error).message.split('\n')[0]}`, false);
  }
}

async function server(port: number, name: string, env: Record<string, string>, before?: (dataDir: string) => Promise<void>): Promise<RunningApp> {
  const dataDir = join(HARDENING_ROOT, `report-${name}`);
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  await before?.(dataDir);
  return startHardeningServer(port, dataDir, env);
}

const statuses = (answers: Answer[]) => answers.map((a) => a.status).join(',');
const tally = (answers: Answer[]) => {
  const by: Record<number, number> = {};
  for (const a of answers) by[a.status] = (by[a.status] ?? 0) + 1;
  return by;
};
const percent = (part: number, whole: number) => (whole === 0 ? '0 %' : `${((100 * part) / whole).toFixed(1)} %`);

async function crowdPhoto(): Promise<Uint8Array> {
  const tile = await sharp(await readPhoto()).resize(600, 600, { fit: 'cover' }).jpeg().toBuffer();
  return new Uint8Array(await sharp({ create: { width: 4800, height: 4800, channels: 3, background: '#777' } })
    .composite(Array.from({ length: 64 }, (_, i) => ({ input: tile, left: (i % 8) * 600, top: Math.floor(i / 8) * 600 })))
    .jpeg({ quality: 85 }).toBuffer());
}

/** Bad inputs, the streamed cut-offs and the corpus server's memory (docs/hardening.md "Limits"). */
async function corpusSection(): Promise<void> {
  const app = await server(3460, 'corpus', CORPUS_SERVER_ENV);
  try {
    const cases = await buildCorpus();
    const { rows: answered, before, after } = await runCorpus(app.baseUrl, cases, app.pid);
    const wrong = answered.filter((r) => r.status !== r.expected.status || r.code !== r.expected.code);
    row('limits', `bad-input corpus (${cases.length} cases: uploads, ids on 7 routes, Rekognition JSON)`, 'each its documented status and code',
      wrong.length === 0 ? `${answered.length}/${cases.length} as documented` : `${wrong.length} wrong: ${wrong.map((r) => `${r.name} → ${r.status} ${r.code}`).join('; ')}`, wrong.length === 0);
    const chunked = await streamOversized(app.baseUrl, { capBytes: 300 * 1024 * 1024 });
    row('limits', 'endless chunked upload', '413 after a few MB', `${chunked.status} after ${(chunked.sentBytes / 1048576).toFixed(1)} MB`, chunked.status === 413 && chunked.sentBytes < 40 * 1048576);
    const declared = await streamOversized(app.baseUrl, { declaredLength: 1024 ** 3, capBytes: 300 * 1024 * 1024 });
    row('limits', 'declared 1 GB upload', '413 before the body', `${declared.status} after ${(declared.sentBytes / 1048576).toFixed(1)} MB, ${declared.ms} ms`, declared.status === 413 && declared.sentBytes < 20 * 1048576);
    figures.push(`corpus server RSS: before ${before.rssMb} MB, after ${after.rssMb} MB, peak ${after.peakRssMb} MB (incl. the 60 MB and 40 MB bodies)`);
  } finally {
    await app.stop();
  }
}

/** Items 1, 2 and 5 on one server: per-client limits, X-Forwarded-For, refusals before the body, the signed endpoint. */
async function limitsSection(photo: Uint8Array): Promise<void> {
  const app = await server(3463, 'limits', {
    RECOGNITION_CONCURRENCY: '1', RECOGNITION_QUEUE_DEPTH: '3', CLIENT_MAX_IN_FLIGHT: '2', CLIENT_RECOGNITION_RATE: '0.01', CLIENT_RECOGNITION_BURST: '4',
    REKOGNITION_ACCESS_KEY_ID: KEYS.accessKeyId, REKOGNITION_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
  });
  try {
    await guarded('1', 'one client over its rate (burst 4): uploads', '4×201 then 429 rate_limited, Retry-After', async () => {
      const answers: Answer[] = [];
      for (let i = 0; i < 5; i++) answers.push(await uploadFrom(app.baseUrl, photo, '127.0.0.11'));
      const last = answers.at(-1)!;
      const other = await uploadFrom(app.baseUrl, photo, '127.0.0.12');
      return [`${statuses(answers)}; last ${last.code}, Retry-After ${last.retryAfter}; another client ${other.status}`,
        statuses(answers) === '201,201,201,201,429' && last.code === 'rate_limited' && Number(last.retryAfter) >= 1 && other.status === 201];
    });
    await guarded('1', 'one client over its rate: /api/rekognition (signed)', '4×200 then 429 ThrottlingException, Retry-After', async () => {
      const answers: Answer[] = [];
      for (let i = 0; i < 5; i++) answers.push(await signedRekognitionFrom(app.baseUrl, KEYS, 'RecognizeCelebrities', { Image: { Bytes: Buffer.from(photo).toString('base64') } }, { from: '127.0.0.14' }));
      const last = answers.at(-1)!;
      return [`${statuses(answers)}; last ${last.code}, Retry-After ${last.retryAfter}`, statuses(answers) === '200,200,200,200,429' && last.code === 'ThrottlingException' && Number(last.retryAfter) >= 1];
    });
    await guarded('1', 'X-Forwarded-For from the trusted proxy (127.0.0.1), client-written entries left of it', 'counted per forwarded client', async () => {
      const answers: Answer[] = [];
      for (let i = 0; i < 5; i++) answers.push(await uploadFrom(app.baseUrl, photo, '127.0.0.1', { 'x-forwarded-for': `198.51.100.${i}, 203.0.113.5` }));
      return [statuses(answers), statuses(answers) === '201,201,201,201,429'];
    });
    await guarded('1', 'X-Forwarded-For from an untrusted peer', 'ignored: counted per peer', async () => {
      const answers: Answer[] = [];
      for (let i = 0; i < 5; i++) answers.push(await uploadFrom(app.baseUrl, photo, '127.0.0.13', { 'x-forwarded-for': `203.0.113.${100 + i}` }));
      return [statuses(answers), statuses(answers) === '201,201,201,201,429'];
    });
    await guarded('2', 'queue full (4 bodies arriving): a 10 MB upload, headers only', '503 busy before the body', async () => {
      const held = await Promise.all(['127.0.0.31', '127.0.0.31', '127.0.0.32', '127.0.0.33'].map((from) => holdUpload(app.baseUrl, photo, { from, firstBytes: 1024 })));
      await new Promise((done) => setTimeout(done, 300));
      const full = await holdUpload(app.baseUrl, photo, { from: '127.0.0.34', padTo: limits.maxUploadBytes - 4096 });
      const refused = await within(full.answer, 3_000);
      const same = await holdUpload(app.baseUrl, photo, { from: '127.0.0.31', padTo: limits.maxUploadBytes - 4096 });
      const limited = await within(same.answer, 3_000);
      for (const upload of held) upload.finish();
      const finished = await Promise.all(held.map((upload) => upload.answer));
      for (const upload of [full, same]) upload.abort();
      return [`${refused?.status ?? 'no answer in 3 s'} ${refused?.code ?? ''} in ${Math.round(refused?.ms ?? 0)} ms, 0 bytes sent; same client over its in-flight 2: ${limited?.status} ${limited?.code}; held ones ${statuses(finished)}`,
        refused?.status === 503 && refused.code === 'busy' && limited?.status === 429 && statuses(finished) === '201,201,201,201'];
    });
    await guarded('5', 'raw bytes on /api/rekognition: 79 px side / 30000×30000 header', '400 InvalidParameterException / ImageTooLargeException', async () => {
      const call = (bytes: Uint8Array) => signedRekognitionFrom(app.baseUrl, KEYS, 'RecognizeCelebrities', { Image: { Bytes: Buffer.from(bytes).toString('base64') } }, { from: '127.0.0.35' });
      const [small, bomb] = [await call(await solid(79, 200)), await call(pngBomb(30_000, 30_000))];
      return [`${small.status} ${small.code} / ${bomb.status} ${bomb.code}`, small.code === 'InvalidParameterException' && bomb.code === 'ImageTooLargeException'];
    });
    await guarded('5', 'keys set: host or x-amz-target left out of the signature; no signature', '403 InvalidSignatureException; 403', async () => {
      const lookUp = (unsigned: string[]) => signedRekognitionFrom(app.baseUrl, KEYS, 'GetCelebrityInfo', { Id: '1aB2c3' }, { from: '127.0.0.36', unsigned });
      const [target, host, good] = [await lookUp(['x-amz-target']), await lookUp(['host']), await lookUp([])];
      const anonymous = await rekognitionFrom(app.baseUrl, photo, '127.0.0.36');
      return [`${target.status} ${target.code}, ${host.status} ${host.code}; signed: ${good.status} ${good.code}; none: ${anonymous.status} ${anonymous.code}`,
        target.code === 'InvalidSignatureException' && host.code === 'InvalidSignatureException' && good.code === 'ResourceNotFoundException' && anonymous.status === 403];
    });
  } finally {
    await app.stop();
  }
}

/** Client A floods (open loop), client B sends at a steady rate: answers per client, with and without the per-client limits. */
async function floodSection(photo: Uint8Array): Promise<void> {
  const run = async (port: number, name: string, env: Record<string, string>) => {
    const app = await server(port, name, env);
    try {
      const flood: Promise<Answer>[] = [];
      const steady: Promise<Answer>[] = [];
      const started = performance.now();
      const seconds = 10;
      // A: 60 uploads a second (several times what this box sustains); B: one a second.
      for (let i = 0; i < seconds * 60; i++) {
        const due = started + (i * 1000) / 60;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((done) => setTimeout(done, wait));
        flood.push(uploadFrom(app.baseUrl, photo, '127.0.0.71').catch((error: Error) => ({ status: 0, code: error.message } as Answer)));
        if (i % 60 === 0) steady.push(uploadFrom(app.baseUrl, photo, '127.0.0.72').catch((error: Error) => ({ status: 0, code: error.message } as Answer)));
      }
      return { a: tally(await Promise.all(flood)), b: tally(await Promise.all(steady)) };
    } finally {
      await app.stop();
    }
  };
  const describe = (by: Record<number, number>) => {
    const total = Object.values(by).reduce((n, c) => n + c, 0);
    return `${total} sent: 201 ${by[201] ?? 0}, 429 ${by[429] ?? 0} (${percent(by[429] ?? 0, total)}), 503 ${by[503] ?? 0} (${percent(by[503] ?? 0, total)})${Object.keys(by).some((s) => !['201', '429', '503'].includes(s)) ? `, other ${JSON.stringify(by)}` : ''}`;
  };
  const limited = await run(3467, 'flood-limited', {});
  const open = await run(3468, 'flood-open', UNLIMITED);
  figures.push(
    'flood test (10 s; client A 60 uploads/s, client B 1 upload/s; default queue: 2 running + 16 waiting):',
    `  per-client limits on (defaults): A ${describe(limited.a)}; B ${describe(limited.b)}`,
    `  per-client limits off:           A ${describe(open.a)}; B ${describe(open.b)}`,
  );
  const bTotal = Object.values(limited.b).reduce((n, c) => n + c, 0);
  row('1', 'flood: client A at 60/s beside client B at 1/s', 'B: no 503 (A gets 429s; without the limits B gets 503s)', `B ${limited.b[201] ?? 0}/${bTotal} × 201, ${limited.b[503] ?? 0} × 503; A ${limited.a[429] ?? 0} × 429 (without limits B got ${open.b[503] ?? 0} × 503)`,
    (limited.b[503] ?? 0) === 0 && (limited.b[201] ?? 0) > 0 && (limited.a[429] ?? 0) > 0);
}

/** Items 3 and 5: the deadline, a client that leaves, the scan bomb, the closed endpoint. */
async function deadlineSection(photo: Uint8Array, crowd: Uint8Array): Promise<void> {
  const app = await server(3464, 'deadlines', { RECOGNITION_CONCURRENCY: '1', RECOGNITION_DEADLINE_MS: '1000', ENGINE_WORKERS: '1', ...UNLIMITED });
  try {
    const small = await readPhoto('raw/face_recognition_ageitgey/examples/obama_small.jpg');
    await guarded('3', 'recognition past RECOGNITION_DEADLINE_MS (1 s; 64 faces, 4800 px)', '504 deadline at ~1 s; next upload 201', async () => {
      const slow = await uploadFrom(app.baseUrl, crowd);
      const next = await uploadFrom(app.baseUrl, small);
      return [`${slow.status} ${slow.code} after ${Math.round(slow.ms)} ms; next ${next.status} in ${Math.round(next.ms)} ms`, slow.code === 'deadline' && slow.ms < 2_500 && next.status === 201];
    });
    await guarded('3', 'client leaves while its upload waits for the slot', 'cancelled: never runs, nothing stored', async () => {
      const db = () => {
        const handle = new Database(join(HARDENING_ROOT, 'report-deadlines', 'recognitions.sqlite'), { readonly: true });
        try {
          return handle.prepare<[], { n: number }>('SELECT count(*) AS n FROM recognitions').get()!.n;
        } finally {
          handle.close();
        }
      };
      const before = db();
      const running = uploadFrom(app.baseUrl, crowd);
      await new Promise((done) => setTimeout(done, 300));
      const queued = await holdUpload(app.baseUrl, small);
      queued.finish();
      await new Promise((done) => setTimeout(done, 300));
      queued.abort();
      await running;
      await new Promise((done) => setTimeout(done, 500));
      const cancelled = await metricValue(app.baseUrl, 'cf_recognition_cancelled_total', { stage: 'waiting' });
      return [`rows ${before} → ${db()}, cancelled while waiting: ${cancelled}`, db() === before && cancelled === 1];
    });
    await guarded('3', 'progressive JPEG with 883 scans (16 MP, 70 kB)', '415 at once (no decoder grinds through it)', async () => {
      const bomb = progressiveScanBomb(4096, 13);
      const answer = await uploadFrom(app.baseUrl, bomb);
      return [`${answer.status} ${answer.code} in ${Math.round(answer.ms)} ms`, answer.status === 415 && answer.ms < 1_000];
    });
    await guarded('5', '/api/rekognition in production without keys', '403 AccessDeniedException', async () => {
      const answer = await rekognitionFrom(app.baseUrl, photo);
      return [`${answer.status} ${answer.code}`, answer.status === 403 && answer.code === 'AccessDeniedException'];
    });
  } finally {
    await app.stop();
  }
}

/** Item 4: an engine thread killed (SIGUSR2 with ENGINE_FAULT_INJECTION=1), one thread per process as under pm2. */
async function selfHealingSection(photo: Uint8Array): Promise<void> {
  const app = await server(3465, 'healing', { ENGINE_WORKERS: '1', ENGINE_FAULT_INJECTION: '1', ...UNLIMITED });
  try {
    const rounds: number[] = [];
    let ok = true;
    const details: string[] = [];
    for (let round = 0; round < 3; round++) {
      const killedAt = performance.now();
      process.kill(app.pid, 'SIGUSR2');
      const during = Promise.all([uploadFrom(app.baseUrl, photo), uploadFrom(app.baseUrl, photo)]);
      let saw503 = false, recovered = Number.NaN;
      while (performance.now() - killedAt < 30_000) {
        const health = await within(send(`${app.baseUrl}/api/health`), 5_000);
        if (health?.status === 503) saw503 = true;
        if (health?.status === 200 && saw503) {
          recovered = performance.now() - killedAt;
          break;
        }
        await new Promise((done) => setTimeout(done, 25));
      }
      const answers = await during;
      rounds.push(recovered);
      details.push(`health 503 then 200 after ${Math.round(recovered)} ms, uploads sent meanwhile ${statuses(answers)}`);
      ok &&= saw503 && Number.isFinite(recovered) && statuses(answers) === '201,201';
    }
    const restarts = await metricValue(app.baseUrl, 'cf_engine_worker_restarts_total');
    row('4', 'engine thread killed, 3 times (one thread per process)', 'health 503 until back; requests meanwhile 201', `${details.join('; ')}; restarts counted ${restarts}`, ok && restarts === 3);
    figures.push(`time to recover after the engine thread is killed (health 503 → 200, models reloaded): ${rounds.map((ms) => `${Math.round(ms)} ms`).join(', ')}`);
  } finally {
    await app.stop();
  }
}

/** Items 6-9 on one server whose data folder holds leftovers before it starts. */
async function leftoversSection(): Promise<void> {
  const ORPHAN = 'Zq0rphan0000000000000A';
  const app = await server(3466, 'leftovers', UNLIMITED, async (dataDir) => {
    const folder = join(dataDir, 'images', 'Zq');
    await mkdir(folder, { recursive: true });
    const old = new Date(Date.now() - 2 * 3_600_000);
    for (const name of [`${ORPHAN}.jpg`, `${ORPHAN}.face0.jpg`, '.tmp-00112233aabbccdd', '.tmp-99887766aabbccdd']) await writeFile(join(folder, name), 'left behind');
    for (const name of [`${ORPHAN}.jpg`, `${ORPHAN}.face0.jpg`, '.tmp-00112233aabbccdd']) await utimes(join(folder, name), old, old);
  });
  const images = join(HARDENING_ROOT, 'report-leftovers', 'images');
  try {
    await guarded('9', 'start-up sweep: 2 old orphans (photo, crop), 1 old temp file, 1 young temp file', 'the 3 old ones removed, the young one kept', async () => {
      await new Promise((done) => setTimeout(done, 1_000));
      const left = await readdir(join(images, 'Zq'));
      return [`left: ${left.join(', ')}`, left.length === 1 && left[0] === '.tmp-99887766aabbccdd'];
    });
    const photo = await readPhoto(REAL_PHOTOS[2]);
    const created = JSON.parse((await uploadFrom(app.baseUrl, photo)).body) as { id: string; deleteToken: string; result: { CelebrityFaces: unknown[]; UnrecognizedFaces: unknown[] } };
    const faces = created.result.CelebrityFaces.length + created.result.UnrecognizedFaces.length;
    await guarded('6', `face crops of a ${faces}-face upload, then 5 views of its page and crops`, 'crops on disk at upload; 0 photo decodes on view', async () => {
      const crops = await Promise.all(Array.from({ length: faces }, (_, n) => stat(join(images, created.id.slice(0, 2), `${created.id}.face${n}.jpg`)).then(() => 1, () => 0)));
      for (let view = 0; view < 5; view++) {
        await Promise.all(Array.from({ length: faces }, (_, n) => send(`${app.baseUrl}/api/recognitions/${created.id}/faces/${n}`)));
        await send(`${app.baseUrl}/r/${created.id}`);
      }
      const decodes = await metricValue(app.baseUrl, 'cf_thumbnail_decodes_total', { when: 'view' });
      const onDisk = crops.reduce((a, b) => a + b, 0);
      return [`${onDisk}/${faces} crops on disk; decodes on view: ${decodes}`, onDisk === faces && decodes === 0];
    });
    await guarded('7', 'upload of a photo with no face', '422 no_face; nothing stored', async () => {
      const width = 320, height = 240;
      const pixels = Buffer.alloc(width * height * 3);
      for (let i = 0; i < width * height; i++) pixels.set([(i % width) * 0.8, (i / width) * 1.0, 128], i * 3);
      const before = (await readdir(images, { recursive: true })).length;
      const answer = await uploadFrom(app.baseUrl, new Uint8Array(await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg().toBuffer()));
      const after = (await readdir(images, { recursive: true })).length;
      return [`${answer.status} ${answer.code}; files ${before} → ${after}`, answer.status === 422 && answer.code === 'no_face' && after === before];
    });
    await guarded('8', 'photo and crop: caching, revalidation, DELETE', 'private, no-cache + ETag; 304; 404 after DELETE', async () => {
      const { id, deleteToken } = JSON.parse((await uploadFrom(app.baseUrl, await readPhoto())).body) as { id: string; deleteToken: string };
      const first = await send(`${app.baseUrl}/api/recognitions/${id}/image`);
      const again = await send(`${app.baseUrl}/api/recognitions/${id}/image`, { headers: { 'if-none-match': String(first.headers.etag) } });
      await send(`${app.baseUrl}/api/recognitions/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${deleteToken}` } });
      const after = await send(`${app.baseUrl}/api/recognitions/${id}/image`, { headers: { 'if-none-match': String(first.headers.etag) } });
      const crop = await send(`${app.baseUrl}/api/recognitions/${id}/faces/0`);
      return [`"${first.headers['cache-control']}", ETag ${first.headers.etag}; revalidated ${again.status}; after DELETE ${after.status}, crop ${crop.status}`,
        first.headers['cache-control'] === 'private, no-cache' && again.status === 304 && after.status === 404 && crop.status === 404];
    });
    await guarded('9', 'DELETE while the photo cannot be removed (a directory in its place)', '503 delete_incomplete, hidden; 204 once removable', async () => {
      const { id, deleteToken } = JSON.parse((await uploadFrom(app.baseUrl, await readPhoto())).body) as { id: string; deleteToken: string };
      const file = join(images, id.slice(0, 2), `${id}.jpg`);
      await rm(file);
      await mkdir(file);
      await writeFile(join(file, 'pinned'), 'x');
      const auth = { authorization: `Bearer ${deleteToken}` };
      const failed = await send(`${app.baseUrl}/api/recognitions/${id}`, { method: 'DELETE', headers: auth });
      const hidden = await send(`${app.baseUrl}/api/recognitions/${id}`);
      await rm(file, { recursive: true });
      const retried = await send(`${app.baseUrl}/api/recognitions/${id}`, { method: 'DELETE', headers: auth });
      return [`${failed.status} ${failed.code}; GET ${hidden.status}; retry ${retried.status}`, failed.code === 'delete_incomplete' && hidden.status === 404 && retried.status === 204];
    });
  } finally {
    await app.stop();
  }
}

/** Item 9's gallery part: every file of a gallery save and its folder are fsynced (strace counts the calls). */
async function gallerySyncSection(): Promise<void> {
  await guarded('9', 'operator gallery save (lib/gallery saveGallery)', 'files and folder fsynced like result writes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-gallery-sync-'));
    const script = join(dir, 'save.mts');
    await writeFile(script, `import { createGallery, ensurePerson, addEmbedding, saveGallery } from ${JSON.stringify(join(root, 'lib/gallery'))};
const g = createGallery(); const p = ensurePerson(g, 'Ada Lovelace'); addEmbedding(g, p, new Float32Array(g.dims).fill(0.1), 'a.jpg');
await saveGallery(${JSON.stringify(join(dir, 'gallery'))}, g);\n`);
    const trace = join(dir, 'trace');
    const result = spawnSync('strace', ['-f', '-qq', '-e', 'trace=fsync,fdatasync', '-o', trace, process.execPath, '--import', 'tsx', script], { cwd: root, encoding: 'utf8' });
    if (result.error || result.status !== 0) throw new Error(`strace: ${result.error?.message ?? result.stderr.slice(-300)}`);
    const syncs = (await readFile(trace, 'utf8')).split('\n').filter((line) => /f(data)?sync\((?![12]\))\d+\)/.test(line)).length;
    await rm(dir, { recursive: true, force: true });
    return [`${syncs} fsync calls for one save (matrix file, gallery.json, their folder)`, syncs >= 4];
  });
}

/** Item 10: non-finite arguments at the C boundary, and the 2,000-case fuzz, in child processes. */
async function nativeSection(): Promise<void> {
  await guarded('10', 'NaN / ±Infinity in every numeric argument (addon, engine kernels, JS twin, decode)', 'TypeError every time, no crash', async () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/fuzz/non-finite-child.ts'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    const lines = child.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { done?: true; outcome?: string });
    const calls = lines.filter((line) => !line.done);
    const refused = calls.filter((call) => call.outcome === 'TypeError').length;
    return [`${refused}/${calls.length} TypeError; exit ${child.status ?? child.signal}`, child.status === 0 && refused === calls.length && calls.length > 0];
  });
  await guarded('10', 'fuzz: 2,000 mutated JPEGs through the addon and sharp', '0 crashes; each a result or a clean error', async () => {
    const started = performance.now();
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/fuzz/jpeg-fuzz-child.ts', '2000', '21'], { cwd: root, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
    const lines = child.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, string | number>);
    const cases = lines.filter((line) => line.done === undefined);
    const clean = /^(result|fallback:\w+|error:\w*Error)$/;
    const unclean = cases.filter((c) => !['addon', 'sharpMeta', 'sharpDecode', 'walkers'].every((key) => clean.test(String(c[key]))));
    const decoded = (key: string) => cases.filter((c) => c[key] === 'result').length;
    return [`${cases.length} cases in ${((performance.now() - started) / 1000).toFixed(1)} s, exit ${child.status ?? child.signal}, unclean ${unclean.length}; decoded by the addon ${decoded('addon')}, by sharp ${decoded('sharpDecode')}`,
      child.status === 0 && cases.length === 2000 && unclean.length === 0];
  });
}

/** 64 concurrent 10 MB uploads through nginx against one pm2 worker; plus the nginx cases (items 1, 2, 5, 8). */
async function stackSection(): Promise<void> {
  const work = join(HARDENING_ROOT, 'report-stack');
  await rm(work, { recursive: true, force: true });
  const maxMemoryRestart = 800;
  const stack = await startStack(work, {
    WEB_CONCURRENCY: '1', MAX_MEMORY_RESTART: `${maxMemoryRestart}M`,
    REKOGNITION_ACCESS_KEY_ID: SMOKE_REKOGNITION_KEYS.accessKeyId, REKOGNITION_SECRET_ACCESS_KEY: SMOKE_REKOGNITION_KEYS.secretAccessKey,
  });
  try {
    const ageitgey = resolve(root, process.env.DATASETS_DIR ?? '../shared/datasets', 'raw/face_recognition_ageitgey/examples');
    await guarded('1', 'nginx: 30 simultaneous uploads / Rekognition calls from one address', '429 JSON / AWS with Retry-After; other client 201', async () => {
      const failures: string[] = [];
      await checkNginxLimits(stack.base, join(ageitgey, 'obama_small.jpg'), (ok, message) => void (ok || failures.push(message)));
      return [failures.length === 0 ? 'as expected' : failures.join('; '), failures.length === 0];
    });
    await guarded('5', 'nginx on a test port: SDK-signed RecognizeCelebrities; wrong secret; unsigned', 'verifies (Host with port); refused; refused', async () => {
      const failures: string[] = [];
      await checkSignedThroughNginx(stack.base, join(ageitgey, 'obama-1080p.jpg'), (ok, message) => void (ok || failures.push(message)));
      return [failures.length === 0 ? 'as expected' : failures.join('; '), failures.length === 0];
    });
    await guarded('8', 'nginx: photo after DELETE', '404 (no cache in between keeps it)', async () => {
      const failures: string[] = [];
      await checkDeletedIsGone(stack.base, join(ageitgey, 'obama_small.jpg'), (ok, message) => void (ok || failures.push(message)));
      return [failures.length === 0 ? 'as expected' : failures.join('; '), failures.length === 0];
    });
    // A real 10 MB upload: a 5600 px photo (≈31 MP to decode) padded to just under the limit.
    const big = await sharp(await readPhoto(REAL_PHOTOS[2])).resize(5600, 5600, { fit: 'fill' }).jpeg({ quality: 95 }).toBuffer();
    const photo = paddedTo(big, limits.maxUploadBytes - 4096);
    const { body, contentType } = await multipart(photo);
    const [worker] = stack.pm2.workers();
    if (!worker) throw new Error('no pm2 worker');
    const rssMb = (key: 'VmRSS' | 'VmHWM') => {
      try {
        return Number(new RegExp(`${key}:\\s+(\\d+)`).exec(readFileSync(`/proc/${worker.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
      } catch {
        return 0;
      }
    };
    const baseline = Math.round(rssMb('VmRSS'));
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb('VmRSS'))), 20);
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 64 }, (_, i) =>
      send(`${stack.base}/api/recognitions`, { method: 'POST', body, from: `127.0.1.${i + 1}`, headers: { 'content-type': contentType }, timeoutMs: 120_000 })
        .catch((error: Error) => ({ status: 0, code: error.message } as Answer))));
    clearInterval(sampler);
    const after = stack.pm2.workers()[0];
    const hwm = rssMb('VmHWM');
    const by = tally(answers);
    const restarts = after?.restarts ?? -1;
    row('2', '64 concurrent 10 MB uploads (31 MP photos) through nginx, one pm2 worker', `RSS < max_memory_restart ${maxMemoryRestart} MB; 0 pm2 restarts; the rest refused 503`,
      `peak RSS ${Math.round(Math.max(peak, hwm))} MB; restarts ${restarts}; ${Object.entries(by).map(([s, n]) => `${n} × ${s}`).join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      Math.max(peak, hwm) < maxMemoryRestart && restarts === 0 && after?.pid === worker.pid && (by[0] ?? 0) === 0 && Object.keys(by).every((s) => s === '201' || s === '503'));
    figures.push(`peak RSS of the one pm2 worker under 64 concurrent 10 MB uploads: ${Math.round(Math.max(peak, hwm))} MB (sampled every 20 ms: ${Math.round(peak)} MB; VmHWM ${Math.round(hwm)} MB; before ${baseline} MB; max_memory_restart ${maxMemoryRestart} MB); answers ${Object.entries(by).map(([s, n]) => `${n} × ${s}`).join(', ')}; pm2 restarts ${restarts}`);
  } finally {
    stack.stop();
  }
}

function table(): string {
  const cells = [['#', 'case', 'expected', 'got', 'pass'], ...rows.map((r) => [r.item, r.name, r.expected, r.got, r.pass ? 'yes' : 'NO'])];
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  return cells.map((cell) => `| ${cell.map(escape).join(' | ')} |`).join('\n').replace(/\n/, `\n|${'---|'.repeat(5)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'load-duration': { type: 'string', default: '15' }, 'skip-stack': { type: 'boolean', default: false }, only: { type: 'string' } } });
  const photo = await readPhoto();
  const sections: Record<string, () => Promise<void>> = {
    corpus: corpusSection,
    limits: () => limitsSection(photo),
    flood: () => floodSection(photo),
    deadlines: async () => deadlineSection(photo, await crowdPhoto()),
    healing: () => selfHealingSection(photo),
    leftovers: leftoversSection,
    gallery: gallerySyncSection,
    native: nativeSection,
    stack: stackSection,
    load: async () => {
      const load = await benchLoad({ durationS: Number(values['load-duration']), factor: 4, port: 3461 });
      row('overload', `bench:load ${values['load-duration']} s at 4× the sustainable rate`, 'only 201 and 503; no other 5xx, no connection errors',
        Object.entries(load.byStatus).map(([s, n]) => `${n} × ${s}`).join(', '), load.unexpected5xx === 0 && load.connectionErrors === 0);
      figures.push(`load (bench:load):\n${formatLoad(load).replace(/^/gm, '  ')}`);
    },
    crash: async () => {
      const crashDir = join(HARDENING_ROOT, 'report-crash');
      await rm(crashDir, { recursive: true, force: true });
      const crash = await runCrashTest(3462, crashDir);
      row('crash', `SIGKILL after ${crash.acknowledged} acknowledged uploads, ${crash.inFlightAtKill} in flight; restart`, 'every acknowledged result and photo intact',
        `${crash.acknowledgedIntact}/${crash.acknowledged} acknowledged intact, ${crash.rowsIntact}/${crash.rowsAfterRestart} rows intact, ${crash.missing.length} missing`,
        crash.acknowledgedIntact === crash.acknowledged && crash.rowsIntact === crash.rowsAfterRestart && crash.missing.length === 0);
    },
  };
  // --only a,b runs some sections (while working on them); --skip-stack leaves out pm2 + nginx.
  const chosen = values.only ? values.only.split(',') : Object.keys(sections).filter((name) => !(values['skip-stack'] && name === 'stack'));
  for (const name of chosen) {
    const section = sections[name];
    if (!section) throw new Error(`unknown section ${name}; sections: ${Object.keys(sections).join(', ')}`);
    await section();
  }

  console.log(`## Robustness report (${new Date().toISOString().slice(0, 10)})\n`);
  console.log(table());
  console.log(`\n${rows.filter((r) => r.pass).length}/${rows.length} cases pass\n\n## Figures\n`);
  for (const line of figures) console.log(line.startsWith('  ') ? line : `- ${line}`);
  process.exitCode = rows.every((r) => r.pass) ? 0 : 1;
}

void main();
