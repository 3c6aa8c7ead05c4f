import {
  createEmbeddingIndex, flattenGallery, galleryVersion, loadGallery, normalizeName, searchPeople,
  type EmbeddingIndex, type Gallery, type Person, type PersonScore,
} from '../gallery';

/** One immutable view of the gallery: people, their search index and each row's owner. */
export interface GallerySnapshot {
  version: string | null;
  people: Person[];
  index: EmbeddingIndex;
  owners: Int32Array;
  byId: Map<string, Person>;
}

/** A page of celebrities for the web app's /celebrities page. */
export interface CelebrityPage {
  items: Array<{ id: string; name: string; urls: string[]; knownGender?: 'Male' | 'Female'; photos: number }>;
  total: number;
  page: number;
  pageSize: number;
}

export interface LiveGallery {
  /** The current snapshot; also starts a reload when the gallery files changed (checked at most every `recheckMs`). */
  current(): Promise<GallerySnapshot>;
  /** The people nearest to an embedding (float32 [512], unit), best first, one entry per person. */
  nearest(snapshot: GallerySnapshot, embedding: Float32Array): PersonScore[];
  /** Celebrities whose name contains `query` (case/accent-insensitive), sorted by name, 1-based pages. */
  list(options?: { query?: string; page?: number; pageSize?: number }): Promise<CelebrityPage>;
}

function buildSnapshot(gallery: Gallery, version: string | null): GallerySnapshot {
  const people = gallery.people.filter((p) => p.embeddings.length > 0);
  const { matrix, owners } = flattenGallery({ ...gallery, people });
  return { version, people, index: createEmbeddingIndex(matrix, gallery.dims), owners, byId: new Map(people.map((p) => [p.id, p])) };
}

/**
 * Keeps the gallery at `dir` loaded and picks up a re-import without a restart: at most every `recheckMs`
 * it compares the gallery JSON's identity (inode, mtime, size) and reloads in the background, serving the
 * previous snapshot until the new one is ready. Snapshots are immutable, so concurrent requests are safe.
 */
export function createLiveGallery(dir: string, recheckMs = 3000): LiveGallery {
  let snapshot: Promise<GallerySnapshot> | undefined;
  let reloading: Promise<void> | undefined;
  let lastCheck = 0;
  const load = async () => {
    const version = await galleryVersion(dir);
    return buildSnapshot(await loadGallery(dir), version);
  };
  const recheck = (loaded: GallerySnapshot) => {
    lastCheck = Date.now();
    reloading = galleryVersion(dir)
      .then(async (version) => {
        if (version !== loaded.version) {
          const fresh = await load();
          snapshot = Promise.resolve(fresh);
        }
      })
      .catch((error: unknown) => console.error(`gallery reload from ${dir} failed; keeping the previous one`, error))
      .finally(() => (reloading = undefined));
  };
  const current = async () => {
    if (!snapshot) {
      snapshot = load();
      snapshot.catch(() => (snapshot = undefined));
      lastCheck = Date.now();
    }
    const loaded = await snapshot;
    if (!reloading && Date.now() - lastCheck >= recheckMs) recheck(loaded);
    return loaded;
  };
  return {
    current,
    nearest: (snap, embedding) => (snap.index.size === 0 ? [] : searchPeople(snap.index, snap.owners, embedding)),
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
