/**
 * npm run gallery:list -- [filter] [--gallery <path>] [--json]
 * Prints the celebrities in the gallery: id, photos embedded, known gender, name, URLs.
 */
import { parseArgs } from 'node:util';
import { embeddingCount, normalizeName } from '../lib/gallery';
import { openGalleryTarget } from './gallery-target';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { gallery: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const { gallery: store, close } = openGalleryTarget(values.gallery);
  const gallery = await store.load().finally(close);
  const galleryPath = store.description;
  const filter = normalizeName(positionals.join(' '));
  const people = gallery.people
    .filter((p) => normalizeName(p.name).includes(filter))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (values.json) {
    console.log(JSON.stringify(people.map((p) => ({ id: p.id, name: p.name, urls: p.urls, knownGender: p.knownGender ?? null, embeddings: p.sources.length }))));
    return;
  }
  for (const p of people) {
    console.log(`${p.id}  ${String(p.sources.length).padStart(4)}  ${(p.knownGender ?? '-').padEnd(6)}  ${p.name}${p.urls.length ? `  ${p.urls.join(' ')}` : ''}`);
  }
  console.log(`${people.length} of ${gallery.people.length} people, ${embeddingCount(gallery)} embeddings in ${galleryPath}`);
}

main().catch((error: unknown) => {
  console.error(`gallery:list: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
