/**
 * The admin API on the production stack (issue #18's acceptance): a person in no set is added with three
 * photos through nginx, and a fourth photo through POST /api/recognitions names them within 2 s on every
 * pm2 worker; after DELETE the same photo is no longer named; a missing or wrong token gets 401 and
 * changes nothing. Which worker answered is read from the app's log (each line has the pid and the request
 * id nginx sent, which the app echoes as X-Request-Id).
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { uploadFrom } from '../hardening/harness/clients';

/** Norman Reedus (The Walking Dead's Daryl): in neither the celebrity pack nor the smoke gallery. */
const PERSON = 'Norman Reedus';
const enrol = ['daryl1.jpg', 'daryl2.jpg', 'daryl3.jpg'];
const probe = 'daryl4.jpg';
/** The acceptance's bound. */
const WITHIN_MS = 2_000;

interface Probe {
  /** ms after the change was acknowledged. */
  sentAt: number;
  named: boolean;
  requestId: string;
  pid?: number;
}

export interface PropagationReport {
  /** Per worker pid: the last probe sent before it named the person (or still named them), and its first probe that did, ms after the 201/204. */
  added: Record<number, { lastStale: number | null; firstFresh: number | null }>;
  removed: Record<number, { lastStale: number | null; firstFresh: number | null }>;
  probes: number;
}

function photo(datasets: string, file: string): Blob {
  return new Blob([new Uint8Array(readFileSync(join(datasets, 'raw/opencv4nodejs_twd/data/face-recognition/imgs', file)))], { type: 'image/jpeg' });
}

/** Probes come from 20 loopback addresses in turn, so the ~30 of this check stay inside the per-client limits (docs/hardening.md). */
let probesSent = 0;

async function recognize(base: string, image: Blob): Promise<{ names: string[]; requestId: string }> {
  const from = `127.0.0.${90 + (probesSent++ % 20)}`;
  const answer = await uploadFrom(base, new Uint8Array(await image.arrayBuffer()), from);
  const body = JSON.parse(answer.body) as { result?: { CelebrityFaces: Array<{ Name: string }> }; error?: { code: string } };
  if (answer.status !== 201) throw new Error(`POST /api/recognitions answered ${answer.status} ${JSON.stringify(body.error)}`);
  return { names: body.result!.CelebrityFaces.map((c) => c.Name), requestId: String(answer.headers['x-request-id'] ?? '') };
}

/** pid of the worker that logged each request id (pino JSON after pm2's timestamp). */
function pidsByRequest(logFile: string): Map<string, number> {
  const pids = new Map<string, number>();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    const start = line.indexOf('{');
    if (start < 0 || !line.includes('"reqId"')) continue;
    try {
      const entry = JSON.parse(line.slice(start)) as { reqId?: string; pid?: number };
      if (entry.reqId && entry.pid) pids.set(entry.reqId, entry.pid);
    } catch {
      // a line that is not JSON (pm2's own)
    }
  }
  return pids;
}

/**
 * From the moment a change is acknowledged: a probe every 200 ms for 2 s (concurrently, so a slow answer
 * does not delay the next), then four one after another (pm2 hands connections to workers in turn), each
 * asking whether the probe photo names PERSON.
 */
async function probeAfterChange(base: string, image: Blob, acknowledged: number): Promise<Probe[]> {
  const early = Array.from({ length: WITHIN_MS / 200 }, (_, k) => new Promise<Probe>((resolve, reject) => {
    setTimeout(() => {
      const sentAt = performance.now() - acknowledged;
      recognize(base, image).then(({ names, requestId }) => resolve({ sentAt, named: names.includes(PERSON), requestId }), reject);
    }, k * 200);
  }));
  const probes = await Promise.all(early);
  const waitUntil = acknowledged + WITHIN_MS - performance.now();
  if (waitUntil > 0) await new Promise((r) => setTimeout(r, waitUntil));
  for (let i = 0; i < 4; i++) {
    const sentAt = performance.now() - acknowledged;
    const { names, requestId } = await recognize(base, image);
    probes.push({ sentAt, named: names.includes(PERSON), requestId });
  }
  return probes;
}

function perWorker(probes: Probe[], fresh: (p: Probe) => boolean): Record<number, { lastStale: number | null; firstFresh: number | null }> {
  const out: Record<number, { lastStale: number | null; firstFresh: number | null }> = {};
  for (const p of [...probes].sort((a, b) => a.sentAt - b.sentAt)) {
    const worker = (out[p.pid ?? -1] ??= { lastStale: null, firstFresh: null });
    if (fresh(p)) worker.firstFresh ??= Math.round(p.sentAt);
    else worker.lastStale = Math.round(p.sentAt);
  }
  return out;
}

export async function checkAdminPeople(
  base: string, datasets: string, token: string, logDir: string, workerPids: number[], expect: (condition: boolean, message: string) => void,
): Promise<PropagationReport> {
  const auth = { authorization: `Bearer ${token}` };
  const image = photo(datasets, probe);
  const search = async () => ((await (await fetch(`${base}/api/admin/people?q=${encodeURIComponent(PERSON)}`, { headers: auth })).json()) as { total: number }).total;

  expect((await recognize(base, image)).names.length === 0, `${probe} names nobody before ${PERSON} is added`);
  const form = () => {
    const f = new FormData();
    f.set('name', PERSON);
    for (const file of enrol) f.append('photos', photo(datasets, file), file);
    return f;
  };
  const missing = await fetch(`${base}/api/admin/people`, { method: 'POST', body: form() });
  const wrong = await fetch(`${base}/api/admin/people`, { method: 'POST', body: form(), headers: { authorization: 'Bearer not-the-token-000000' } });
  expect(missing.status === 401 && wrong.status === 401 && (await search()) === 0, `POST /api/admin/people without a token and with a wrong one: 401, 401, and nobody added (${missing.status}, ${wrong.status})`);

  const created = await fetch(`${base}/api/admin/people`, { method: 'POST', body: form(), headers: auth });
  const addedAt = performance.now();
  const person = (await created.json()) as { id: string; name: string; samples: number };
  expect(created.status === 201 && person.name === PERSON && person.samples === 3, `POST /api/admin/people with 3 photos: 201 ${JSON.stringify(person)}`);
  const afterAdd = await probeAfterChange(base, image, addedAt);

  const deleted = await fetch(`${base}/api/admin/people/${person.id}`, { method: 'DELETE', headers: auth });
  const deletedAt = performance.now();
  expect(deleted.status === 204, `DELETE /api/admin/people/${person.id}: ${deleted.status}`);
  const afterDelete = await probeAfterChange(base, image, deletedAt);

  await new Promise((r) => setTimeout(r, 300)); // the last request's log line
  const pids = pidsByRequest(join(logDir, 'app-out.log'));
  for (const p of [...afterAdd, ...afterDelete]) p.pid = pids.get(p.requestId);
  const late = (probes: Probe[]) => probes.filter((p) => p.sentAt >= WITHIN_MS);
  const covers = (probes: Probe[]) => workerPids.every((pid) => probes.some((p) => p.pid === pid));
  expect(covers(late(afterAdd)) && covers(late(afterDelete)), `the probes after 2 s reached every worker (${workerPids.join(', ')})`);
  expect(late(afterAdd).every((p) => p.named), `${basename(probe)} names ${PERSON} on every worker from 2 s after the 201 (${late(afterAdd).map((p) => `pid ${p.pid} +${Math.round(p.sentAt)} ms`).join(', ')})`);
  expect(late(afterDelete).every((p) => !p.named), `after DELETE, ${basename(probe)} is no longer named on any worker from 2 s on`);
  return { added: perWorker(afterAdd, (p) => p.named), removed: perWorker(afterDelete, (p) => !p.named), probes: afterAdd.length + afterDelete.length };
}
