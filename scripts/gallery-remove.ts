/**
 * npm run gallery:remove -- <id|name> [--gallery <path>]
 * Removes one celebrity (exact id, or name compared case- and accent-insensitively) and their photo records,
 * so a later import of the same folder embeds them again.
 */
import { parseArgs } from 'node:util';
import { getConfig } from '../lib/config';
import { loadGallery, removePerson, saveGallery, withGalleryLock } from '../lib/gallery';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { gallery: { type: 'string' } } });
  const target = positionals.join(' ').trim();
  if (!target) throw new Error('usage: npm run gallery:remove -- <id|name> [--gallery <path>]');
  const galleryPath = values.gallery ?? getConfig().GALLERY_PATH;
  await withGalleryLock(galleryPath, async () => {
    const gallery = await loadGallery(galleryPath);
    const removed = removePerson(gallery, target);
    if (!removed) throw new Error(`no celebrity with id or name "${target}" in ${galleryPath}`);
    await saveGallery(galleryPath, gallery);
    console.log(`removed ${removed.name} (${removed.id}, ${removed.sources.length} embeddings); ${gallery.people.length} people left`);
  }, { waitMs: 60_000 });
}

main().catch((error: unknown) => {
  console.error(`gallery:remove: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
