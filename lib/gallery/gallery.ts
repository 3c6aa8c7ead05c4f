import { assignCelebrityId, normalizeName } from './ids';

export type Gender = 'Male' | 'Female';

/** What the import did with one photo file (recorded so a re-run skips it). */
export type PhotoOutcome = 'embedded' | 'no_face' | 'unreadable';

export interface PhotoRecord {
  /** Id of the celebrity the photo's folder names. */
  person: string;
  size: number;
  mtimeMs: number;
  outcome: PhotoOutcome;
  /** Faces the engine found (the largest one is embedded when there are several). */
  faces: number;
}

/** One celebrity and their reference embeddings. */
export interface Person {
  id: string;
  name: string;
  /** Full URLs (https://…). */
  urls: string[];
  /** Majority of the gender estimates of the imported photos (Rekognition's KnownGender.Type). */
  knownGender?: Gender;
  genderVotes: { Male: number; Female: number };
  /** float32 [count, dims], row-major, unit rows. */
  embeddings: Float32Array;
  /** Photo key of each embedding row: an absolute path (gallery:import) or `admin:<sample id>` (added in the admin area). */
  sources: string[];
  /**
   * Faces an admin marked "this is not them" (float32 [count, dims], unit rows): the matcher does not name
   * this person for a face closer to one of these than to the person (lib/gallery/match.ts).
   */
  negatives?: Float32Array;
  /** Sample key (`admin:<sample id>`) of each negative row. */
  negativeSources?: string[];
  /** An admin's edits of a celebrity-pack person (the pack itself is read-only): they replace the pack's name and URLs. */
  overrides?: { name?: string; urls?: string[] };
}

/** Where a sample added in the admin area came from (keyed by sample id in Gallery.notes). */
export type SampleNote =
  | { at: string; from: 'photo'; file?: string }
  | { at: string; from: 'result'; recognition: string; face: number };

export interface Gallery {
  dims: number;
  people: Person[];
  /** Photo key (absolute path) → what the import did with it. */
  photos: Record<string, PhotoRecord>;
  /** Sample id → where an admin-added sample or negative came from. */
  notes?: Record<string, SampleNote>;
}

export const EMBEDDING_DIMS = 512;

/** An empty gallery for `dims`-wide embeddings. */
export function createGallery(dims = EMBEDDING_DIMS): Gallery {
  return { dims, people: [], photos: {} };
}

/** The person with this exact id, if any. */
export function findPerson(gallery: Gallery, id: string): Person | undefined {
  return gallery.people.find((p) => p.id === id);
}

/** Finds the person named `name` (normalised), or adds them with a fresh collision-safe id. */
export function ensurePerson(gallery: Gallery, name: string): Person {
  const normalized = normalizeName(name);
  const existing = gallery.people.find((p) => normalizeName(p.name) === normalized);
  if (existing) return existing;
  const taken = new Map(gallery.people.map((p) => [p.id, normalizeName(p.name)]));
  const person: Person = {
    id: assignCelebrityId(name, taken),
    name,
    urls: [],
    genderVotes: { Male: 0, Female: 0 },
    embeddings: new Float32Array(0),
    sources: [],
  };
  gallery.people.push(person);
  return person;
}

/** Appends one embedding (float32 [dims]) from photo `source`, and counts its gender vote. */
export function addEmbedding(gallery: Gallery, person: Person, embedding: Float32Array, source: string, gender?: Gender): void {
  if (embedding.length !== gallery.dims) throw new Error(`embedding has ${embedding.length} dims, gallery has ${gallery.dims}`);
  const grown = new Float32Array(person.embeddings.length + gallery.dims);
  grown.set(person.embeddings);
  grown.set(embedding, person.embeddings.length);
  person.embeddings = grown;
  person.sources.push(source);
  if (gender) addGenderVote(person, gender);
}

/** Counts one gender estimate; knownGender is the majority (none on a tie). */
export function addGenderVote(person: Person, gender: Gender): void {
  person.genderVotes[gender] += 1;
  const { Male, Female } = person.genderVotes;
  person.knownGender = Male === Female ? undefined : Male > Female ? 'Male' : 'Female';
}

/** Adds a URL unless the person already has it. */
export function addUrl(person: Person, url: string): boolean {
  if (person.urls.includes(url)) return false;
  person.urls.push(url);
  return true;
}

/** Removes a person (by exact id, else by normalised name) with their photo records; returns them. */
export function removePerson(gallery: Gallery, idOrName: string): Person | undefined {
  const normalized = normalizeName(idOrName);
  const index = gallery.people.findIndex((p) => p.id === idOrName || normalizeName(p.name) === normalized);
  if (index < 0) return undefined;
  const [person] = gallery.people.splice(index, 1);
  for (const [key, record] of Object.entries(gallery.photos)) if (record.person === person!.id) delete gallery.photos[key];
  return person;
}

/** Number of embedding rows across all people. */
export function embeddingCount(gallery: Gallery): number {
  return gallery.people.reduce((sum, p) => sum + p.embeddings.length / gallery.dims, 0);
}

/**
 * All embeddings as one float32 [rows, dims] matrix, and the index into `people` of each row's owner. A
 * loaded gallery's people already sit back to back in one matrix (store.ts): that matrix is returned as it
 * is, not copied (27 MB for 13k rows the server would otherwise hold twice), so callers must not write to it.
 */
export function flattenGallery(gallery: Gallery): { matrix: Float32Array; owners: Int32Array } {
  const rows = embeddingCount(gallery);
  const owners = new Int32Array(rows);
  let row = 0;
  gallery.people.forEach((person, index) => {
    const count = person.embeddings.length / gallery.dims;
    owners.fill(index, row, row + count);
    row += count;
  });
  return { matrix: contiguousRows(gallery.people, rows * gallery.dims) ?? copyRows(gallery), owners };
}

/** The one array all people's embeddings are consecutive views of, in order, or null when they are not. */
function contiguousRows(people: readonly Person[], length: number): Float32Array | null {
  const withRows = people.filter((p) => p.embeddings.length > 0);
  const first = withRows[0]?.embeddings;
  if (!first) return null;
  let offset = first.byteOffset;
  for (const { embeddings } of withRows) {
    if (embeddings.buffer !== first.buffer || embeddings.byteOffset !== offset) return null;
    offset += embeddings.byteLength;
  }
  return new Float32Array(first.buffer, first.byteOffset, length);
}

function copyRows(gallery: Gallery): Float32Array {
  const matrix = new Float32Array(embeddingCount(gallery) * gallery.dims);
  let offset = 0;
  for (const person of gallery.people) {
    matrix.set(person.embeddings, offset);
    offset += person.embeddings.length;
  }
  return matrix;
}
