import { galleryVersion, loadGallery, readSampleFace, removeSampleFaces, saveGallery, writeSampleFace } from './gallery-files';
import type { Gallery } from './gallery';
import { withGalleryLock } from './gallery-lock';
import { loadOptOut, optOutVersion, setOptedOut, type OptOutList } from './opt-out';

/**
 * Where the operator's own people live: their gallery (people, embeddings, photo records, notes), the face
 * crops of admin-added samples and the opt-out list. Callers (the live gallery, the admin area, the
 * gallery CLIs) load, edit and save through this, never through files or SQL, so one host keeps them in
 * GALLERY_PATH (createGalleryFolder) and a multi-host deployment in PostgreSQL (lib/store/postgres-gallery).
 * The shipped celebrity pack is not here: every host reads it from its own release.
 */
export interface OperatorGallery {
  /** Where it lives, for logs: a folder, or `postgres`. */
  readonly description: string;
  /** Identity of the stored gallery (null: none yet); changes with every save. Compare it, do not parse it. */
  version(): Promise<string | null>;
  load(): Promise<Gallery>;
  /** Saves the whole gallery atomically and durably: a reader sees the old one or the new one. */
  save(gallery: Gallery): Promise<void>;
  /**
   * Runs a read-modify-write with every other writer (pm2 workers, other hosts, the CLIs) kept out; waits up
   * to `waitMs` for them, then throws GalleryBusyError.
   */
  withLock<T>(work: () => Promise<T>, options?: { waitMs?: number }): Promise<T>;
  /** Identity of the opt-out list (null: none); changes with every edit. */
  optOutVersion(): Promise<string | null>;
  loadOptOut(): Promise<OptOutList>;
  /** Puts a person on the opt-out list or takes them off it; whether the list changed. Callers hold withLock. */
  setOptedOut(person: { id: string; name: string; aliases?: readonly string[] }, optedOut: boolean): Promise<boolean>;
  /** Keeps the JPEG face crop of an admin-added sample, durably, before the gallery that names it is saved. */
  writeSampleFace(sampleId: string, jpeg: Uint8Array): Promise<void>;
  readSampleFace(sampleId: string): Promise<Uint8Array | null>;
  removeSampleFaces(sampleIds: readonly string[]): Promise<void>;
  /**
   * Calls `changed` soon after any process saves the gallery or the opt-out list, where the store can push
   * (PostgreSQL's LISTEN/NOTIFY); callers still compare versions, which also covers a missed push. Returns
   * a function that stops watching.
   */
  watch?(changed: () => void): () => void;
}

/** The operator's gallery in a folder (GALLERY_PATH) and the opt-out list in a text file, on one host. */
export function createGalleryFolder(galleryDir: string, optOutPath?: string): OperatorGallery {
  return {
    description: galleryDir,
    version: () => galleryVersion(galleryDir),
    load: () => loadGallery(galleryDir),
    save: (gallery) => saveGallery(galleryDir, gallery),
    withLock: (work, options) => withGalleryLock(galleryDir, work, options),
    optOutVersion: async () => (optOutPath ? optOutVersion(optOutPath) : null),
    loadOptOut: async () => (optOutPath ? loadOptOut(optOutPath) : { ids: new Set(), names: new Set() }),
    async setOptedOut(person, optedOut) {
      if (!optOutPath) throw new Error('no opt-out file configured');
      return setOptedOut(optOutPath, person, optedOut);
    },
    writeSampleFace: (sampleId, jpeg) => writeSampleFace(galleryDir, sampleId, jpeg),
    readSampleFace: (sampleId) => readSampleFace(galleryDir, sampleId),
    removeSampleFaces: (sampleIds) => removeSampleFaces(galleryDir, sampleIds),
  };
}
