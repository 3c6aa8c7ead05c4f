/**
 * npm run eval:pack -- [--datasets ../shared/datasets] [--enrol 16] [--http] [--threshold 0.45] [--dev-fold N]
 * Held-out check of the celebrity pack, built the way the shipped one is (eval/pack/assemble.ts) from the
 * same embedding cache as gallery:build-pack, minus what it is probed with:
 * - known: photos enrol+1..20 of every pins_105 person (default 17-20), who keep photos 1..enrol in the trial pack;
 * - strangers: every photo of 15 pins_105 people found in no other set, and the one photo of 420 LFW people
 *   with a single photo, all left out of the trial pack.
 * A photo counts as named when its person is among the names given; wrong when any other name is given
 * (for the LFW strangers, on the photo's subject: the largest face nearest the centre, as LFW frames them).
 * Default: matching in process on the cached embeddings (the server's policy and its int8 storage);
 * --http: the trial pack served by the production server, every probe sent through POST /api/recognitions.
 * --dev-fold N: the same tally on fold N of the development split (eval/pack/dev-split.ts) instead, for choosing.
 * --pack-cache STEM: the trial pack's faces from another embedding cache (.cache/pack/embeddings-…-pN of an
 *   earlier pipeline version), the probes' from this engine's: whether a pack built before still serves it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EMBEDDING_MODEL_FILE } from '../lib/engine';
import {
  DEFAULT_MATCH_THRESHOLD, createPeopleIndex, decideMatch, decodePackRows, encodePackRows, fileSha256, normalizeName, pickSubjectFace, qualityOffset, searchPeople, writePack,
} from '../lib/gallery';
import { ensureProductionBuild, startApp } from '../test/rekognition/app-server';
import { assemblePack, genderVotePhotos } from './pack/assemble';
import { cachedFaceQuality, embedPhotos, packCacheFile, readEmbedCache, type CachedPhoto } from './pack/embed-cache';
import { splitDevelopment } from './pack/dev-split';
import { splitHeldOut, type Probe } from './pack/held-out';
import { listPackSources } from './pack/sources';

/** One face of a probe photo as the recognizer answered: its box (any units, with the photo's size) and name. */
interface AnsweredFace {
  box: { x: number; y: number; width: number; height: number };
  name: string | null;
}
interface Answer {
  width: number;
  height: number;
  faces: AnsweredFace[];
}

/** The names a probe counts: every face's, or for subject-only probes the subject face's alone. */
function namesCounted(probe: Probe, answer: Answer | undefined): string[] {
  if (!answer) return [];
  const faces = probe.subjectOnly ? [pickSubjectFace(answer.faces, answer.width, answer.height)].filter((f) => f !== undefined) : answer.faces;
  return faces.flatMap((f) => (f.name ? [f.name] : []));
}

/** What the server would answer for each probe photo, matched in process (flip-averaged embeddings, int8 pack rows). */
function answerInProcess(pack: ReturnType<typeof assemblePack>, faces: ReadonlyMap<string, CachedPhoto>, probes: readonly Probe[], threshold: number): Map<string, Answer> {
  const matrix = decodePackRows(encodePackRows(pack.matrix, 512), 512);
  const owners = new Int32Array(matrix.length / 512);
  let row = 0;
  pack.people.forEach((p, i) => owners.fill(i, row, (row += p.rows)));
  const index = createPeopleIndex(matrix, owners, 512);
  const out = new Map<string, Answer>();
  for (const probe of probes) {
    const photo = faces.get(probe.path);
    const decisions = (photo?.faces ?? []).map((face) => ({ face, decision: decideMatch(searchPeople(index, face.embedding), threshold, qualityOffset(cachedFaceQuality(face))) }));
    // As the recognizer does: one person at most once a photo, on their best face.
    const bestOf = new Map<number, number>();
    for (const { decision } of decisions) if (decision) bestOf.set(decision.person, Math.max(bestOf.get(decision.person) ?? -Infinity, decision.similarity));
    out.set(probe.path, {
      width: photo?.width ?? 0,
      height: photo?.height ?? 0,
      faces: decisions.map(({ face, decision }) => ({
        box: face.box,
        name: decision && bestOf.get(decision.person) === decision.similarity ? normalizeName(pack.people[decision.person]!.name) : null,
      })),
    });
  }
  return out;
}

type Box = { Left: number; Top: number; Width: number; Height: number };
const fromRatios = (b: Box) => ({ x: b.Left, y: b.Top, width: b.Width, height: b.Height });

/** What the production server answers for each probe photo through POST /api/recognitions, serving `pack`. */
async function answerOverHttp(pack: ReturnType<typeof assemblePack>, datasets: string, probes: readonly Probe[], modelDir: string): Promise<Map<string, Answer>> {
  const dir = await mkdtemp(join(tmpdir(), 'cf-eval-pack-'));
  try {
    await writePack(join(dir, 'pack'), { model: { file: EMBEDDING_MODEL_FILE, sha256: await fileSha256(join(modelDir, EMBEDDING_MODEL_FILE)) }, dims: 512, people: pack.people }, pack.matrix);
    ensureProductionBuild();
    // Every probe from one address: the per-client limits (docs/hardening.md) are off here.
    const app = await startApp(3490, { DATA_DIR: join(dir, 'data'), CELEBRITY_PACK: join(dir, 'pack'), RECOGNITION_QUEUE_DEPTH: '64', CLIENT_RECOGNITION_RATE: '0', CLIENT_MAX_IN_FLIGHT: '0', CLIENT_API_RATE: '0' });
    const out = new Map<string, Answer>();
    try {
      let next = 0;
      const lane = async () => {
        while (next < probes.length) {
          const probe = probes[next++]!;
          const form = new FormData();
          form.append('image', new Blob([await readFile(join(datasets, probe.path))]), basename(probe.path));
          const response = await fetch(`${app.baseUrl}/api/recognitions`, { method: 'POST', body: form });
          type Body = { result?: { CelebrityFaces: Array<{ Name: string; Face: { BoundingBox: Box } }>; UnrecognizedFaces: Array<{ BoundingBox: Box }> }; error?: { message: string } };
          const body = (await response.json()) as Body;
          if (response.status !== 201 && response.status !== 422) throw new Error(`${probe.path}: HTTP ${response.status} ${body.error?.message ?? ''}`);
          const faces = [
            ...(body.result?.CelebrityFaces ?? []).map((c) => ({ box: fromRatios(c.Face.BoundingBox), name: normalizeName(c.Name) })),
            ...(body.result?.UnrecognizedFaces ?? []).map((f) => ({ box: fromRatios(f.BoundingBox), name: null })),
          ];
          out.set(probe.path, { width: 1, height: 1, faces });
        }
      };
      await Promise.all([lane(), lane()]);
    } finally {
      await app.stop();
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      datasets: { type: 'string', default: process.env.DATASETS_DIR ?? '../shared/datasets' },
      models: { type: 'string', default: process.env.MODEL_DIR ?? 'models' },
      enrol: { type: 'string', default: '16' },
      threshold: { type: 'string', default: String(DEFAULT_MATCH_THRESHOLD) },
      http: { type: 'boolean', default: false },
      'dev-fold': { type: 'string' },
      'pack-cache': { type: 'string' },
    },
  });
  const datasets = resolve(values.datasets);
  const modelDir = resolve(values.models);
  const enrol = Number(values.enrol);
  const threshold = Number(values.threshold);
  const photos = await listPackSources(datasets);
  const devFold = values['dev-fold'];
  const { trial, probes } = devFold === undefined ? splitHeldOut(photos, enrol) : splitDevelopment(photos, Number(devFold));
  const modelHash = await fileSha256(join(modelDir, EMBEDDING_MODEL_FILE));
  const voters = genderVotePhotos(photos, 3);
  const faces = await embedPhotos(photos.map((p) => ({ path: p.path, attributes: voters.has(p.path) })), {
    root: datasets, modelDir, cacheFile: packCacheFile(modelHash),
  });
  // The trial pack from another cache, as a pack built by an earlier pipeline version would hold it.
  const packFaces = values['pack-cache'] ? await readEmbedCache(resolve(values['pack-cache'])) : faces;
  const pack = assemblePack(trial, packFaces);
  console.log(`trial pack: ${pack.people.length} people, ${pack.people.reduce((s, p) => s + p.rows, 0)} rows; ${probes.length} probe photos`);
  const answers = values.http ? await answerOverHttp(pack, datasets, probes, modelDir) : answerInProcess(pack, faces, probes, threshold);
  const rows: Record<string, { photos: number; named: number; wrong: number }> = {};
  for (const probe of probes) {
    const names = namesCounted(probe, answers.get(probe.path));
    const tally = (rows[probe.kind] ??= { photos: 0, named: 0, wrong: 0 });
    tally.photos += 1;
    if (probe.expected && names.includes(probe.expected)) tally.named += 1;
    if (names.some((n) => n !== probe.expected)) tally.wrong += 1;
  }
  const pct = (n: number, d: number) => `${((100 * n) / Math.max(d, 1)).toFixed(2)} %`;
  console.log(`\n${values.http ? 'POST /api/recognitions' : 'in process'}, threshold ${threshold}, ${devFold === undefined ? `held-out split, pins photos 1-${enrol} enrolled` : `development fold ${devFold}`}`);
  console.log('| probes | photos | named correctly | given a wrong name |');
  console.log('|---|---|---|---|');
  for (const [kind, t] of Object.entries(rows)) console.log(`| ${kind} | ${t.photos} | ${kind === 'known' ? pct(t.named, t.photos) : '-'} | ${pct(t.wrong, t.photos)} (${t.wrong}) |`);
  const all = Object.values(rows).reduce((a, t) => ({ photos: a.photos + t.photos, wrong: a.wrong + t.wrong }), { photos: 0, wrong: 0 });
  console.log(`| all | ${all.photos} | | ${pct(all.wrong, all.photos)} (${all.wrong}) |`);
  const known = rows.known ?? { photos: 0, named: 0, wrong: 0 };
  console.log(JSON.stringify({ mode: values.http ? 'http' : 'in-process', split: devFold === undefined ? 'held-out' : `dev-${devFold}`, threshold, ...(devFold === undefined ? { enrol } : {}), knownNamed: known.named / known.photos, wrongOfAll: all.wrong / all.photos, knownPhotos: known.photos, allPhotos: all.photos }));
  for (const probe of probes) {
    const names = namesCounted(probe, answers.get(probe.path));
    if (names.some((n) => n !== probe.expected)) console.log(`wrong: ${probe.path} → ${names.join(', ')}`);
  }
}

main().catch((error: unknown) => {
  console.error(`eval:pack: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
