/**
 * npm run gallery:remove -- <id|name> [--gallery <path>]
 * Removes one celebrity (exact id, or name compared case- and accent-insensitively) and their photo records,
 * so a later import of the same folder embeds them again.
 */
import { parseArgs } from 'node:util';
import { removePerson } from '../lib/gallery';
import { openGalleryTarget } from './gallery-target';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { gallery: { type: 'string' } } });
  const target = positionals.join(' ').trim();
  if (!target) throw new Error('usage: npm run gallery:remove -- <id|name> [--gallery <path>]');
  const { gallery: store, close } = openGalleryTarget(values.gallery);
  try {
    await store.withLock(async () => {
      const gallery = await store.load();
      const removed = removePerson(gallery, target);
      if (!removed) throw new Error(`no celebrity with id or name "${target}" in ${store.description}`);
      await store.save(gallery);
      console.log(`removed ${removed.name} (${removed.id}, ${removed.sources.length} embeddings); ${gallery.people.length} people left`);
    }, { waitMs: 60_000 });
  } finally {
    await close();
  }
}

main().catch((error: unknown) => {
  console.error(`gallery:remove: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
