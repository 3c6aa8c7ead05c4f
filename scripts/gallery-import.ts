/**
 * npm run gallery:import -- <dir> [--imdb <csv>] [--workers 2] [--threads 1] [--gender-votes 3] [--backfill-gender] [--gallery <path>]
 * Embeds every photo of <dir>/<Person_Name>/ into the gallery at GALLERY_PATH, skipping photos already
 * embedded (same path, size and mtime), and saves atomically so a running server never sees half a gallery.
 * Holds the gallery's lock while it runs (admin-area changes wait for it).
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { getConfig } from '../lib/config';
import {
  addGenderVote, addUrl, applyPhotoResult, embeddingCount, ensurePerson, loadImdbCsv, pickFaceByReference, pickSubjectFace,
  planImport, type Gallery, type OperatorGallery, type PhotoTask,
} from '../lib/gallery';
import { createEmbeddingPool, type EmbeddingPool, type PoolResponse } from './gallery-pool';
import { openGalleryTarget } from './gallery-target';

const CHECKPOINT_MS = 60_000;

interface Report {
  embedded: number;
  noFace: string[];
  severalFaces: string[];
  unreadable: string[];
}

function parseCli() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      imdb: { type: 'string' },
      workers: { type: 'string', default: '2' },
      threads: { type: 'string', default: '1' },
      // Gender estimates per person for the KnownGender vote; the attribute nets cost ~3-4x an embedding.
      'gender-votes': { type: 'string', default: '3' },
      'backfill-gender': { type: 'boolean', default: false },
      gallery: { type: 'string' },
    },
  });
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw new Error('usage: npm run gallery:import -- <dir> [--imdb <csv>] [--workers N] [--threads N] [--gallery <path>]');
  const workers = Number(values.workers);
  const threads = Number(values.threads);
  const genderVotes = Number(values['gender-votes']);
  if (!Number.isInteger(workers) || workers < 1 || !Number.isInteger(threads) || threads < 1) throw new Error('--workers and --threads take positive integers');
  if (!Number.isInteger(genderVotes) || genderVotes < 0) throw new Error('--gender-votes takes an integer ≥ 0');
  const galleryPath = values.gallery;
  return { dir, imdb: values.imdb, workers, threads, genderVotes, backfillGender: values['backfill-gender'], galleryPath };
}

interface EmbedOptions {
  workers: number;
  genderVotes: number;
  checkpoint: () => Promise<void>;
}

async function embedAll(pool: EmbeddingPool, gallery: Gallery, tasks: PhotoTask[], { workers, genderVotes, checkpoint }: EmbedOptions): Promise<Report> {
  const report: Report = { embedded: 0, noFace: [], severalFaces: [], unreadable: [] };
  const votesAsked = new Map<string, number>();
  const deferred: Array<{ task: PhotoTask; result: Extract<PoolResponse, { faces: unknown }> }> = [];
  const bar = new cliProgress.SingleBar({
    format: 'embedding {bar} {value}/{total} photos | {rate} photos/s | ETA {eta_formatted}',
    hideCursor: true,
    noTTYOutput: true, // still report progress in logs and CI
    notTTYSchedule: 10_000,
  }, cliProgress.Presets.shades_classic);
  const started = performance.now();
  bar.start(tasks.length, 0, { rate: '0.0' });
  let next = 0;
  let lastSave = performance.now();
  const runLane = async () => {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      const asked = votesAsked.get(task.name) ?? 0;
      votesAsked.set(task.name, asked + 1);
      const result = await pool.analyze(task.path, asked < genderVotes);
      if ('error' in result) {
        applyPhotoResult(gallery, task, 0, undefined, true);
        report.unreadable.push(`${task.path}: ${result.error}`);
      } else if (result.faces.length > 1) {
        deferred.push({ task, result }); // decided once the person's single-face photos are in
      } else {
        applyPhotoResult(gallery, task, result.faces.length, result.faces[0]);
        if (result.faces.length === 0) report.noFace.push(task.path);
        else report.embedded += 1;
      }
      const done = report.embedded + report.noFace.length + report.unreadable.length + deferred.length;
      bar.update(done, { rate: (done / ((performance.now() - started) / 1000)).toFixed(1) });
      if (performance.now() - lastSave > CHECKPOINT_MS) {
        lastSave = performance.now();
        await checkpoint();
      }
    }
  };
  await Promise.all(Array.from({ length: workers * 2 }, runLane)); // two in flight per worker hides file I/O
  bar.stop();
  for (const { task, result } of deferred) {
    const byReference = pickFaceByReference(result.faces, ensurePerson(gallery, task.name).embeddings, gallery.dims);
    applyPhotoResult(gallery, task, result.faces.length, byReference ?? pickSubjectFace(result.faces, result.width, result.height));
    report.embedded += 1;
    const rule = byReference ? 'the face most like their other photos' : 'the largest face nearest the centre';
    report.severalFaces.push(`${task.path}: ${result.faces.length} faces, took ${rule}`);
  }
  return report;
}

/**
 * --backfill-gender: people without any gender estimate (imported with --gender-votes 0, or before the engine
 * had a gender net) get one from their first embedded photo, reading the face that matches the stored row.
 */
async function backfillGender(pool: EmbeddingPool, gallery: Gallery, workers: number): Promise<number> {
  const todo = gallery.people.filter((p) => p.genderVotes.Male + p.genderVotes.Female === 0 && p.sources.length > 0);
  const bar = new cliProgress.SingleBar({ format: 'gender {bar} {value}/{total} people | ETA {eta_formatted}', noTTYOutput: true, notTTYSchedule: 10_000 }, cliProgress.Presets.shades_classic);
  bar.start(todo.length, 0);
  let next = 0;
  let voted = 0;
  const lane = async () => {
    while (next < todo.length) {
      const person = todo[next++]!;
      const result = await pool.analyze(person.sources[0]!, true);
      const face = 'faces' in result ? pickFaceByReference(result.faces, person.embeddings.subarray(0, gallery.dims), gallery.dims) : undefined;
      if (face?.gender) {
        addGenderVote(person, face.gender);
        voted++;
      }
      bar.increment();
    }
  };
  await Promise.all(Array.from({ length: workers * 2 }, lane));
  bar.stop();
  return voted;
}

function attachImdb(gallery: Gallery, imdb: Map<string, string>): number {
  let attached = 0;
  for (const person of gallery.people) {
    const url = imdb.get(person.name);
    if (url && addUrl(person, url)) attached += 1;
  }
  return attached;
}

function printList(title: string, items: string[], what: string): void {
  if (items.length === 0) return;
  console.log(`${title}: ${items.length} — ${what}`);
  for (const item of items.slice(0, 15)) console.log(`  ${item}`);
  if (items.length > 15) console.log(`  … and ${items.length - 15} more`);
}

async function main(): Promise<void> {
  const { dir, imdb, workers, threads, genderVotes, backfillGender: backfill, galleryPath } = parseCli();
  const config = getConfig();
  const imdbNames = imdb ? await loadImdbCsv(imdb) : undefined;
  // The whole import holds the gallery's lock: admin-area changes made meanwhile would be overwritten by its
  // saves, so they wait (and are answered 503 busy after a few seconds) until it is done.
  // With DATABASE_URL and no --gallery, the import goes to PostgreSQL: every host of the deployment picks it up.
  const { gallery: store, close } = openGalleryTarget(galleryPath);
  try {
    await store.withLock(() => importInto(store, { dir, imdbNames, workers, threads, genderVotes, backfill, modelDir: config.MODEL_DIR }), { waitMs: 60_000 });
  } finally {
    await close();
  }
}

async function importInto(store: OperatorGallery, options: { dir: string; imdbNames?: Map<string, string>; workers: number; threads: number; genderVotes: number; backfill: boolean; modelDir: string }): Promise<void> {
  const { dir, imdbNames, workers, threads, genderVotes, backfill } = options;
  const galleryPath = store.description;
  const gallery = await store.load();
  const plan = await planImport(gallery, dir);
  console.log(`${plan.people} people, ${plan.tasks.length} photos to embed, ${plan.skipped} already embedded (skipped); gallery ${galleryPath}`);
  const started = performance.now();
  let report: Report = { embedded: 0, noFace: [], severalFaces: [], unreadable: [] };
  if (plan.tasks.length > 0 || backfill) {
    const pool = await createEmbeddingPool(options.modelDir, workers, threads);
    try {
      report = await embedAll(pool, gallery, plan.tasks, { workers, genderVotes, checkpoint: () => store.save(gallery) });
      if (backfill) console.log(`gender backfill: ${await backfillGender(pool, gallery, workers)} people got a gender estimate`);
    } finally {
      await pool.close();
    }
  }
  const attached = imdbNames ? attachImdb(gallery, imdbNames) : 0;
  await store.save(gallery);
  const seconds = (performance.now() - started) / 1000;
  printList('several faces', report.severalFaces, 'embedded one face each: the one most like the person\'s single-face photos, else the largest face nearest the centre');
  printList('no face found', report.noFace, 'recorded and skipped (not embedded)');
  printList('unreadable', report.unreadable, 'recorded and skipped');
  if (imdbNames) console.log(`IMDb: ${attached} people got an IMDb link by exact name match`);
  const rate = plan.tasks.length / Math.max(seconds, 1e-9);
  console.log(`embedded ${report.embedded} of ${plan.tasks.length} photos in ${seconds.toFixed(1)} s (${rate.toFixed(1)} photos/s, ${workers} workers × ${threads} thread)`);
  console.log(`gallery now: ${gallery.people.length} people, ${embeddingCount(gallery)} embeddings → ${galleryPath}`);
}

main().catch((error: unknown) => {
  console.error(`gallery:import: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
