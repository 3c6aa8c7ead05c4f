import {
  EMPTY_OPT_OUT, createPeopleIndex, flattenGallery, galleryVersion, loadGallery, loadOptOut, mergeKnownPeople, normalizeName, optOutVersion,
  searchPeople, type KnownPerson, type PeopleIndex, type PersonScore,
} from '../gallery';
import { log } from '../observability/log';

/** One immutable view of whom the server knows: people, their search index and each row's owner. */
export interface GallerySnapshot {
  version: string | null;
  people: KnownPerson[];
  index: PeopleIndex;
  byId: Map<string, KnownPerson>;
  /** People the opt-out list removed: stored results that name them are shown without the name. */
  optedOutIds: ReadonlySet<string>;
}

/** A page of celebrities for the web app's /celebrities page. */
export interface CelebrityPage {
  items: Array<{ id: string; name: string; urls: string[]; knownGender?: 'Male' | 'Female'; photos: number }>;
  total: number;
  page: number;
  pageSize: number;
}

export interface LiveGallery {
  /** The current snapshot; also starts a reload when the gallery or opt-out files changed (checked at most every `recheckMs`). */
  current(): Promise<GallerySnapshot>;
  /** The people nearest to an embedding (float32 [512], unit), best first, one entry per person. */
  nearest(snapshot: GallerySnapshot, embedding: Float32Array): PersonScore[];
  /** Celebrities whose name contains `query` (case/accent-insensitive), sorted by name, 1-based pages. */
  list(options?: { query?: string; page?: number; pageSize?: number }): Promise<CelebrityPage>;
}

export interface GallerySources {
  /** The operator's gallery directory (GALLERY_PATH): imported people, reloaded when it changes. */
  galleryDir: string;
  /** The shipped pack's people (loaded once), or none. */
  pack?: () => Promise<readonly KnownPerson[]>;
  /** The opt-out file (names or ids a line), reloaded when it changes. */
  optOutPath?: string;
}

const EMPTY_ROWS = new Float32Array(0);

async function versionOf(sources: GallerySources): Promise<string> {
  const [gallery, optOut] = await Promise.all([galleryVersion(sources.galleryDir), sources.optOutPath ? optOutVersion(sources.optOutPath) : null]);
  return `${gallery}|${optOut}`;
}

async function loadSnapshot(sources: GallerySources): Promise<GallerySnapshot> {
  const version = await versionOf(sources);
  const [pack, operator, optOut] = await Promise.all([
    sources.pack?.() ?? [],
    loadGallery(sources.galleryDir),
    sources.optOutPath ? loadOptOut(sources.optOutPath) : EMPTY_OPT_OUT,
  ]);
  const { people, optedOutIds } = mergeKnownPeople(pack, operator, optOut);
  const withRows = people.filter((p) => p.embeddings.length > 0);
  const { matrix, owners } = flattenGallery({ dims: operator.dims, people: withRows, photos: {} });
  // The index answers from its own int8 rows (exact for the pack's), so the float32 rows are let go: the
  // snapshot's people keep their names and sample counts only (~45 MB less per process with the pack).
  const index = createPeopleIndex(matrix, owners, operator.dims, { rescore: 'int8' });
  const lean = withRows.map((p) => ({ ...p, embeddings: EMPTY_ROWS }));
  return { version, people: lean, index, byId: new Map(lean.map((p) => [p.id, p])), optedOutIds };
}

/**
 * Keeps whom the server knows loaded (pack + operator's gallery − opt-out) and picks up a re-import or an
 * opt-out edit without a restart: at most every `recheckMs` it compares the files' identities (inode, mtime,
 * size) and reloads in the background, serving the previous snapshot until the new one is ready. Snapshots
 * are immutable, so concurrent requests are safe.
 */
export function createLiveGallery(sources: GallerySources | string, recheckMs = 3000): LiveGallery {
  const from: GallerySources = typeof sources === 'string' ? { galleryDir: sources } : sources;
  let snapshot: Promise<GallerySnapshot> | undefined;
  let reloading: Promise<void> | undefined;
  let lastCheck = 0;
  const recheck = (loaded: GallerySnapshot) => {
    lastCheck = Date.now();
    reloading = versionOf(from)
      .then(async (version) => {
        if (version !== loaded.version) snapshot = Promise.resolve(await loadSnapshot(from));
      })
      .catch((error: unknown) => log.error({ err: error, galleryDir: from.galleryDir }, 'gallery reload failed; keeping the previous one'))
      .finally(() => (reloading = undefined));
  };
  const current = async () => {
    if (!snapshot) {
      snapshot = loadSnapshot(from);
      snapshot.catch(() => (snapshot = undefined));
      lastCheck = Date.now();
    }
    const loaded = await snapshot;
    if (!reloading && Date.now() - lastCheck >= recheckMs) recheck(loaded);
    return loaded;
  };
  return {
    current,
    nearest: (snap, embedding) => searchPeople(snap.index, embedding),
    async list({ query = '', page = 1, pageSize = 50 } = {}) {
      const snap = await current();
      const needle = normalizeName(query);
      const matching = snap.people.filter((p) => normalizeName(p.name).includes(needle)).sort((a, b) => a.name.localeCompare(b.name));
      const size = Math.min(Math.max(1, Math.floor(pageSize)), 200);
      const pageNumber = Math.max(1, Math.floor(page));
      const items = matching.slice((pageNumber - 1) * size, pageNumber * size).map((p) => ({
        id: p.id, name: p.name, urls: p.urls, knownGender: p.knownGender, photos: p.sources.length,
      }));
      return { items, total: matching.length, page: pageNumber, pageSize: size };
    },
  };
}
