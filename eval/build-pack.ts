/**
 * npm run gallery:build-pack -- [--datasets ../shared/datasets] [--out packs/celebrities] [--fresh] [--workers 2]
 * Builds the shipped celebrity pack from every labelled set in the datasets folder (sources: eval/pack/sources.ts):
 * one entry per person, int8 unit rows tied to the embedding model's hash. Two runs write the same bytes.
 * Rebuild only when the model or the sources change (each rebuild adds ~9 MB to the repository's history);
 * never in CI. Embeddings are cached in .cache/pack (keyed by the model hash and each photo's size and mtime);
 * --fresh ignores the cache.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EMBEDDING_MODEL_FILE } from '../lib/engine';
import { fileSha256, loadImdbCsv, writePack } from '../lib/gallery';
import { OUTLIER_MEDIAN_COSINE, assemblePack, genderVotePhotos } from './pack/assemble';
import { embedPhotos, packCacheFile } from './pack/embed-cache';
import { listPackSources } from './pack/sources';

const GENDER_VOTES = 3;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      datasets: { type: 'string', default: process.env.DATASETS_DIR ?? '../shared/datasets' },
      out: { type: 'string', default: 'packs/celebrities' },
      models: { type: 'string', default: process.env.MODEL_DIR ?? 'models' },
      workers: { type: 'string', default: '2' },
      fresh: { type: 'boolean', default: false },
    },
  });
  const datasets = resolve(values.datasets);
  const modelDir = resolve(values.models);
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new Error('--workers takes a positive integer');
  const started = performance.now();
  const modelHash = await fileSha256(join(modelDir, EMBEDDING_MODEL_FILE));
  const photos = await listPackSources(datasets);
  const voters = genderVotePhotos(photos, GENDER_VOTES);
  console.log(`${photos.length} labelled photos in ${datasets}; embedding model ${EMBEDDING_MODEL_FILE} sha256 ${modelHash.slice(0, 12)}…`);
  const cacheFile = values.fresh ? null : packCacheFile(modelHash);
  const faces = await embedPhotos(photos.map((p) => ({ path: p.path, attributes: voters.has(p.path) })), { root: datasets, modelDir, cacheFile, workers });
  const imdb = await loadImdbCsv(join(datasets, 'imdb/hollywood_actor_rankings.csv'));
  const pack = assemblePack(photos, faces, imdb);
  const meta = await writePack(resolve(values.out), { model: { file: EMBEDDING_MODEL_FILE, sha256: modelHash }, dims: 512, people: pack.people }, pack.matrix);
  const bySet: Record<string, number> = {};
  for (const person of meta.people) for (const [set, n] of Object.entries(person.sources)) bySet[set] = (bySet[set] ?? 0) + n;
  console.log(`pack: ${meta.people.length} people, ${meta.rows} face samples (${Object.entries(bySet).map(([s, n]) => `${s} ${n}`).join(', ')})`);
  console.log(`      ${pack.photosWithoutFace} photos without a face skipped, ${pack.photosWithSeveralFaces} with several faces (took the one most like the person)`);
  console.log(`      ${pack.outliersDropped} samples dropped as unlike the rest of their person (median cosine < ${OUTLIER_MEDIAN_COSINE})`);
  console.log(`      ${meta.people.filter((p) => p.urls.length > 0).length} with an IMDb link, ${meta.people.filter((p) => p.knownGender).length} with a known gender`);
  console.log(`wrote ${resolve(values.out)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(`gallery:build-pack: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
