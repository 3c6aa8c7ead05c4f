/**
 * Turns labelled photos and their embedded faces into the pack's people and rows (pure: no I/O). Shared by
 * gallery:build-pack and eval:pack, so the held-out evaluation tests exactly what ships.
 */
import {
  assignCelebrityId, normalizeName, pickFaceByReference, pickSubjectFace, type Gender, type PackPerson,
} from '../../lib/gallery';
import type { CachedPhoto } from './embed-cache';
import { DISPLAY_NAMES, type SourcePhoto } from './sources';

const DIMS = 512;

/**
 * A face sample whose median cosine to the person's other samples is below this is dropped (people with 3+
 * samples): same-person pairs sit far above it, unrelated faces near 0, so such a row is a mislabelled photo
 * or the wrong face of a group photo, and would name strangers. Set a priori, not fitted (docs/pack.md).
 */
export const OUTLIER_MEDIAN_COSINE = 0.2;

export interface AssembledPack {
  people: PackPerson[];
  /** float32 [rows, 512], unit rows, people's rows in order. */
  matrix: Float32Array;
  photosWithoutFace: number;
  photosWithSeveralFaces: number;
  /** Samples dropped as unlike the rest of their person (OUTLIER_MEDIAN_COSINE). */
  outliersDropped: number;
}

interface Gathered {
  name: string;
  spellings: Set<string>;
  photos: SourcePhoto[];
}

function gatherPeople(photos: readonly SourcePhoto[]): Map<string, Gathered> {
  const people = new Map<string, Gathered>();
  for (const photo of photos) {
    const display = DISPLAY_NAMES[photo.name] ?? photo.name;
    const key = normalizeName(display);
    let person = people.get(key);
    if (!person) people.set(key, (person = { name: display, spellings: new Set(), photos: [] }));
    person.spellings.add(photo.name);
    person.photos.push(photo);
  }
  return people;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let j = 0; j < DIMS; j++) dot += a[j]! * b[j]!;
  return dot;
}

/** The samples that look like the rest of their person (all of them for people with fewer than 3). */
export function withoutOutliers<T extends { embedding: Float32Array }>(samples: readonly T[], minMedian = OUTLIER_MEDIAN_COSINE): T[] {
  if (samples.length < 3) return [...samples];
  return samples.filter((sample, i) => {
    const others = samples.filter((_, j) => j !== i).map((o) => cosine(sample.embedding, o.embedding)).sort((a, b) => a - b);
    return others[Math.floor(others.length / 2)]! >= minMedian;
  });
}

function majority(votes: Gender[]): Gender | undefined {
  const male = votes.filter((v) => v === 'Male').length;
  const female = votes.length - male;
  return male === female ? undefined : male > female ? 'Male' : 'Female';
}

/**
 * One entry per person (names folded by normalizeName after DISPLAY_NAMES), their rows in photo order: a
 * single-face photo gives its face; a photo with several faces gives the one most like the person's
 * single-face photos, or without those the largest face nearest the centre; a photo without a face gives none.
 */
export function assemblePack(photos: readonly SourcePhoto[], faces: ReadonlyMap<string, CachedPhoto>, imdb: ReadonlyMap<string, string> = new Map()): AssembledPack {
  const gathered = [...gatherPeople(photos)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const taken = new Map<string, string>();
  const people: PackPerson[] = [];
  const rows: Float32Array[] = [];
  let photosWithoutFace = 0;
  let photosWithSeveralFaces = 0;
  let outliersDropped = 0;
  for (const [key, person] of gathered) {
    const chosen: Array<{ photo: SourcePhoto; embedding: Float32Array; gender?: Gender }> = [];
    const several: Array<{ photo: SourcePhoto; found: CachedPhoto }> = [];
    for (const photo of person.photos) {
      const found = faces.get(photo.path);
      if (!found || found.faces.length === 0) photosWithoutFace += 1;
      else if (found.faces.length === 1) chosen.push({ photo, ...found.faces[0]! });
      else several.push({ photo, found });
    }
    const reference = new Float32Array(chosen.length * DIMS);
    chosen.forEach((c, i) => reference.set(c.embedding, i * DIMS));
    for (const { photo, found } of several) {
      const face = pickFaceByReference(found.faces, reference, DIMS) ?? pickSubjectFace(found.faces, found.width, found.height);
      if (face) chosen.push({ photo, ...face });
      photosWithSeveralFaces += 1;
    }
    const kept = withoutOutliers(chosen);
    outliersDropped += chosen.length - kept.length;
    chosen.splice(0, chosen.length, ...kept);
    if (chosen.length === 0) continue;
    const order = new Map(person.photos.map((p, i) => [p.path, i]));
    chosen.sort((a, b) => order.get(a.photo.path)! - order.get(b.photo.path)!);
    const id = assignCelebrityId(person.name, taken);
    taken.set(id, key);
    const sources: Record<string, number> = {};
    for (const c of chosen) sources[c.photo.set] = (sources[c.photo.set] ?? 0) + 1;
    const aliases = [...person.spellings].filter((s) => normalizeName(s) !== key).sort();
    const url = [person.name, ...aliases].map((n) => imdb.get(n)).find(Boolean);
    const knownGender = majority(chosen.flatMap((c) => (c.gender ? [c.gender] : [])));
    people.push({ id, name: person.name, aliases, urls: url ? [url] : [], ...(knownGender ? { knownGender } : {}), rows: chosen.length, sources });
    for (const c of chosen) rows.push(c.embedding);
  }
  const matrix = new Float32Array(rows.length * DIMS);
  rows.forEach((row, i) => matrix.set(row, i * DIMS));
  return { people, matrix, photosWithoutFace, photosWithSeveralFaces, outliersDropped };
}

/** The photos whose gender the import estimates: each person's first `votes` photos (fixed, so rebuilds agree). */
export function genderVotePhotos(photos: readonly SourcePhoto[], votes: number): Set<string> {
  const asked = new Map<string, number>();
  const out = new Set<string>();
  for (const photo of photos) {
    const key = normalizeName(DISPLAY_NAMES[photo.name] ?? photo.name);
    const count = asked.get(key) ?? 0;
    if (count < votes) out.add(photo.path);
    asked.set(key, count + 1);
  }
  return out;
}
