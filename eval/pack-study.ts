/**
 * npm run eval:pack-study -- [--split dev|held-out] [--fold 0] [--top 3] [--out file.jsonl]
 * Lab tool for policy studies: for every probe photo of a split (eval/pack/dev-split.ts for choosing,
 * eval/pack/held-out.ts only for reporting), every face's ranking against the trial pack and its quality
 * signs, one JSON line a photo. Reads the embedding cache eval:pack fills.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EMBEDDING_MODEL_FILE } from '../lib/engine';
import { createPeopleIndex, decodePackRows, encodePackRows, fileSha256, normalizeName, pickSubjectFace, searchPeople } from '../lib/gallery';
import { assemblePack, genderVotePhotos } from './pack/assemble';
import { splitDevelopment } from './pack/dev-split';
import { embedPhotos, packCacheFile } from './pack/embed-cache';
import { splitHeldOut } from './pack/held-out';
import { listPackSources } from './pack/sources';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      datasets: { type: 'string', default: process.env.DATASETS_DIR ?? '../shared/datasets' },
      models: { type: 'string', default: process.env.MODEL_DIR ?? 'models' },
      split: { type: 'string', default: 'dev' },
      fold: { type: 'string', default: '0' },
      out: { type: 'string', default: '/tmp/pack-study.jsonl' },
      top: { type: 'string', default: '3' },
    },
  });
  const top = Number(values.top);
  if (!Number.isInteger(top) || top < 1) throw new Error(`--top must be a whole number ≥ 1, got ${values.top}`);
  const datasets = resolve(values.datasets);
  const modelDir = resolve(values.models);
  const photos = await listPackSources(datasets);
  const { trial, probes } = values.split === 'held-out' ? splitHeldOut(photos, 16) : splitDevelopment(photos, Number(values.fold));
  const modelHash = await fileSha256(join(modelDir, EMBEDDING_MODEL_FILE));
  const voters = genderVotePhotos(photos, 3);
  const faces = await embedPhotos(photos.map((p) => ({ path: p.path, attributes: voters.has(p.path) })), {
    root: datasets, modelDir, cacheFile: packCacheFile(modelHash),
  });
  const pack = assemblePack(trial, faces);
  console.log(`${values.split}: trial pack ${pack.people.length} people, ${pack.people.reduce((s, p) => s + p.rows, 0)} rows; ${probes.length} probes`);
  const matrix = decodePackRows(encodePackRows(pack.matrix, 512), 512);
  const owners = new Int32Array(matrix.length / 512);
  let row = 0;
  pack.people.forEach((p, i) => owners.fill(i, row, (row += p.rows)));
  const rowsOf = pack.people.map((p) => p.rows);
  const index = createPeopleIndex(matrix, owners, 512);
  const lines: string[] = [];
  for (const probe of probes) {
    const photo = faces.get(probe.path);
    const subject = photo ? pickSubjectFace(photo.faces, photo.width, photo.height) : undefined;
    const out = (photo?.faces ?? []).map((face) => {
      const ranked = searchPeople(index, face.embedding).slice(0, top);
      const [l, r, n] = face.five;
      const eyes = l && r ? Math.hypot(r.x - l.x, r.y - l.y) : 0;
      const yaw = l && r && n && eyes > 0 ? (n.x - (l.x + r.x) / 2) / eyes : 0;
      return {
        subject: face === subject,
        ranked: ranked.map((p) => ({ name: normalizeName(pack.people[p.person]!.name), score: p.score, best: p.best, rows: rowsOf[p.person] })),
        norm: face.embeddingNorm,
        det: face.score,
        eyes,
        yaw,
        boxW: face.box.width,
        boxH: face.box.height,
      };
    });
    lines.push(JSON.stringify({ path: probe.path, kind: probe.kind, expected: probe.expected, subjectOnly: probe.subjectOnly, width: photo?.width, height: photo?.height, faces: out }));
  }
  await writeFile(values.out, lines.join('\n') + '\n');
  console.log(`wrote ${lines.length} lines to ${values.out}`);
}

main().catch((error: unknown) => {
  console.error(`eval:pack-study: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
