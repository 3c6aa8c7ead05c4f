/**
 * npm run eval:flip -- <lfw-dir> [--enroll 3]
 * Checks the recognizer's on-demand mirror embedding (lib/gallery matchFace) against flip-averaging every
 * face, on LFW: each person with ≥ 2 photos enrolls up to --enroll of them but the last (flip-averaged, as
 * the gallery import does) and probes with the last; every photo of the one-photo people probes as an
 * impostor. Both policies decide every probe at the default threshold through the real engine and
 * matching code. Human summary, then one JSON line: probes, how many needed the mirror run, how many
 * decisions differ, and how far the mirror moved the match score.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { createEngine } from '../lib/engine';
import { centralFace } from './metrics/lfw';
import { DEFAULT_MATCH_THRESHOLD, FLIP_BAND, createPeopleIndex, decideMatch, matchFace, matchScore, searchPeople } from '../lib/gallery';

const DIMS = 512;

interface Probe {
  /** Person index of the enrolled person this probe shows, -1 for an impostor. */
  person: number;
  own: Float32Array;
  averaged: Float32Array;
  flipAveraged?: () => Promise<Float32Array>;
}

async function listPeople(dir: string): Promise<Array<{ name: string; files: string[] }>> {
  if (!(await stat(dir).catch(() => null))?.isDirectory()) throw new Error(`${dir} is not a directory (expected LFW's images_deepfunneled)`);
  const people = [];
  for (const name of (await readdir(dir)).sort()) {
    const files = (await readdir(join(dir, name)).catch(() => [])).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
    if (files.length > 0) people.push({ name, files: files.map((f) => join(dir, name, f)) });
  }
  return people;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { enroll: { type: 'string', default: '3' } } });
  const lfw = positionals[0];
  const enrollCap = Number(values.enroll);
  if (!lfw || !Number.isInteger(enrollCap) || enrollCap < 1) throw new Error('usage: npm run eval:flip -- <lfw-dir> [--enroll <n ≥ 1>]');
  // LFW's folder or its images_deepfunneled folder, as eval:identify takes either.
  const images = (await stat(resolve(lfw, 'images_deepfunneled')).catch(() => null))?.isDirectory() ? resolve(lfw, 'images_deepfunneled') : resolve(lfw);
  const people = await listPeople(images);
  const known = people.filter((p) => p.files.length >= 2);
  const jobs = [
    ...known.flatMap((p, person) => [
      ...p.files.slice(0, -1).slice(0, enrollCap).map((file) => ({ file, person, enroll: true })),
      { file: p.files.at(-1)!, person, enroll: false },
    ]),
    ...people.filter((p) => p.files.length === 1).map((p) => ({ file: p.files[0]!, person: -1, enroll: false })),
  ];

  const engine = await createEngine({ modelDir: resolve(import.meta.dirname, '..', 'models') });
  const rows: Float32Array[] = [];
  const owners: number[] = [];
  const probes: Probe[] = [];
  let missing = 0;
  const bar = new cliProgress.SingleBar({ format: 'embedding {bar} {value}/{total} photos | ETA {eta_formatted}', noTTYOutput: true, notTTYSchedule: 10_000 }, cliProgress.Presets.shades_classic);
  bar.start(jobs.length, 0);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const analysis = await engine.analyze(await readFile(job.file), { embeddingsOnly: true, mirrorEmbedding: 'on-demand' });
      const face = centralFace(analysis.faces, analysis.width, analysis.height); // LFW's subject is centred
      if (!face) missing++;
      else {
        const averaged = face.flipAveraged ? await face.flipAveraged() : face.embedding;
        if (job.enroll) {
          rows.push(averaged);
          owners.push(job.person);
        } else probes.push({ person: job.person, own: face.embedding, averaged, ...(face.flipAveraged ? { flipAveraged: face.flipAveraged } : {}) });
      }
      bar.increment();
    }
  };
  await Promise.all([lane(), lane()]);
  bar.stop();
  await engine.close();

  const matrix = new Float32Array(rows.length * DIMS);
  rows.forEach((r, i) => matrix.set(r, i * DIMS));
  const index = createPeopleIndex(matrix, Int32Array.from(owners), DIMS);
  const rank = (e: Float32Array) => searchPeople(index, e);
  const threshold = DEFAULT_MATCH_THRESHOLD;
  let mirrorRuns = 0;
  let differing = 0;
  const shifts: number[] = [];
  const tally = { onDemand: { named: 0, correct: 0, strangersNamed: 0 }, always: { named: 0, correct: 0, strangersNamed: 0 } };
  for (const probe of probes) {
    const always = decideMatch(rank(probe.averaged), threshold);
    const counted = probe.flipAveraged && { embedding: probe.own, flipAveraged: () => (mirrorRuns++, probe.flipAveraged!()) };
    const onDemand = await matchFace(counted || { embedding: probe.own }, rank, threshold);
    if ((always?.person ?? -1) !== (onDemand?.person ?? -1)) differing++;
    if (probe.flipAveraged) shifts.push(Math.abs(matchScore(rank(probe.averaged)) - matchScore(rank(probe.own))));
    for (const [policy, decision] of [['always', always], ['onDemand', onDemand]] as const) {
      if (!decision) continue;
      tally[policy].named++;
      if (probe.person < 0) tally[policy].strangersNamed++;
      else if (decision.person === probe.person) tally[policy].correct++;
    }
  }
  shifts.sort((a, b) => a - b);
  const knownProbes = probes.filter((p) => p.person >= 0).length;
  const impostors = probes.length - knownProbes;
  const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(2)} %`;
  console.log(`LFW: ${rows.length} enrolled photos of ${known.length} people, ${knownProbes} known probes, ${impostors} impostor probes, ${missing} photos without a face.`);
  console.log(`Default threshold ${threshold}, band ±${FLIP_BAND}.`);
  console.log(`Mirror run needed for ${mirrorRuns} of ${probes.length} probes (${pct(mirrorRuns, probes.length)}); decisions that differ from flip-averaging every face: ${differing}.`);
  console.log(`|Δ match score| from the mirror image: p50 ${quantile(shifts, 0.5).toFixed(4)}, p99 ${quantile(shifts, 0.99).toFixed(4)}, p99.9 ${quantile(shifts, 0.999).toFixed(4)}, max ${(shifts.at(-1) ?? Number.NaN).toFixed(4)}.`);
  for (const policy of ['always', 'onDemand'] as const) {
    const t = tally[policy];
    console.log(`${policy.padEnd(8)}: known named correctly ${pct(t.correct, knownProbes)}, strangers named ${pct(t.strangersNamed, impostors)}`);
  }
  console.log(JSON.stringify({
    probes: probes.length,
    mirrorRuns,
    differingDecisions: differing,
    scoreShift: { p50: quantile(shifts, 0.5), p99: quantile(shifts, 0.99), p999: quantile(shifts, 0.999), max: shifts.at(-1) ?? null },
    dirAtDefaultThreshold: { always: tally.always.correct / knownProbes, onDemand: tally.onDemand.correct / knownProbes },
    fpirAtDefaultThreshold: { always: tally.always.strangersNamed / impostors, onDemand: tally.onDemand.strangersNamed / impostors },
  }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
