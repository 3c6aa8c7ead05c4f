/**
 * npm run eval:identify -- <lfw-dir> [--cache <dir>] [--from-gallery <path>] [--from-pack-cache] [--threshold <cos>] [--workers 2]
 * Open-set identification on LFW. Known people: ≥ 2 photos; impostors: every photo of the people with
 * exactly one (never enrolled). `single`: enroll each known person's first photo, probe with the rest;
 * `multi`: enroll all but the last, probe with the last. Human summary, then one JSON line.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { getConfig } from '../lib/config';
import { EMBEDDING_MODEL_FILE } from '../lib/engine';
import {
  DEFAULT_MATCH_THRESHOLD, createPeopleIndex, decodePackRows, encodePackRows, fileSha256, loadGallery, matchScore, normalizeName, pickSubjectFace, qualityOffset, searchPeople,
  type FaceQuality,
} from '../lib/gallery';
import { fitLogistic, openSetPoint, rank1, thresholdAtFpir, type ProbeResult } from './metrics/open-set';
import { createEmbeddingPool } from '../scripts/gallery-pool';
import { cachedFaceQuality, packCacheFile, readEmbedCache } from './pack/embed-cache';

const DIMS = 512;
type Embeddings = Map<string, Float32Array | null>; // absolute path → embedding, null = no face
/** Quality signs of the subject face by absolute path, where the pack's cache had them (--from-pack-cache). */
type Signs = Map<string, FaceQuality>;

async function listPeople(dir: string): Promise<Map<string, string[]>> {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new Error(`${dir} is not a directory (expected LFW's images_deepfunneled)`);
  const people = new Map<string, string[]>();
  for (const name of (await readdir(dir)).sort()) {
    if (!(await stat(join(dir, name))).isDirectory()) continue; // follows symlinked folders
    const files = (await readdir(join(dir, name))).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
    if (files.length > 0) people.set(name, files.map((f) => join(dir, name, f)));
  }
  if (people.size === 0) throw new Error(`${dir} holds no person folders with photos`);
  return people;
}

async function readCache(file: string): Promise<Embeddings> {
  const cache: Embeddings = new Map();
  const text = await readFile(`${file}.json`, 'utf8').catch(() => null);
  if (!text) return cache;
  const paths = JSON.parse(text) as Array<string | null>;
  const bytes = await readFile(`${file}.f32`);
  const matrix = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  paths.forEach((path, row) => path && cache.set(path, matrix.subarray(row * DIMS, (row + 1) * DIMS)));
  const empty = JSON.parse(await readFile(`${file}.noface.json`, 'utf8').catch(() => '[]')) as string[];
  for (const path of empty) cache.set(path, null);
  return cache;
}

async function writeCache(file: string, cache: Embeddings): Promise<void> {
  const withFace = [...cache].filter((e): e is [string, Float32Array] => e[1] !== null);
  const matrix = new Float32Array(withFace.length * DIMS);
  withFace.forEach(([, v], row) => matrix.set(v, row * DIMS));
  await writeFile(`${file}.f32`, matrix);
  await writeFile(`${file}.json`, JSON.stringify(withFace.map(([p]) => p)));
  await writeFile(`${file}.noface.json`, JSON.stringify([...cache].filter(([, v]) => v === null).map(([p]) => p)));
}

/** The engine's sources (lib/engine, tests aside) and the model files' names and sizes, hashed. */
async function engineFingerprint(modelDir: string): Promise<string> {
  const hash = createHash('sha256');
  const engineDir = resolve(import.meta.dirname, '..', 'lib', 'engine');
  const sources = (await readdir(engineDir, { recursive: true })).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
  for (const file of sources) hash.update(file).update(await readFile(join(engineDir, file)));
  for (const file of (await readdir(modelDir)).filter((f) => f.endsWith('.onnx')).sort()) hash.update(`${file}:${(await stat(join(modelDir, file))).size}`);
  return hash.digest('hex');
}

/**
 * Seeds the cache from eval:pack's embedding cache (.cache/pack, the same engine's flip-averaged faces of
 * the same LFW files, keyed relative to the datasets folder), choosing the subject face as embedMissing does.
 */
async function seedFromPackCache(cache: Embeddings, signs: Signs, stem: string, datasets: string, paths: readonly string[]): Promise<number> {
  const packed = await readEmbedCache(stem);
  let seeded = 0;
  for (const path of paths) {
    const photo = packed.get(relative(datasets, path));
    if (!photo) continue;
    const face = photo.error ? undefined : pickSubjectFace(photo.faces, photo.width, photo.height);
    if (face) signs.set(path, cachedFaceQuality(face));
    if (cache.has(path)) continue;
    cache.set(path, face ? face.embedding : null);
    seeded++;
  }
  return seeded;
}

/** Seeds the cache from an imported gallery: its rows are the same subject-face embeddings, keyed by path. */
async function seedFromGallery(cache: Embeddings, galleryPath: string): Promise<number> {
  const gallery = await loadGallery(galleryPath);
  let seeded = 0;
  for (const person of gallery.people) {
    person.sources.forEach((path, row) => {
      if (cache.has(path)) return;
      cache.set(path, person.embeddings.slice(row * DIMS, (row + 1) * DIMS));
      seeded++;
    });
  }
  for (const [path, record] of Object.entries(gallery.photos)) if (record.outcome === 'no_face' && !cache.has(path)) cache.set(path, null);
  return seeded;
}

async function embedMissing(cache: Embeddings, paths: string[], modelDir: string, workers: number): Promise<void> {
  const missing = paths.filter((p) => !cache.has(p));
  if (missing.length === 0) return;
  const pool = await createEmbeddingPool(modelDir, workers, 1);
  const bar = new cliProgress.SingleBar({ format: 'embedding {bar} {value}/{total} photos | {rate} photos/s | ETA {eta_formatted}', noTTYOutput: true, notTTYSchedule: 10_000 }, cliProgress.Presets.shades_classic);
  const started = performance.now();
  bar.start(missing.length, 0, { rate: '0.0' });
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < missing.length) {
      const path = missing[next++]!;
      const result = await pool.analyze(path, false);
      const face = 'error' in result ? undefined : pickSubjectFace(result.faces, result.width, result.height);
      cache.set(path, face ? face.embedding : null);
      bar.update(++done, { rate: (done / ((performance.now() - started) / 1000)).toFixed(1) });
    }
  };
  await Promise.all(Array.from({ length: workers * 2 }, lane));
  bar.stop();
  await pool.close();
}

interface Split {
  enrolled: Array<{ name: string; path: string }>;
  known: Array<{ name: string; path: string }>;
}

function split(people: Map<string, string[]>, protocol: 'single' | 'multi'): Split {
  const out: Split = { enrolled: [], known: [] };
  for (const [name, paths] of people) {
    if (paths.length < 2) continue;
    const cut = protocol === 'single' ? 1 : paths.length - 1;
    paths.slice(0, cut).forEach((path) => out.enrolled.push({ name, path }));
    paths.slice(cut).forEach((path) => out.known.push({ name, path }));
  }
  return out;
}

type Probe = ProbeResult & { similarity: number; runnerUp: number; cohort: number; quality?: FaceQuality };

interface ProtocolResult {
  known: Probe[];
  impostors: Array<Probe & { path: string; matched: string }>;
  missingProbes: number;
}

function runProtocol(people: Map<string, string[]>, cache: Embeddings, protocol: 'single' | 'multi', packStorage = false, signs: Signs = new Map()): ProtocolResult {
  const { enrolled, known } = split(people, protocol);
  const rows = enrolled.filter((e) => cache.get(e.path));
  const names = [...new Set(rows.map((r) => r.name))];
  const nameIndex = new Map(names.map((n, i) => [n, i]));
  const matrix = new Float32Array(rows.length * DIMS);
  rows.forEach((r, i) => matrix.set(cache.get(r.path)!, i * DIMS));
  // --pack-storage: enrolled rows as the celebrity pack stores them (int8, read back as unit rows).
  if (packStorage) matrix.set(decodePackRows(encodePackRows(matrix, DIMS), DIMS));
  const owners = Int32Array.from(rows, (r) => nameIndex.get(r.name)!);
  const index = createPeopleIndex(matrix, owners, DIMS);
  const probe = (path: string) => {
    const embedding = cache.get(path);
    if (!embedding) return undefined;
    const ranked = searchPeople(index, embedding);
    const others = ranked.slice(1, 11).map((p) => p.score);
    const cohort = others.length ? others.reduce((a, b) => a + b, 0) / others.length : 0;
    // score = the production policy's match score (lib/gallery matchScore), so the threshold found here applies as is.
    // With quality signs, the score is shifted by the face's quality offset as matchFace does (lib/gallery).
    const quality = signs.get(path);
    return ranked[0] && { person: ranked[0].person, score: matchScore(ranked) + qualityOffset(quality), similarity: ranked[0].score, runnerUp: ranked[1]?.score ?? -1, cohort, ...(quality ? { quality } : {}) };
  };
  const result: ProtocolResult = { known: [], impostors: [], missingProbes: 0 };
  for (const { name, path } of known) {
    const top = probe(path);
    if (!top) result.missingProbes++;
    // A probe without a face is a miss: it can never be named.
    result.known.push(top ? { ...top, correct: names[top.person] === name } : { score: -Infinity, similarity: -1, correct: false, runnerUp: -1, cohort: 0 });
  }
  for (const [, paths] of people) {
    if (paths.length !== 1) continue;
    const top = probe(paths[0]!);
    if (!top) { result.missingProbes++; continue; }
    result.impostors.push({ ...top, correct: false, path: paths[0]!, matched: names[top.person]! });
  }
  return result;
}

function summarize(label: string, r: ProtocolResult, threshold: number) {
  const at1e2 = openSetPoint(r.known, r.impostors, thresholdAtFpir(r.impostors.map((p) => p.score), 0.01));
  const atDefault = openSetPoint(r.known, r.impostors, threshold);
  const metrics = { rank1: rank1(r.known), dirAtFpir1e2: at1e2.dir, fpirAtDefaultThreshold: atDefault.fpir, dirAtDefaultThreshold: atDefault.dir };
  const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
  console.log(`${label}: ${r.known.length} known probes, ${r.impostors.length} impostor probes, ${r.missingProbes} probes without a face`);
  console.log(`  rank-1 ${pct(metrics.rank1)}; DIR ${pct(at1e2.dir)} at FPIR 1 % (threshold ${at1e2.threshold.toFixed(3)})`);
  console.log(`  at threshold ${threshold}: FPIR ${pct(atDefault.fpir)}, DIR ${pct(atDefault.dir)}`);
  const plain = (p: Probe) => ({ score: p.similarity, correct: p.correct });
  const plainImpostors = r.impostors.map(plain);
  const plainPoint = openSetPoint(r.known.map(plain), plainImpostors, thresholdAtFpir(plainImpostors.map((p) => p.score), 0.01));
  console.log(`  (policy study) plain best cosine s1: DIR ${pct(plainPoint.dir)} at FPIR 1 % (threshold ${plainPoint.threshold.toFixed(3)})`);
  for (const lambda of [0.25, 0.5, 1]) {
    // Margin-adjusted score s1 - λ·s2: does the gap to the runner-up person separate strangers better?
    const adjust = (p: Probe) => ({ score: p.similarity - lambda * Math.max(0, p.runnerUp), correct: p.correct });
    const known = r.known.map(adjust);
    const impostors = r.impostors.map(adjust);
    const point = openSetPoint(known, impostors, thresholdAtFpir(impostors.map((p) => p.score), 0.01));
    console.log(`  (policy study) s1 - ${lambda}·s2: DIR ${pct(point.dir)} at FPIR 1 %`);
    // Cohort normalisation: subtract the mean score of the next ten people (how "generic" the face is).
    const cohort = (p: Probe) => ({ score: p.similarity - lambda * p.cohort, correct: p.correct });
    const ck = r.known.map(cohort);
    const ci = r.impostors.map(cohort);
    const cp = openSetPoint(ck, ci, thresholdAtFpir(ci.map((p) => p.score), 0.01));
    console.log(`  (policy study) s1 - ${lambda}·mean(s2..s11): DIR ${pct(cp.dir)} at FPIR 1 %`);
  }
  return { metrics, thresholdAt1e2: at1e2.threshold };
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** Impostors accepted at the threshold whose name is spelt almost like the person they matched: likely the same person. */
function probableAliases(r: ProtocolResult, threshold: number): string[] {
  return r.impostors
    .filter((p) => p.score >= threshold)
    .map((p) => ({ ...p, probe: p.path.split('/').at(-2)! }))
    .filter((p) => {
      const [a, b] = [normalizeName(p.probe), normalizeName(p.matched)];
      return 1 - editDistance(a, b) / Math.max(a.length, b.length) >= 0.6;
    })
    .map((p) => `${p.probe} → ${p.matched} (${p.score.toFixed(3)})`);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'pack-storage': { type: 'boolean', default: false }, cache: { type: 'string', default: '/tmp/cf-eval-cache' }, 'from-gallery': { type: 'string' },
      'from-pack-cache': { type: 'boolean', default: false }, dump: { type: 'string' }, datasets: { type: 'string', default: process.env.DATASETS_DIR ?? '../shared/datasets' },
      threshold: { type: 'string' }, workers: { type: 'string', default: '2' },
    },
  });
  if (!positionals[0]) throw new Error('usage: npm run eval:identify -- <lfw-dir> [--cache <dir>] [--from-gallery <path>] [--threshold <cos>] [--pack-storage]');
  // Accept the LFW root (as eval:lfw does) or its images folder.
  const given = resolve(positionals[0]);
  const dir = existsSync(join(given, 'images_deepfunneled')) ? join(given, 'images_deepfunneled') : given;
  const config = getConfig();
  const threshold = values.threshold !== undefined ? Number(values.threshold) : (config.MATCH_THRESHOLD ?? DEFAULT_MATCH_THRESHOLD);
  if (!Number.isFinite(threshold)) throw new Error('--threshold takes a number');
  const people = await listPeople(dir);
  await mkdir(values.cache, { recursive: true });
  // Keyed on the engine too: embeddings cached by an older engine would report its figures, not this one's.
  const key = createHash('sha256').update(dir).update(await engineFingerprint(config.MODEL_DIR)).digest('hex').slice(0, 12);
  const cacheFile = join(values.cache, `embeddings-${key}`);
  const cache = await readCache(cacheFile);
  if (values['from-gallery']) console.log(`seeded ${await seedFromGallery(cache, values['from-gallery'])} embeddings from ${values['from-gallery']}`);
  const paths = [...people.values()].flat();
  const signs: Signs = new Map();
  if (values['from-pack-cache']) {
    const stem = packCacheFile(await fileSha256(join(config.MODEL_DIR, EMBEDDING_MODEL_FILE)));
    const seeded = await seedFromPackCache(cache, signs, stem, resolve(values.datasets), paths);
    console.log(`seeded ${seeded} embeddings and ${signs.size} faces' quality signs from ${stem}`);
  }
  await embedMissing(cache, paths, config.MODEL_DIR, Number(values.workers));
  await writeCache(cacheFile, cache);
  const noFace = paths.filter((p) => cache.get(p) === null).length;
  console.log(`${people.size} people, ${paths.length} photos (${noFace} without a detected face); cache ${cacheFile}.*`);
  const packStorage = values['pack-storage'];
  if (packStorage) console.log('enrolled embeddings stored as the celebrity pack stores them (int8 unit rows)');
  if (signs.size === 0) console.log('no quality signs (they come with --from-pack-cache): every face is matched without its quality offset');
  const single = runProtocol(people, cache, 'single', packStorage, signs);
  const multi = runProtocol(people, cache, 'multi', packStorage, signs);
  if (values.dump) {
    const line = (protocol: string, kind: string) => (p: Probe) => JSON.stringify({ protocol, kind, score: p.score, similarity: p.similarity, runnerUp: p.runnerUp, correct: p.correct, quality: p.quality });
    const lines = [...single.known.map(line('single', 'known')), ...single.impostors.map(line('single', 'impostor')), ...multi.known.map(line('multi', 'known')), ...multi.impostors.map(line('multi', 'impostor'))];
    await writeFile(values.dump, `${lines.join('\n')}\n`);
  }
  const s = summarize('single', single, threshold);
  const m = summarize('multi', multi, threshold);
  // Probes without a face have no score: they count as misses above, but cannot inform the fit.
  const scored = [...single.known, ...single.impostors, ...multi.known, ...multi.impostors].filter((p) => Number.isFinite(p.score));
  const calibration = fitLogistic(scored);
  console.log(`confidence fit (all probes, both protocols): center ${calibration.center.toFixed(4)}, scale ${calibration.scale.toFixed(4)}`);
  const aliases = probableAliases(multi, threshold);
  console.log(`impostors accepted at ${threshold} (multi) that look like the same person under another spelling: ${aliases.length}`);
  for (const alias of aliases) console.log(`  ${alias}`);
  console.log(JSON.stringify({ single: s.metrics, multi: m.metrics }));
}

main().catch((error: unknown) => {
  console.error(`eval:identify: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
