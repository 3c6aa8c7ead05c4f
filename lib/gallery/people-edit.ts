import { createHash, randomBytes } from 'node:crypto';
import { addEmbedding, type Gallery, type Person, type SampleNote } from './gallery';
import { ADDED_SOURCE_PREFIX } from './merge';

/**
 * What the admin area changes in the operator's gallery, as plain edits of a Gallery in memory (the caller
 * loads, edits and saves it under withGalleryLock). Samples are named by a sample id: `admin:<id>` rows keep
 * theirs, an imported row's is derived from its photo path, a pack row's from its pack key.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SAMPLE_ID = /^[0-9A-Za-z]{12}$/;

function base62(bytes: Uint8Array, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[bytes[i]! % 62];
  return out;
}

/** A fresh sample id: 12 base62 characters (~71 bits). */
export function newSampleId(): string {
  return base62(randomBytes(12), 12);
}

/** True for strings shaped like a sample id (checked before any lookup). */
export function isSampleId(value: string): boolean {
  return SAMPLE_ID.test(value);
}

/** The sample id of a row's source key. */
export function sampleIdOf(source: string): string {
  if (source.startsWith(ADDED_SOURCE_PREFIX)) return source.slice(ADDED_SOURCE_PREFIX.length);
  return base62(createHash('sha256').update(source).digest(), 12);
}

/** Where a sample came from, as the admin area shows it. */
export type SampleOrigin = 'pack' | 'imported' | 'added';

export function sampleOrigin(source: string): SampleOrigin {
  if (source.startsWith('pack:')) return 'pack';
  return source.startsWith(ADDED_SOURCE_PREFIX) ? 'added' : 'imported';
}

/** The operator's entry for a person of any origin: found by id, or made (a pack person's edits and samples live in one). */
export function entryFor(gallery: Gallery, person: { id: string; name: string }): Person {
  const existing = gallery.people.find((p) => p.id === person.id);
  if (existing) return existing;
  const entry: Person = { id: person.id, name: person.name, urls: [], genderVotes: { Male: 0, Female: 0 }, embeddings: new Float32Array(0), sources: [] };
  gallery.people.push(entry);
  return entry;
}

/** Adds a face sample (float32 [dims], unit) to `person` under a fresh id (or `id`, already used for its face crop); returns the id. */
export function addSample(gallery: Gallery, person: Person, embedding: Float32Array, note: SampleNote, id = newSampleId()): string {
  addEmbedding(gallery, person, embedding, `${ADDED_SOURCE_PREFIX}${id}`);
  gallery.notes = { ...gallery.notes, [id]: note };
  return id;
}

/** Keeps a face as a negative sample of `person` ("this is not them"); returns its sample id (`id` when given). */
export function addNegativeSample(gallery: Gallery, person: Person, embedding: Float32Array, note: SampleNote, id = newSampleId()): string {
  if (embedding.length !== gallery.dims) throw new Error(`embedding has ${embedding.length} dims, gallery has ${gallery.dims}`);
  const previous = person.negatives ?? new Float32Array(0);
  const grown = new Float32Array(previous.length + gallery.dims);
  grown.set(previous);
  grown.set(embedding, previous.length);
  person.negatives = grown;
  person.negativeSources = [...(person.negativeSources ?? []), `${ADDED_SOURCE_PREFIX}${id}`];
  gallery.notes = { ...gallery.notes, [id]: note };
  return id;
}

function withoutRow(rows: Float32Array, row: number, dims: number): Float32Array {
  const out = new Float32Array(rows.length - dims);
  out.set(rows.subarray(0, row * dims));
  out.set(rows.subarray((row + 1) * dims), row * dims);
  return out;
}

/**
 * Removes the sample (or negative sample) with this id from whichever of `entries` holds it. An imported
 * photo's record stays, so a re-run of gallery:import does not bring the sample back. Returns what was
 * removed, or null.
 */
export function removeSample(gallery: Gallery, entries: readonly Person[], sampleId: string): { person: Person; negative: boolean } | null {
  for (const person of entries) {
    const row = person.sources.findIndex((s) => sampleIdOf(s) === sampleId);
    if (row >= 0) {
      person.embeddings = withoutRow(person.embeddings, row, gallery.dims);
      person.sources = person.sources.filter((_, i) => i !== row);
      forgetNote(gallery, sampleId);
      return { person, negative: false };
    }
    const negativeRow = (person.negativeSources ?? []).findIndex((s) => sampleIdOf(s) === sampleId);
    if (negativeRow >= 0 && person.negatives) {
      person.negatives = withoutRow(person.negatives, negativeRow, gallery.dims);
      person.negativeSources = person.negativeSources!.filter((_, i) => i !== negativeRow);
      forgetNote(gallery, sampleId);
      return { person, negative: true };
    }
  }
  return null;
}

function forgetNote(gallery: Gallery, sampleId: string): void {
  if (!gallery.notes?.[sampleId]) return;
  gallery.notes = Object.fromEntries(Object.entries(gallery.notes).filter(([id]) => id !== sampleId));
}

/**
 * Takes `entries` out of the gallery with their notes and photo records (a later gallery:import of the same
 * folder embeds them again). Returns the ids of the admin-added samples they held (their face crops can go).
 */
export function removeEntries(gallery: Gallery, entries: readonly Person[]): string[] {
  const removed = new Set(entries);
  const ids = new Set(entries.map((p) => p.id));
  gallery.people = gallery.people.filter((p) => !removed.has(p));
  for (const [key, record] of Object.entries(gallery.photos)) if (ids.has(record.person)) delete gallery.photos[key];
  const added = entries.flatMap((p) => [...p.sources, ...(p.negativeSources ?? [])]).filter((s) => s.startsWith(ADDED_SOURCE_PREFIX)).map(sampleIdOf);
  for (const id of added) forgetNote(gallery, id);
  return added;
}

/** True when an entry holds nothing any more (no rows, no negative samples, no edits) and can go. */
export function isEmptyEntry(person: Person): boolean {
  return person.embeddings.length === 0 && (person.negatives?.length ?? 0) === 0 && !person.overrides;
}
