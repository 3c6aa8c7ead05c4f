import {
  EMPTY_OPT_OUT, addNegativeSample, addSample, createGalleryFolder, ensurePerson, entryFor, isEmptyEntry, isSampleId, layerKnownPeople, newSampleId,
  normalizeName, removeEntries, removeSample, sampleIdOf, sampleOrigin, type Gallery, type KnownPerson, type OperatorGallery, type Person,
  type SampleNote, type SampleOrigin,
} from '../gallery';
import type { GallerySnapshot, LiveGallery } from './local-gallery';

/**
 * The people the admin area manages: everyone the server knows (pack and operator's gallery, opted-out
 * people included), and the changes it makes. Every change is a read-modify-write of the operator's
 * gallery under its lock (other pm2 workers, gallery:import), saved durably before it returns; this
 * process then reloads at once, the others within their polling interval.
 */

export interface PersonSummary {
  id: string;
  name: string;
  urls: string[];
  knownGender?: 'Male' | 'Female';
  /** In the shipped celebrity pack (its samples and name come from there; edits and added samples are the operator's). */
  inPack: boolean;
  optedOut: boolean;
  /** Face samples in all, and per origin: pack set names (lfw, pins_105, raw), `imported`, `added`. */
  samples: number;
  origin: Record<string, number>;
  negatives: number;
}

export interface SampleInfo {
  id: string;
  origin: SampleOrigin;
  /** A negative sample ("this is not them"). */
  negative: boolean;
  /** The photo's file name (imported, or uploaded in the admin area), when known. */
  file?: string;
  /** When it was added in the admin area. */
  addedAt?: string;
  /** The result page face it was named or rejected from. */
  recognition?: { id: string; face: number };
}

export interface PersonDetail extends PersonSummary {
  aliases: string[];
  /** The operator's samples and negative samples (the pack's own are counted in `origin`, not listed). */
  operatorSamples: SampleInfo[];
}

export interface PeoplePage {
  items: PersonSummary[];
  total: number;
  page: number;
  pageSize: number;
}

/** A face to add: its embedding (float32 [dims], flip-averaged), a JPEG crop to show it by, and where it came from. */
export interface NewSample {
  embedding: Float32Array;
  crop?: Uint8Array;
  note: SampleNote;
}

export type PeopleChange =
  | { ok: true; person: PersonDetail }
  | { ok: false; reason: 'not_found' | 'name_taken' | 'not_operator_sample' };

export interface PeopleAdmin {
  search(options: { query?: string; page?: number; pageSize?: number }): Promise<PeoplePage>;
  get(id: string): Promise<PersonDetail | null>;
  /** The known person (opted-out included) whose name or other spelling is `name`, if any. */
  findByName(name: string): Promise<PersonSummary | null>;
  /** Adds samples to the person `id`, or to the person named `name` (made when nobody has that name). */
  addSamples(target: { id: string } | { name: string; urls?: string[] }, samples: readonly NewSample[]): Promise<PeopleChange>;
  update(id: string, change: { name?: string; urls?: string[] }): Promise<PeopleChange>;
  /** Forgets the operator's samples and edits of the person; a pack person is also put on the opt-out list (the pack is read-only). */
  remove(id: string): Promise<boolean>;
  removeSample(id: string, sampleId: string): Promise<PeopleChange>;
  addNegative(id: string, sample: NewSample): Promise<PeopleChange>;
  setOptedOut(id: string, optedOut: boolean): Promise<PeopleChange>;
  /** The face crop of an admin-added sample of this person, or null. */
  sampleFace(id: string, sampleId: string): Promise<Uint8Array | null>;
}

function fileName(source: string): string | undefined {
  if (source.startsWith('pack:') || source.startsWith('admin:')) return undefined;
  return source.split(/[\\/]/).pop();
}

function sampleInfo(source: string, negative: boolean, notes: GallerySnapshot['notes']): SampleInfo {
  const id = sampleIdOf(source);
  const note = notes[id];
  return {
    id,
    origin: sampleOrigin(source),
    negative,
    ...(note?.from === 'photo' && note.file ? { file: note.file } : {}),
    ...(fileName(source) ? { file: fileName(source) } : {}),
    ...(note ? { addedAt: note.at } : {}),
    ...(note?.from === 'result' ? { recognition: { id: note.recognition, face: note.face } } : {}),
  };
}

function summary(snapshot: GallerySnapshot, index: number): PersonSummary {
  const person = snapshot.people[index]!;
  return {
    id: person.id,
    name: person.name,
    urls: [...person.urls],
    ...(person.knownGender ? { knownGender: person.knownGender } : {}),
    inPack: index < snapshot.packPeople,
    optedOut: snapshot.optedOut[index] === 1,
    samples: person.sources.length,
    origin: { ...person.origin },
    negatives: person.negativeSources?.length ?? 0,
  };
}

function detail(snapshot: GallerySnapshot, index: number): PersonDetail {
  const person = snapshot.people[index]!;
  const operatorSamples = [
    ...person.sources.filter((s) => sampleOrigin(s) !== 'pack').map((s) => sampleInfo(s, false, snapshot.notes)),
    ...(person.negativeSources ?? []).map((s) => sampleInfo(s, true, snapshot.notes)),
  ];
  return { ...summary(snapshot, index), aliases: [...person.aliases], operatorSamples };
}

/** The operator entries (in `gallery`) that make up the snapshot's person `index`: their own entry, or the ones extending a pack person. */
function entriesOf(gallery: Gallery, packPeople: readonly KnownPerson[], person: KnownPerson, isPack: boolean): Person[] {
  if (!isPack) return gallery.people.filter((p) => p.id === person.id);
  const layered = layerKnownPeople(packPeople, gallery, EMPTY_OPT_OUT);
  const packIndex = packPeople.findIndex((p) => p.id === person.id);
  return gallery.people.filter((_, i) => layered.entryOwners[i] === packIndex);
}

/** `store`: where the operator's gallery is kept (PostgreSQL for several hosts); default the folder and the opt-out file. */
export function createPeopleAdmin(live: LiveGallery, options: { galleryDir: string; optOutPath: string; store?: OperatorGallery }): PeopleAdmin {
  const store = options.store ?? createGalleryFolder(options.galleryDir, options.optOutPath);

  const find = async (id: string) => {
    const snapshot = await live.current();
    const index = snapshot.indexOf.get(id);
    return index === undefined ? null : { snapshot, index, person: snapshot.people[index]! };
  };

  /** Load, edit and save the gallery under its lock; then this process reloads, and the person is read back. */
  const change = async (id: string | null, edit: (gallery: Gallery, packPeople: readonly KnownPerson[]) => Promise<string | PeopleChange>): Promise<PeopleChange> => {
    const snapshot = await live.current();
    const packPeople = snapshot.people.slice(0, snapshot.packPeople);
    const outcome = await store.withLock(async () => {
      const gallery = await store.load();
      const result = await edit(gallery, packPeople);
      if (typeof result === 'string') await store.save(gallery);
      return result;
    });
    if (typeof outcome !== 'string') return outcome;
    const fresh = await live.refresh();
    const index = fresh.indexOf.get(outcome) ?? (id ? fresh.indexOf.get(id) : undefined);
    return index === undefined ? { ok: false, reason: 'not_found' } : { ok: true, person: detail(fresh, index) };
  };

  const nameTaken = (snapshot: GallerySnapshot, name: string, except: string): boolean => {
    const wanted = normalizeName(name);
    return snapshot.people.some((p) => p.id !== except && [p.name, ...p.aliases].some((n) => normalizeName(n) === wanted));
  };

  const admin: PeopleAdmin = {
    async search({ query = '', page = 1, pageSize = 50 }) {
      const snapshot = await live.current();
      const needle = normalizeName(query);
      const matching = snapshot.people
        .map((person, index) => ({ person, index }))
        .filter(({ person }) => [person.name, ...person.aliases].some((n) => normalizeName(n).includes(needle)))
        .sort((a, b) => a.person.name.localeCompare(b.person.name) || a.index - b.index);
      const size = Math.min(Math.max(1, Math.floor(pageSize)), 200);
      const pageNumber = Math.max(1, Math.floor(page));
      const items = matching.slice((pageNumber - 1) * size, pageNumber * size).map(({ index }) => summary(snapshot, index));
      return { items, total: matching.length, page: pageNumber, pageSize: size };
    },

    async get(id) {
      const found = await find(id);
      return found && detail(found.snapshot, found.index);
    },

    async findByName(name) {
      const snapshot = await live.current();
      const wanted = normalizeName(name);
      const index = snapshot.people.findIndex((p) => [p.name, ...p.aliases].some((n) => normalizeName(n) === wanted));
      return index < 0 ? null : summary(snapshot, index);
    },

    async addSamples(target, samples) {
      const existing = 'id' in target ? await find(target.id) : await admin.findByName(target.name).then((s) => (s ? find(s.id) : null));
      if ('id' in target && !existing) return { ok: false, reason: 'not_found' };
      const ids = await Promise.all(samples.map(reserveCrop));
      return change(existing?.person.id ?? null, async (gallery) => {
        const entry = existing ? entryFor(gallery, { id: existing.person.id, name: existing.person.name }) : ensurePerson(gallery, (target as { name: string }).name);
        const urls = 'urls' in target ? (target.urls ?? []) : [];
        for (const url of urls) if (!entry.urls.includes(url)) entry.urls.push(url);
        samples.forEach((sample, i) => addSample(gallery, entry, sample.embedding, sample.note, ids[i]));
        return entry.id;
      });
    },

    async update(id, { name, urls }) {
      const found = await find(id);
      if (!found) return { ok: false, reason: 'not_found' };
      if (name !== undefined && nameTaken(found.snapshot, name, id)) return { ok: false, reason: 'name_taken' };
      const isPack = found.index < found.snapshot.packPeople;
      return change(id, async (gallery) => {
        const entry = entryFor(gallery, { id, name: found.person.name });
        if (isPack) {
          entry.overrides = { ...entry.overrides, ...(name !== undefined ? { name } : {}), ...(urls !== undefined ? { urls } : {}) };
        } else {
          if (name !== undefined) entry.name = name;
          if (urls !== undefined) entry.urls = [...urls];
        }
        return id;
      });
    },

    async remove(id) {
      const found = await find(id);
      if (!found) return false;
      const isPack = found.index < found.snapshot.packPeople;
      const packPeople = found.snapshot.people.slice(0, found.snapshot.packPeople);
      const crops = await store.withLock(async () => {
        const gallery = await store.load();
        const removed = removeEntries(gallery, entriesOf(gallery, packPeople, found.person, isPack));
        await store.save(gallery);
        if (isPack) await store.setOptedOut(found.person, true);
        return removed;
      });
      await store.removeSampleFaces(crops);
      await live.refresh();
      return true;
    },

    async removeSample(id, sampleId) {
      const found = await find(id);
      if (!found || !isSampleId(sampleId)) return { ok: false, reason: 'not_found' };
      const isPack = found.index < found.snapshot.packPeople;
      if (found.person.sources.some((s) => sampleOrigin(s) === 'pack' && sampleIdOf(s) === sampleId)) return { ok: false, reason: 'not_operator_sample' };
      let removed = false;
      const outcome = await change(id, async (gallery, packPeople) => {
        const entries = entriesOf(gallery, packPeople, found.person, isPack);
        const hit = removeSample(gallery, entries, sampleId);
        if (!hit) return { ok: false, reason: 'not_found' };
        if (isEmptyEntry(hit.person)) removeEntries(gallery, [hit.person]);
        removed = true;
        return id;
      });
      if (removed) await store.removeSampleFaces([sampleId]);
      // An own person whose last sample went is nobody any more: the change succeeded all the same.
      if (removed && !outcome.ok) return { ok: true, person: { ...detail(found.snapshot, found.index), samples: 0, origin: {}, operatorSamples: [] } };
      return outcome;
    },

    async addNegative(id, sample) {
      const found = await find(id);
      if (!found) return { ok: false, reason: 'not_found' };
      const isPack = found.index < found.snapshot.packPeople;
      const cropId = await reserveCrop(sample);
      return change(id, async (gallery, packPeople) => {
        const entries = entriesOf(gallery, packPeople, found.person, isPack);
        const entry = entries.find((e) => e.id === id) ?? entries[0] ?? entryFor(gallery, { id, name: found.person.name });
        addNegativeSample(gallery, entry, sample.embedding, sample.note, cropId);
        return id;
      });
    },

    async setOptedOut(id, optedOut) {
      const found = await find(id);
      if (!found) return { ok: false, reason: 'not_found' };
      await store.withLock(() => store.setOptedOut(found.person, optedOut));
      const fresh = await live.refresh();
      const index = fresh.indexOf.get(id);
      return index === undefined ? { ok: false, reason: 'not_found' } : { ok: true, person: detail(fresh, index) };
    },

    async sampleFace(id, sampleId) {
      const found = await find(id);
      if (!found || !isSampleId(sampleId)) return null;
      const sources = [...found.person.sources, ...(found.person.negativeSources ?? [])];
      if (!sources.some((s) => sampleOrigin(s) === 'added' && sampleIdOf(s) === sampleId)) return null;
      return store.readSampleFace(sampleId);
    },
  };

  /** Writes a sample's crop under a fresh id before the gallery names it (a crash leaves a stray crop, never a sample without its crop). */
  async function reserveCrop(sample: NewSample): Promise<string | undefined> {
    if (!sample.crop) return undefined;
    const id = newSampleId();
    await store.writeSampleFace(id, sample.crop);
    return id;
  }

  return admin;
}
