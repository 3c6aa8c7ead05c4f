/**
 * The gallery a CLI works on: `--gallery <path>` names a folder; otherwise where the server keeps it
 * (PostgreSQL with DATABASE_URL, shared by every host; else GALLERY_PATH), as lib/store/configured.ts says.
 */
import { getConfig } from '../lib/config';
import { createGalleryFolder, type OperatorGallery } from '../lib/gallery';
import { openOperatorGallery } from '../lib/store/configured';

export function openGalleryTarget(folder: string | undefined): { gallery: OperatorGallery; close(): Promise<void> } {
  const config = getConfig();
  if (folder) return { gallery: createGalleryFolder(folder, config.GALLERY_OPT_OUT), close: async () => undefined };
  return openOperatorGallery(config);
}
