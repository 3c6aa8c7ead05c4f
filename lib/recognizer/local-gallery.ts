import {
  EMBEDDING_DIMS, createGalleryFolder, createPeopleBase, extendPeopleIndex, layerKnownPeople, normalizeName, searchPeople,
  type KnownPerson, type OperatorGallery, type PeopleBase, type PeopleIndex, type PersonScore, type SampleNote,
} from '../gallery';
import { log } from '../observability/log';

/** One immutable view of whom the server knows: people, their search index and each row's owner. */
export interface GallerySnapshot {
  version: string | null;
  /**
   * Everyone, at the index the search answers with: the pack's people first (`packPeople` of them), then the
   * operator's own. People on the opt-out list are here too (the admin area lists them), flagged in `optedOut`;
   * the index never ranks them.
   */
  people: KnownPerson[];
  packPeople: number;
  index: PeopleIndex;
  /** People who may be named and shown (everyone but the opted-out), by id. */
  byId: Map<string, KnownPerson>;
  /** Index into `people` of everyone, opted-out people included, by id. */
  indexOf: Map<string, number>;
  /** optedOut[person] = 1 for people on the opt-out list. */
  optedOut: Uint8Array;
  /** People the opt-out list removed: stored results that name them are shown without the name. */
  optedOutIds: ReadonlySet<string>;
  /** Where each sample added in the admin area came from, by sample id. */
  notes: Readonly<Record<string, SampleNote>>;
}

/** A page of celebrities for the web app's /celebrities page. */
export interface CelebrityPage {
  items: Array<{ id: string; name: string; urls: string[]; knownGender?: 'Male' | 'Female'; photos: number }>;
  total: number;
  page: number;
  pageSize: number;
}

export interface LiveGallery {
  /** The current snapshot (loaded on first use; later changes are picked up by polling, see createLiveGallery). */
  current(): Promise<GallerySnapshot>;
  /** Reloads now if the gallery or opt-out files changed (after this process wrote them), and returns the snapshot then current. */
  refresh(): Promise<GallerySnapshot>;
  /** The people nearest to an embedding (float32 [512], unit), best first, one entry per person. */
  nearest(snapshot: GallerySnapshot, embedding: Float32Array): PersonScore[];
  /** Celebrities whose name contains `query` (case/accent-insensitive), sorted by name, 1-based pages. */
  list(options?: { query?: string; page?: number; pageSize?: number }): Promise<CelebrityPage>;
  /** Stops polling (tests; a server process polls until it exits). */
  close(): void;
}

export interface GallerySources {
  /** The operator's gallery directory (GALLERY_PATH): imported and admin-added people, reloaded when it changes. */
  galleryDir: string;
  /** The shipped pack's people (loaded and indexed once per process), or none. */
  pack?: () => Promise<readonly KnownPerson[]>;
  /** The opt-out file (names or ids a line), reloaded when it changes. */
  optOutPath?: string;
  /**
   * Where the operator's gallery and opt-out list are stored, when not in galleryDir and optOutPath: PostgreSQL
   * for several hosts (lib/store/postgres-gallery), whose changes are also pushed (watch) to reload at once.
   */
  operator?: OperatorGallery;
}

function operatorOf(sources: GallerySources): OperatorGallery {
  return sources.operator ?? createGalleryFolder(sources.galleryDir, sources.optOutPath);
}

/**
 * How often each process compares the gallery's and opt-out file's identities (two stat calls). A change
 * re-indexes only the operator's rows (the pack's index is built once), so a person added in the admin area
 * on one pm2 worker is recognized by every worker within this plus the reload (docs/admin.md has the figure).
 */
export const RELOAD_POLL_MS = 500;

const EMPTY_ROWS = new Float32Array(0);

interface Base {
  people: KnownPerson[];
  index: PeopleBase | null;
  dims: number;
}

/** The pack's people (lean: no embedding rows) and their row index, built once. */
async function loadBase(sources: GallerySources): Promise<Base> {
  const pack = (await sources.pack?.()) ?? [];
  if (pack.length === 0) return { people: [], index: null, dims: EMBEDDING_DIMS };
  const dims = EMBEDDING_DIMS; // the pack is tied to the embedding model (pack.ts), whose vectors are 512-d
  const rows = pack.reduce((sum, p) => sum + p.embeddings.length / dims, 0);
  const matrix = new Float32Array(rows * dims);
  const owners = new Int32Array(rows);
  let row = 0;
  pack.forEach((person, index) => {
    matrix.set(person.embeddings, row * dims);
    const count = person.embeddings.length / dims;
    owners.fill(index, row, row + count);
    row += count;
  });
  // The index keeps int8 rows only (exact for the pack's rows), so the float32 rows are let go.
  const index = createPeopleBase(matrix, owners, pack.length, dims);
  return { people: pack.map((p) => ({ ...p, embeddings: EMPTY_ROWS })), index, dims };
}

async function versionOf(store: OperatorGallery): Promise<string> {
  const [gallery, optOut] = await Promise.all([store.version(), store.optOutVersion()]);
  return `${gallery}|${optOut}`;
}

async function loadSnapshot(store: OperatorGallery, base: Base): Promise<GallerySnapshot> {
  const version = await versionOf(store);
  const [operator, optOut] = await Promise.all([store.load(), store.loadOptOut()]);
  if (base.index && operator.people.length > 0 && operator.dims !== base.dims) {
    throw new Error(`the gallery at ${store.description} holds ${operator.dims}-d embeddings, the pack ${base.dims}-d`);
  }
  const layered = layerKnownPeople(base.people, operator, optOut);
  const index = extendPeopleIndex(base.index, { ...layered.extra, people: layered.people.length, dims: base.index ? base.dims : operator.dims }, {
    excluded: layered.optedOut,
    negatives: layered.negatives,
  });
  const people = layered.people.map((p) => (p.embeddings.length ? { ...p, embeddings: EMPTY_ROWS } : p));
  const indexOf = new Map(people.map((p, i) => [p.id, i]));
  const byId = new Map(people.filter((_, i) => !layered.optedOut[i]).map((p) => [p.id, p]));
  // People with no rows at all (an operator entry for a pack person the pack does not have) cannot be searched.
  return {
    version, people, packPeople: base.people.length, index, byId, indexOf,
    optedOut: layered.optedOut, optedOutIds: layered.optedOutIds, notes: operator.notes ?? {},
  };
}

/**
 * Keeps whom the server knows loaded (pack + operator's gallery, opt-out list applied) and picks up a
 * re-import, an admin's change or an opt-out edit without a restart: every `recheckMs` it compares the
 * files' identities (inode, mtime, size) and reloads in the background, serving the previous snapshot until
 * the new one is ready. The pack is indexed once; a reload re-indexes the operator's rows only. Snapshots are
 * immutable, so concurrent requests are safe.
 */
export function createLiveGallery(sources: GallerySources | string, recheckMs = RELOAD_POLL_MS): LiveGallery {
  const from: GallerySources = typeof sources === 'string' ? { galleryDir: sources } : sources;
  const store = operatorOf(from);
  let stopWatching: (() => void) | undefined;
  let base: Promise<Base> | undefined;
  let snapshot: Promise<GallerySnapshot> | undefined;
  let checks: Promise<unknown> = Promise.resolve();
  let checking = false;
  let lastCheck = 0;
  let timer: NodeJS.Timeout | undefined;

  /** Compares the files' identities with the loaded snapshot's and reloads on a change; checks run one at a time. */
  const check = (): Promise<unknown> => {
    lastCheck = Date.now();
    checking = true;
    const run = checks.then(async () => {
      const loaded = await snapshot;
      if (!loaded || !base) return;
      if ((await versionOf(store)) !== loaded.version) snapshot = Promise.resolve(await loadSnapshot(store, await base));
    });
    checks = run.catch((error: unknown) => log.error({ err: error, gallery: store.description }, 'gallery reload failed; keeping the previous one'))
      .finally(() => (checking = false));
    return checks;
  };

  const startPolling = () => {
    // A pushed change (another host saved) is checked at once, after any check already running.
    if (!stopWatching && store.watch) stopWatching = store.watch(() => void check());
    if (timer || recheckMs <= 0) return;
    timer = setInterval(() => {
      if (!checking) void check();
    }, recheckMs);
    timer.unref();
  };

  const current = async (): Promise<GallerySnapshot> => {
    if (!snapshot) {
      base ??= loadBase(from);
      base.catch(() => (base = undefined));
      const loading = base.then((b) => loadSnapshot(store, b));
      snapshot = loading;
      loading.catch(() => {
        if (snapshot === loading) snapshot = undefined;
      });
      lastCheck = Date.now();
      const loaded = await loading;
      startPolling();
      return loaded;
    }
    const loaded = await snapshot;
    // Without polling (recheckMs 0), every call checks.
    if (recheckMs <= 0 && !checking && Date.now() - lastCheck >= recheckMs) void check();
    return loaded;
  };

  return {
    current,
    async refresh() {
      await current();
      await check();
      return current();
    },
    nearest: (snap, embedding) => searchPeople(snap.index, embedding),
    async list({ query = '', page = 1, pageSize = 50 } = {}) {
      const snap = await current();
      const needle = normalizeName(query);
      const matching = [...snap.byId.values()].filter((p) => normalizeName(p.name).includes(needle)).sort((a, b) => a.name.localeCompare(b.name));
      const size = Math.min(Math.max(1, Math.floor(pageSize)), 200);
      const pageNumber = Math.max(1, Math.floor(page));
      const items = matching.slice((pageNumber - 1) * size, pageNumber * size).map((p) => ({
        id: p.id, name: p.name, urls: p.urls, knownGender: p.knownGender, photos: p.sources.length,
      }));
      return { items, total: matching.length, page: pageNumber, pageSize: size };
    },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      stopWatching?.();
      stopWatching = undefined;
    },
  };
}
