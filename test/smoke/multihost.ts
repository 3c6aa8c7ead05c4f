/**
 * npm run smoke:multihost — two app hosts sharing one PostgreSQL and one S3-compatible bucket, behind one
 * nginx upstream, as deploy/multi-host.md sets them up:
 *   a real PostgreSQL from Debian's packages (initdb into a temp folder as an unprivileged user, own port),
 *   s3rver on the loopback standing in for S3 (test/support/s3-server.ts says why it fits),
 *   host A and host B: the same standalone release (built once), each under its own pm2 (own PM2_HOME,
 *   cluster mode, 2 workers) on its own port, with its own DATA_DIR,
 *   one private nginx whose upstream holds both hosts (deploy/nginx/celebrity-finder.conf, upstream widened).
 * Checks: uploads through nginx land on both hosts; every result is readable and deletable through the
 * other host; a person imported through host A's configuration is named by host B within 2 s of the
 * commit, and no longer named within 2 s of their removal; `kill -9` of every process of host A during a
 * request stream loses no acknowledged result, and nginx moves the stream to host B with failures only among
 * the requests in flight at the kill; a short video uploaded through host A is followed, played (Range) and
 * deleted through host B, and StartCelebrityRecognition reads an S3Object from the bucket (the real AWS SDK).
 * Env: DATASETS_DIR (default ../shared/datasets), SMOKE_TMP (default /tmp/cf-multihost), SMOKE_REBUILD=1.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import {
  AccessDeniedException, GetCelebrityRecognitionCommand, InvalidS3ObjectException, RekognitionClient, StartCelebrityRecognitionCommand,
} from '@aws-sdk/client-rekognition';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { startPostgres, postgresBin, type PostgresServer } from '../support/postgres-server';
import { uploadFrom } from '../hardening/harness/clients';
import { startS3, type S3Server } from '../support/s3-server';
import { buildSlideshow, type Slide } from '../video/clip';
import { createPrivateNginx, ensureNginx, isAlive, renderSite, type PrivateNginx } from './nginx';
import { createPm2, type Pm2 } from './pm2';
import { freePort, run, step, timings, waitFor } from './run';
import { buildIfStale, repoRoot as root } from './stack';

const datasets = resolve(root, process.env.DATASETS_DIR ?? '../shared/datasets');
const examples = join(datasets, 'raw', 'face_recognition_ageitgey', 'examples');
const streamPhotos = ['obama.jpg', 'biden.jpg', 'obama_small.jpg', 'knn_examples/test/obama1.jpg'].map((f) => join(examples, f));
const newPerson = { name: 'Alex Lacamoire', folder: join(examples, 'knn_examples', 'train', 'alex_lacamoire'), probe: join(examples, 'knn_examples', 'test', 'alex_lacamoire1.jpg') };
const PROPAGATION_LIMIT_MS = 2_000;
/** The smoke's Rekognition keys (both hosts check SigV4 with them). */
const REKOGNITION_KEYS = { accessKeyId: 'AKIDMULTIHOSTSMOKE', secretAccessKey: 'multihost-smoke-secret' };
/** A 6 s clip (12 sampled frames, two progress checkpoints): Obama, black, a group of strangers. */
const videoSlides: Slide[] = [
  { photo: 'raw/face_recognition_ageitgey/examples/obama2.jpg', fromMs: 0, toMs: 2_000 },
  { photo: null, fromMs: 2_000, toMs: 2_500 },
  { photo: 'raw/five_celebrity_jasmcaus/Resources/Photos/group 2.jpg', fromMs: 2_500, toMs: 6_000 },
];
const VIDEO_MS = 6_000;

interface Host {
  name: 'A' | 'B';
  port: number;
  base: string;
  env: NodeJS.ProcessEnv;
  pm2: Pm2;
  logFile: string;
  pids: number[];
}

interface Created {
  id: string;
  deleteToken: string;
  requestId: string;
  result: { CelebrityFaces: Array<{ Name: string }>; UnrecognizedFaces: unknown[] };
}

const checks: string[] = [];
const figures: string[] = [];

function expect(condition: boolean, message: string): void {
  if (!condition) throw new Error(`check failed: ${message}`);
  checks.push(message);
}

/**
 * POSTs a photo as the upload form does, from source address `from` (a client of its own: the nginx site
 * limits each client to 2 recognitions a second after a burst of 20, and 4 at once).
 */
async function uploadTo(base: string, path: string, from = '127.0.0.1'): Promise<{ status: number; body: string; requestId: string }> {
  const answer = await uploadFrom(base, new Uint8Array(readFileSync(path)), from);
  return { status: answer.status, body: answer.body, requestId: String(answer.headers['x-request-id'] ?? '') };
}

/**
 * Which host answered a request: the one whose log has a line with its request id. pm2 writes the workers'
 * lines a moment after the answer left, so it looks again for up to 5 s.
 */
async function hostOf(hosts: readonly Host[], requestId: string): Promise<Host['name'] | null> {
  for (let waited = 0; ; waited += 100) {
    const owners = hosts.filter((host) => readFileSync(host.logFile, 'utf8').includes(`"reqId":"${requestId}"`));
    if (owners.length > 0 || waited >= 5_000) return owners.length === 1 ? owners[0]!.name : null;
    await new Promise((done) => setTimeout(done, 100));
  }
}

function namesIn(body: string): string[] {
  return (JSON.parse(body) as Created).result.CelebrityFaces.map((c) => c.Name);
}

/** The site config with its upstream holding both hosts (round robin; a refused connection moves to the next). */
function multiHostSite(nginxPort: number, hosts: readonly Host[]): string {
  const site = renderSite(readFileSync(join(root, 'deploy', 'nginx', 'celebrity-finder.conf'), 'utf8'), nginxPort, hosts[0]!.port);
  return site.replace(`server 127.0.0.1:${hosts[0]!.port};`, hosts.map((h) => `server 127.0.0.1:${h.port};`).join('\n    '));
}

async function startHost(name: Host['name'], work: string, shared: Record<string, string>): Promise<Host> {
  const dir = join(work, `host-${name}`);
  const port = await freePort(name === 'A' ? 3450 : 3475, name === 'A' ? 3474 : 3499);
  const env: NodeJS.ProcessEnv = {
    ...process.env, ...shared, PM2_HOME: join(dir, 'pm2'), PM2_APP_NAME: `cf-multihost-${name}-${process.pid}`, PORT: String(port),
    DATA_DIR: join(dir, 'data'), LOG_DIR: join(dir, 'logs'), WEB_CONCURRENCY: '2',
  };
  const pm2 = createPm2(root, env, env.PM2_APP_NAME!);
  pm2.start();
  const pids = [...pm2.workers().map((w) => w.pid), Number(readFileSync(join(dir, 'pm2', 'pm2.pid'), 'utf8'))];
  return { name, port, base: `http://127.0.0.1:${port}`, env, pm2, logFile: join(dir, 'logs', 'app-out.log'), pids };
}

async function checkSpread(base: string, hosts: readonly Host[]): Promise<Array<Created & { host: Host['name'] }>> {
  const created: Array<Created & { host: Host['name'] }> = [];
  for (let i = 0; i < 8; i += 1) {
    const answer = await uploadTo(base, streamPhotos[i % streamPhotos.length]!);
    expect(answer.status === 201, `upload ${i + 1} through nginx answers 201 (got ${answer.status}: ${answer.body.slice(0, 160)})`);
    const host = await hostOf(hosts, answer.requestId);
    expect(host !== null, `upload ${i + 1} was served by exactly one host (request id ${answer.requestId})`);
    created.push({ ...(JSON.parse(answer.body) as Created), requestId: answer.requestId, host: host! });
  }
  const onA = created.filter((c) => c.host === 'A').length;
  expect(onA > 0 && onA < created.length, `uploads through nginx landed on both hosts (A ${onA}, B ${created.length - onA})`);
  return created;
}

async function checkCrossHost(created: Array<Created & { host: Host['name'] }>, hosts: readonly Host[]): Promise<void> {
  const other = (name: Host['name']) => hosts.find((h) => h.name !== name)!;
  for (const result of created) {
    const [here, there] = [hosts.find((h) => h.name === result.host)!, other(result.host)];
    const read = await fetch(`${there.base}/api/recognitions/${result.id}`);
    const body = (await read.json()) as { id: string; result: Created['result'] };
    const photoThere = new Uint8Array(await (await fetch(`${there.base}/api/recognitions/${result.id}/image`)).arrayBuffer());
    const photoHere = new Uint8Array(await (await fetch(`${here.base}/api/recognitions/${result.id}/image`)).arrayBuffer());
    expect(read.status === 200 && body.id === result.id && JSON.stringify(body.result) === JSON.stringify(result.result),
      `result ${result.id} stored by host ${here.name} is read through host ${there.name}`);
    expect(photoThere.byteLength > 1000 && Buffer.compare(Buffer.from(photoThere), Buffer.from(photoHere)) === 0,
      `its photo (${photoThere.byteLength} bytes, from the bucket) is the same through both hosts`);
    const face = await fetch(`${there.base}/api/recognitions/${result.id}/faces/0`);
    expect(face.status === 200 && (face.headers.get('content-type') ?? '').startsWith('image/jpeg'), `its face crop is served by host ${there.name}`);
  }
  for (const result of created.filter((_, i) => i % 2 === 0)) {
    const [here, there] = [hosts.find((h) => h.name === result.host)!, other(result.host)];
    const deleted = await fetch(`${there.base}/api/recognitions/${result.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${result.deleteToken}` } });
    const gone = await fetch(`${here.base}/api/recognitions/${result.id}`);
    const photoGone = await fetch(`${here.base}/api/recognitions/${result.id}/image`);
    expect(deleted.status === 204 && gone.status === 404 && photoGone.status === 404,
      `result ${result.id} of host ${here.name} deleted through host ${there.name} (${deleted.status}); host ${here.name} answers 404 for it and its photo`);
  }
}

/**
 * Runs a CLI without blocking this process: s3rver and the poller of host B live in it and must keep
 * answering meanwhile. Rejects with its output when it fails.
 */
function runAsync(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise();
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${output.slice(-3000)}`));
    });
  });
}

/** Commit time of the last gallery or opt-out change (track_commit_timestamp is on in the test cluster). */
async function lastGalleryCommit(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ at: Date }>('SELECT pg_xact_commit_timestamp(xmin) AS at FROM gallery_state');
    return rows[0]!.at.getTime();
  } finally {
    await client.end();
  }
}

/**
 * Runs `change` (a CLI with host A's environment) while host B is asked about the new person's photo every
 * 100 ms; resolves to how long after the change's commit host B first answered as `named` wants, then
 * checks the next answers (both of B's workers) agree.
 */
async function propagation(hostB: Host, url: string, named: boolean, change: () => Promise<void>): Promise<{ ms: number; requestMs: number }> {
  let stop = false;
  const seen: Array<{ sent: number; at: number; named: boolean }> = [];
  // Three staggered lanes: an answer every ~1/3 of a recognition's time, so the figure is not mostly polling.
  const lane = async (delay: number) => {
    await new Promise((done) => setTimeout(done, delay));
    while (!stop) {
      const sent = Date.now();
      const answer = await uploadTo(hostB.base, newPerson.probe);
      if (answer.status === 201) seen.push({ sent, at: Date.now(), named: namesIn(answer.body).includes(newPerson.name) });
      await new Promise((done) => setTimeout(done, 30));
    }
  };
  const poller = Promise.all([0, 40, 80].map(lane));
  try {
    await change();
    const committed = await lastGalleryCommit(url);
    // The first answer after the commit that reflects it, counted at its end: an upper bound of the delay.
    const firstOf = () => seen.filter((s) => s.at > committed && s.named === named).sort((a, b) => a.at - b.at)[0];
    await waitFor(`host B to ${named ? 'name' : 'stop naming'} ${newPerson.name}, and 4 answers more`, async () => {
      const first = firstOf();
      return first !== undefined && seen.filter((s) => s.sent >= first.at).length >= 4;
    }, 15_000);
    const first = firstOf()!;
    const after = seen.filter((s) => s.sent >= first.at).sort((a, b) => a.at - b.at).slice(0, 4);
    expect(after.length === 4 && after.every((s) => s.named === named), `host B's answers to requests sent after that one agree (${after.map((s) => s.named).join(',')})`);
    return { ms: first.at - committed, requestMs: first.at - first.sent };
  } finally {
    stop = true;
    await poller;
  }
}

async function checkGallery(work: string, hosts: readonly Host[], url: string): Promise<void> {
  const [hostA, hostB] = hosts as [Host, Host];
  const before = await uploadTo(hostB.base, newPerson.probe);
  expect(before.status === 201 && !namesIn(before.body).includes(newPerson.name), `host B does not know ${newPerson.name} before the import`);
  const people = join(work, 'people');
  mkdirSync(people, { recursive: true });
  symlinkSync(newPerson.folder, join(people, newPerson.name.replace(/ /g, '_')));
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  const added = await propagation(hostB, url, true, () => runAsync(tsx, ['scripts/gallery-import.ts', people], hostA.env));
  figures.push(`person added through host A: named by host B in an answer ending ${added.ms} ms after the commit (that request took ${added.requestMs} ms)`);
  expect(added.ms < PROPAGATION_LIMIT_MS, `${newPerson.name} imported with host A's settings is named by host B ${added.ms} ms after the commit (limit ${PROPAGATION_LIMIT_MS} ms)`);
  const viaA = await uploadTo(hostA.base, newPerson.probe);
  expect(namesIn(viaA.body).includes(newPerson.name), `host A names ${newPerson.name} too`);
  const removed = await propagation(hostB, url, false, () => runAsync(tsx, ['scripts/gallery-remove.ts', newPerson.name], hostA.env));
  figures.push(`person removed through host A: no longer named by host B in an answer ending ${removed.ms} ms after the commit (that request took ${removed.requestMs} ms)`);
  expect(removed.ms < PROPAGATION_LIMIT_MS, `${newPerson.name} removed with host A's settings is no longer named by host B ${removed.ms} ms after the commit`);
}

interface VideoAnswer {
  status: string;
  statusMessage?: string;
  progress: { framesDone: number; framesPlanned: number; percent: number };
  unknownPersons: Array<{ name: string; appearances: unknown }>;
  celebrities: unknown[];
}

/** Reads a video's state through `host` every 150 ms until it is done or failed; every progress seen, in order. */
async function followVideo(host: Host, id: string, timeoutMs: number): Promise<{ final: VideoAnswer; seen: VideoAnswer[] }> {
  const seen: VideoAnswer[] = [];
  for (const started = Date.now(); Date.now() - started < timeoutMs;) {
    const answer = await fetch(`${host.base}/api/videos/${id}`);
    if (answer.status !== 200) throw new Error(`GET /api/videos/${id} through host ${host.name} answered ${answer.status}`);
    const body = (await answer.json()) as VideoAnswer;
    seen.push(body);
    if (body.status === 'done' || body.status === 'failed') return { final: body, seen };
    await new Promise((done) => setTimeout(done, 150));
  }
  throw new Error(`video ${id} was not done within ${timeoutMs} ms (last: ${JSON.stringify(seen.at(-1)?.progress)})`);
}

async function objectKeys(s3: S3Server, prefix: string): Promise<string[]> {
  const { createS3Objects } = await import('../../lib/store/s3-objects');
  const objects = createS3Objects({
    bucket: s3.bucket, prefix: '', endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, timeoutMs: 5_000, maxAttempts: 2,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  const keys: string[] = [];
  for await (const page of objects.list(prefix)) keys.push(...page.map((o) => o.key));
  return keys;
}

/**
 * Issue #23 across hosts: a clip uploaded through host A is followed through host B (progress, then the
 * result), played from host B with a Range request (the bytes from the bucket), and deleted through host B
 * (rows and objects gone, host A answers 404). Then the Rekognition API: the clip put in the bucket as a
 * client would, StartCelebrityRecognition with Video.S3Object through host A, GetCelebrityRecognition through
 * host B; another bucket and a missing key refused as AWS would.
 */
async function checkVideo(work: string, hosts: readonly Host[], s3: S3Server, url: string): Promise<void> {
  const [hostA, hostB] = hosts as [Host, Host];
  const clipPath = join(work, 'clip.mp4');
  buildSlideshow(videoSlides, clipPath, { width: 480, height: 270 });
  const clip = readFileSync(clipPath);
  const form = new FormData();
  form.append('video', new Blob([clip], { type: 'video/mp4' }), 'clip.mp4');
  const uploaded = await fetch(`${hostA.base}/api/videos`, { method: 'POST', body: form });
  const created = (await uploaded.json()) as { id: string; deleteToken: string };
  expect(uploaded.status === 202 && typeof created.id === 'string', `a ${clip.byteLength}-byte clip uploaded through host A answers 202 (${uploaded.status})`);
  const started = Date.now();
  const { final, seen } = await followVideo(hostB, created.id, 60_000);
  const percents = seen.map((s) => s.progress.percent);
  figures.push(`video through host A, followed through host B: done in ${Date.now() - started} ms, progress seen ${[...new Set(percents)].join(' → ')} %`);
  expect(final.status === 'done' && final.progress.framesDone === final.progress.framesPlanned && final.progress.framesPlanned >= (VIDEO_MS / 500) - 1,
    `host B shows the job's progress and its end: ${final.status}, ${final.progress.framesDone} of ${final.progress.framesPlanned} frames (${final.statusMessage ?? ''})`);
  expect(percents.every((p, i) => i === 0 || p >= percents[i - 1]!), 'the progress host B shows never goes back');
  expect(final.unknownPersons.length >= 1, `host B's result lists the faces found (${final.unknownPersons.length} unknown persons; no pack in this smoke)`);
  // The same people and spans through host A (its URLs name host A's address, so they are left out).
  const spans = (answer: VideoAnswer) => JSON.stringify(answer.unknownPersons.map(({ name, appearances }) => ({ name, appearances })));
  const viaA = (await (await fetch(`${hostA.base}/api/videos/${created.id}`)).json()) as VideoAnswer;
  expect(spans(viaA) === spans(final), 'host A answers the same people and spans');
  const ranged = await fetch(`${hostB.base}/api/videos/${created.id}/file`, { headers: { range: 'bytes=100-1099' } });
  const part = Buffer.from(await ranged.arrayBuffer());
  expect(ranged.status === 206 && ranged.headers.get('content-range') === `bytes 100-1099/${clip.byteLength}` && part.equals(clip.subarray(100, 1100)),
    `host B plays it: Range bytes=100-1099 answers 206 with the uploaded bytes (${ranged.headers.get('content-range')})`);
  const whole = Buffer.from(await (await fetch(`${hostB.base}/api/videos/${created.id}/file`)).arrayBuffer());
  expect(whole.equals(clip), 'the whole file from host B is the uploaded clip');
  expect((await objectKeys(s3, `videos/${created.id}/`)).length >= 2, 'the video and its poster are in the bucket');

  const wrongToken = await fetch(`${hostB.base}/api/videos/${created.id}`, { method: 'DELETE', headers: { authorization: 'Bearer wrong' } });
  const deleted = await fetch(`${hostB.base}/api/videos/${created.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${created.deleteToken}` } });
  const goneOnA = await fetch(`${hostA.base}/api/videos/${created.id}`);
  const fileGoneOnA = await fetch(`${hostA.base}/api/videos/${created.id}/file`);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const rows = await db.query('SELECT 1 FROM videos WHERE id = $1 UNION ALL SELECT 1 FROM video_frames WHERE video_id = $1', [created.id]).finally(() => db.end());
  const left = await objectKeys(s3, `videos/${created.id}/`);
  expect(wrongToken.status === 403 && deleted.status === 204 && goneOnA.status === 404 && fileGoneOnA.status === 404 && rows.rowCount === 0 && left.length === 0,
    `deleted through host B with its token (a wrong one 403): host A answers 404, no row and no object left (${left.length})`);

  // Rekognition's video API with an S3 object, as a client of AWS would call it.
  const name = 'incoming/smoke-clip.mp4';
  const s3Client = new S3Client({ region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
  await s3Client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: name, Body: clip, ContentType: 'video/mp4' }));
  const rekognition = (host: Host) => new RekognitionClient({ region: 'us-east-1', endpoint: `${host.base}/api/rekognition`, credentials: REKOGNITION_KEYS, maxAttempts: 1 });
  const { JobId } = await rekognition(hostA).send(new StartCelebrityRecognitionCommand({ Video: { S3Object: { Bucket: s3.bucket, Name: name } }, JobTag: 'smoke' }));
  let page = await rekognition(hostB).send(new GetCelebrityRecognitionCommand({ JobId }));
  for (const t = Date.now(); page.JobStatus === 'IN_PROGRESS' && Date.now() - t < 60_000;) {
    await new Promise((done) => setTimeout(done, 250));
    page = await rekognition(hostB).send(new GetCelebrityRecognitionCommand({ JobId }));
  }
  expect(page.JobStatus === 'SUCCEEDED' && page.Video?.S3Object?.Bucket === s3.bucket && page.Video.S3Object.Name === name && page.VideoMetadata?.DurationMillis === VIDEO_MS,
    `StartCelebrityRecognition on s3://${s3.bucket}/${name} through host A, GetCelebrityRecognition through host B: ${page.JobStatus}, ${page.VideoMetadata?.DurationMillis} ms (the real AWS SDK)`);
  const refused = async (request: StartCelebrityRecognitionCommand) => rekognition(hostB).send(request).then(() => null, (error: unknown) => error);
  const otherBucket = await refused(new StartCelebrityRecognitionCommand({ Video: { S3Object: { Bucket: 'someone-elses-bucket', Name: name } } }));
  const missing = await refused(new StartCelebrityRecognitionCommand({ Video: { S3Object: { Bucket: s3.bucket, Name: 'incoming/missing.mp4' } } }));
  expect(otherBucket instanceof AccessDeniedException && missing instanceof InvalidS3ObjectException,
    `another bucket answers AccessDeniedException, a missing key InvalidS3ObjectException (${(otherBucket as Error)?.name}, ${(missing as Error)?.name})`);
}

interface DyingJob {
  /** Every clip uploaded for the step (each must end done). */
  ids: string[];
  /** The one host A's runner holds. */
  id: string;
  owner: string;
  note: string;
}

async function videoRow(url: string, id: string): Promise<{ status: string; lease_owner: string | null; attempts: number; frames_done: number; frames_planned: number }> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    return (await db.query('SELECT status, lease_owner, attempts, frames_done, frames_planned FROM videos WHERE id = $1', [id])).rows[0];
  } finally {
    await db.end();
  }
}

/**
 * An 8-minute clip uploaded to host A just before it dies, until host A's runner holds one: usually the first (the
 * upload wakes the runner of the worker that took it), but a runner of host B may claim it first; B has two
 * job slots, so by the third upload a worker of host A holds one.
 */
async function startVideoOnA(work: string, hosts: readonly Host[], url: string): Promise<DyingJob> {
  const [hostA] = hosts as [Host, Host];
  const clipPath = join(work, 'long-clip.mp4');
  // 8 minutes (960 sampled frames): a fast host did a 30 s clip's 60 frames before the kill. 1 frame a
  // second and small: quick to make, and the job samples 2 a second anyway.
  buildSlideshow([
    { photo: 'raw/face_recognition_ageitgey/examples/obama.jpg', fromMs: 0, toMs: 240_000 },
    { photo: 'raw/face_recognition_ageitgey/examples/biden.jpg', fromMs: 240_000, toMs: 480_000 },
  ], clipPath, { width: 320, height: 180, fps: 1 });
  const clip = readFileSync(clipPath);
  const pidsOfA = hostA.pm2.workers().map((w) => String(w.pid));
  const ids: string[] = [];
  const owners: string[] = [];
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const form = new FormData();
    form.append('video', new Blob([clip], { type: 'video/mp4' }), 'long-clip.mp4');
    const uploaded = await fetch(`${hostA.base}/api/videos`, { method: 'POST', body: form });
    const { id } = (await uploaded.json()) as { id: string };
    expect(uploaded.status === 202, `an 8-minute clip uploaded through host A before the kill answers 202 (${uploaded.status})`);
    ids.push(id);
    let row = await videoRow(url, id);
    for (const t = Date.now(); row.status === 'queued' && Date.now() - t < 10_000; row = await videoRow(url, id)) await new Promise((done) => setTimeout(done, 50));
    const owner = row.lease_owner ?? 'nobody';
    owners.push(owner);
    if (pidsOfA.includes(owner.split(':').at(-1) ?? '')) {
      return { ids, id, owner, note: `held by host A's ${owner} (${row.frames_done} of ${row.frames_planned} frames); claims: ${owners.join(', ')}` };
    }
  }
  throw new Error(`no runner of host A (${pidsOfA.join(', ')}) took any of 3 clips uploaded to it: ${owners.join(', ')}`);
}

/**
 * The video job host A held when it died: host B takes it over once the lease (15 s) runs out, resumes it
 * from the stored frames and finishes it; nothing vanishes (nor does a job host B held from the start).
 */
async function checkVideoTakeover(job: DyingJob, hosts: readonly Host[], url: string): Promise<void> {
  const [, hostB] = hosts as [Host, Host];
  const atStart = await videoRow(url, job.id);
  const started = Date.now();
  for (const id of job.ids) {
    const { final } = await followVideo(hostB, id, 120_000);
    const row = await videoRow(url, id);
    expect(final.status === 'done' && row.frames_done === row.frames_planned,
      `the video job ${id}, running at the kill, is done, read through host B (${final.status}, ${row.frames_done} of ${row.frames_planned} frames)`);
  }
  const row = await videoRow(url, job.id);
  const doneByB = readFileSync(hostB.logFile, 'utf8').split('\n').some((line) => line.includes(job.id) && line.includes('"msg":"video: done"'));
  figures.push(`video job of the killed host: ${job.note}; at the kill's end ${atStart.status} with ${atStart.frames_done} of ${atStart.frames_planned} frames stored; done by host B ${Date.now() - started} ms later, attempt ${row.attempts}`);
  expect(atStart.status === 'processing' && row.attempts >= 2 && doneByB,
    `host A held a video job when it died (${job.owner}): host B took it over once the lease ran out, resumed it and finished it (attempt ${row.attempts})`);
}

interface Sent {
  started: number;
  ended: number;
  status: number;
  id?: string;
  requestId: string;
  error?: string;
}

/** Each lane of the kill stream is its own client and starts an upload at most every LANE_GAP_MS (under nginx's 2/s). */
const LANE_GAP_MS = 550;

async function checkKill(base: string, hosts: readonly Host[]): Promise<void> {
  const [hostA, hostB] = hosts as [Host, Host];
  const lanes = 6;
  const sent: Sent[] = [];
  let stop = false;
  let killedAt = Infinity;
  const lane = async (offset: number) => {
    const from = `127.0.0.${71 + offset}`;
    for (let i = offset; !stop && sent.length < 2000; i += 1) {
      const started = Date.now();
      try {
        const answer = await uploadTo(base, streamPhotos[i % streamPhotos.length]!, from);
        const id = answer.status === 201 ? (JSON.parse(answer.body) as Created).id : undefined;
        sent.push({ started, ended: Date.now(), status: answer.status, id, requestId: answer.requestId, ...(answer.status >= 400 ? { error: answer.body.slice(0, 120) } : {}) });
      } catch (error) {
        sent.push({ started, ended: Date.now(), status: 0, requestId: '', error: (error as Error).message });
      }
      const wait = started + LANE_GAP_MS - Date.now();
      if (wait > 0) await new Promise((done) => setTimeout(done, wait));
    }
  };
  const running = Array.from({ length: lanes }, (_, i) => lane(i));
  await new Promise((done) => setTimeout(done, 4_000));
  // Every process of host A at once: its pm2 daemon and its workers, as a machine that dies.
  const pids = [...new Set([...hostA.pids, ...hostA.pm2.workers().map((w) => w.pid)])];
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // SIGKILL is delivered, not done, when kill() returns: host A is down once its processes are gone, and an
  // upload sent before that moment was sent to a host in the middle of dying.
  await waitFor('host A\'s processes to be gone', async () => !pids.some(isAlive), 5_000);
  killedAt = Date.now();
  await new Promise((done) => setTimeout(done, 6_000));
  stop = true;
  await Promise.all(running);
  expect(pids.every((pid) => !isAlive(pid)), `kill -9 ended every process of host A (${pids.join(', ')})`);
  const beforeKill = sent.filter((s) => s.ended < killedAt && s.status === 201);
  const servedBy = await Promise.all(beforeKill.map((s) => hostOf(hosts, s.requestId)));
  const servedByA = servedBy.filter((host) => host === 'A').length;
  expect(servedByA > 0, `host A was serving the stream before the kill (${servedByA} of ${beforeKill.length} uploads)`);
  const failed = sent.filter((s) => s.status !== 201);
  const inFlight = failed.filter((s) => s.started < killedAt);
  const afterKill = sent.filter((s) => s.started >= killedAt);
  figures.push(`kill -9 stream: ${sent.length} uploads, ${failed.length} failed (${failed.map((f) => f.status || f.error).join(', ') || 'none'}), ${afterKill.length} sent after the kill`);
  expect(failed.length === inFlight.length && inFlight.length <= lanes,
    `only uploads in flight at the kill failed: ${failed.length} failures, all sent before it, at most one per lane (${lanes})`);
  const afterKillHosts = await Promise.all(afterKill.map((s) => hostOf(hosts, s.requestId)));
  expect(afterKill.length >= 10 && afterKill.every((s, i) => s.status === 201 && afterKillHosts[i] === 'B'),
    `nginx moved the stream to host B: all ${afterKill.length} uploads sent after the kill answered 201 from host B`);
  const acknowledged = sent.filter((s) => s.status === 201);
  let readable = 0;
  for (const s of acknowledged) {
    const [json, photo] = await Promise.all([fetch(`${hostB.base}/api/recognitions/${s.id}`), fetch(`${hostB.base}/api/recognitions/${s.id}/image`)]);
    if (json.status === 200 && photo.status === 200 && (await photo.arrayBuffer()).byteLength > 1000) readable += 1;
  }
  expect(readable === acknowledged.length, `no acknowledged result lost: all ${acknowledged.length} results answered 201 are readable with their photo through host B`);
}

async function main(): Promise<number> {
  const baseTmp = process.env.SMOKE_TMP ?? '/tmp/cf-multihost';
  mkdirSync(baseTmp, { recursive: true });
  const work = mkdtempSync(join(baseTmp, 'smoke-'));
  chmodSync(work, 0o755);
  let postgres: PostgresServer | undefined;
  let s3: S3Server | undefined;
  let nginx: PrivateNginx | undefined;
  const hosts: Host[] = [];
  let failure: unknown;
  const teardown = async () => {
    const problems: string[] = [];
    for (const host of hosts) {
      try {
        host.pm2.kill();
      } catch (error) {
        // Host A's daemon was killed on purpose; its pm2 has nothing left to stop.
        if (host.name !== 'A') problems.push(`pm2 kill host ${host.name}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    nginx?.stop();
    await s3?.stop().catch((error: Error) => problems.push(`s3 stop: ${error.message}`));
    try {
      postgres?.stop();
    } catch (error) {
      problems.push(`postgres stop: ${(error as Error).message}`);
    }
    const pids = hosts.flatMap((h) => [...h.pids]);
    await waitFor('every app process to exit', async () => !pids.some(isAlive), 10_000).catch(() => undefined);
    const left = pids.filter(isAlive);
    for (const pid of left) process.kill(pid, 'SIGKILL');
    if (left.length) problems.push(`processes still running after teardown, killed: ${left.join(', ')}`);
    return problems;
  };
  const onSignal = () => void teardown().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const nginxBinary = await step('nginx and PostgreSQL present', () => {
      postgresBin();
      return ensureNginx();
    });
    await step('models present', () => void run('node', ['server/setup-models.mjs'], { cwd: root }));
    checks.push(await step('standalone build, once for both hosts', () => buildIfStale(process.env)));
    [postgres, s3] = await step('PostgreSQL (initdb, own port) and s3rver on the loopback', () =>
      Promise.all([startPostgres({ parent: work, settings: { track_commit_timestamp: 'on' } }), startS3({ parent: work })]));
    const shared = {
      DATABASE_URL: postgres.url, ...s3.env, RECOGNIZER: 'local', CELEBRITY_PACK: 'off', LOG_LEVEL: 'info',
      // All test traffic comes from one address: the per-client limits would stand in the way of the stream.
      CLIENT_RECOGNITION_RATE: '0', CLIENT_API_RATE: '0', CLIENT_MAX_IN_FLIGHT: '0',
      REKOGNITION_ACCESS_KEY_ID: REKOGNITION_KEYS.accessKeyId, REKOGNITION_SECRET_ACCESS_KEY: REKOGNITION_KEYS.secretAccessKey,
    };
    hosts.push(await step('host A: pm2 start (2 workers)', () => startHost('A', work, shared)));
    hosts.push(await step('host B: pm2 start (2 workers)', () => startHost('B', work, shared)));
    const nginxPort = await freePort(8450, 8499);
    nginx = createPrivateNginx(nginxBinary, join(work, 'nginx'), multiHostSite(nginxPort, hosts));
    await step('nginx with both hosts in its upstream', () => nginx!.start());
    const base = `http://127.0.0.1:${nginxPort}`;
    await step('health 200 on both hosts and through nginx', () =>
      waitFor('health', async () => (await Promise.all([...hosts.map((h) => h.base), base].map((b) => fetch(`${b}/api/health`)))).every((r) => r.ok), 120_000));
    const created = await step('uploads through nginx land on both hosts', () => checkSpread(base, hosts));
    await step('results read and deleted through the other host', () => checkCrossHost(created, hosts));
    await step('video through host A, followed and deleted through host B', () => checkVideo(work, hosts, s3!, postgres!.url));
    await step('gallery change on host A reaches host B within 2 s', () => checkGallery(work, hosts, postgres!.url));
    const dying = await step('a video job running on host A', () => startVideoOnA(work, hosts, postgres!.url));
    await step('kill -9 of host A under a request stream', () => checkKill(base, hosts));
    await step('the dead host\'s video job taken over by host B', () => checkVideoTakeover(dying, hosts, postgres!.url));
  } catch (error) {
    failure = error;
  }
  const problems = await step('teardown', teardown).catch((error: Error) => [error.message]);
  console.log('\n=== smoke:multihost report ===');
  for (const t of timings) console.log(`${t.ok ? 'ok  ' : 'FAIL'} ${t.name.padEnd(56)} ${t.seconds.toFixed(1).padStart(6)} s`);
  for (const figure of figures) console.log(`figure: ${figure}`);
  for (const check of checks) console.log(`passed: ${check}`);
  for (const problem of problems) console.log(`teardown: ${problem}`);
  const total = timings.reduce((sum, t) => sum + t.seconds, 0);
  if (!failure && problems.length === 0) rmSync(work, { recursive: true, force: true });
  else console.log(`smoke: files kept in ${work}`);
  console.log(failure ? `RESULT: FAILED after ${total.toFixed(0)} s: ${(failure as Error).message}` : `RESULT: passed in ${total.toFixed(0)} s`);
  return failure || problems.length ? 1 : 0;
}

process.exitCode = await main();
