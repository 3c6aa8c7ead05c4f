import type { Gallery, Person } from './gallery';
import { normalizeName } from './ids';
import { isOptedOut, type OptOutList } from './opt-out';

/** A person the server knows: a gallery person plus other spellings and where their face samples came from. */
export interface KnownPerson extends Person {
  aliases: string[];
  /**
   * Face samples per origin: the pack's source sets (lfw, pins_105, raw), `imported` (gallery:import) and
   * `added` (the admin area: photos added to a person, faces named on a result page).
   */
  origin: Record<string, number>;
}

export interface MergedPeople {
  people: KnownPerson[];
  /** Ids of the people the opt-out list removed (stored results naming them are redacted too). */
  optedOutIds: Set<string>;
}

/** Whom the server knows, as the live gallery indexes it: the pack's people in place, the operator's on top. */
export interface LayeredPeople {
  /**
   * The pack's people first, at the same index as in the pack (their rows stay in the pack's index), then
   * the operator's own people. Pack people keep their pack embeddings; the operator's rows are in `extra`.
   */
  people: KnownPerson[];
  /** The operator's rows (float32 [rows, dims]) and the person each one belongs to (a pack person it extends, or an own person). */
  extra: { matrix: Float32Array; owners: Int32Array };
  /** optedOut[person] = 1 for people on the opt-out list. */
  optedOut: Uint8Array;
  optedOutIds: Set<string>;
  /** Negative samples ("this is not them") per person index. */
  negatives: Map<number, Float32Array>;
  /** entryOwners[i] = the person operator.people[i] became or extends, or -1 (an own entry without samples). */
  entryOwners: number[];
}

/** Sample keys of rows added in the admin area start with this; other operator rows came from gallery:import. */
export const ADDED_SOURCE_PREFIX = 'admin:';

/** Operator rows per origin: `added` (admin area) and `imported` (gallery:import); zero counts left out. */
export function operatorOrigin(sources: readonly string[]): Record<string, number> {
  const added = sources.filter((s) => s.startsWith(ADDED_SOURCE_PREFIX)).length;
  const imported = sources.length - added;
  return { ...(imported ? { imported } : {}), ...(added ? { added } : {}) };
}

function sumOrigins(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [key, count] of Object.entries(b)) out[key] = (out[key] ?? 0) + count;
  return out;
}

/**
 * Whom the server recognizes: the pack's people, plus the operator's gallery on top (an operator person with
 * the id, name or an alias of a pack person extends that person instead of becoming a twin, and an admin's
 * edits of a pack person replace its name and URLs), with the opt-out list marked. Inputs are not modified.
 */
export function layerKnownPeople(pack: readonly KnownPerson[], operator: Gallery, optOut: OptOutList): LayeredPeople {
  const people: KnownPerson[] = pack.map((p) => ({ ...p }));
  const byKey = new Map<string, number>();
  people.forEach((person, index) => {
    byKey.set(`id:${person.id}`, index);
    for (const name of [person.name, ...person.aliases]) byKey.set(`name:${normalizeName(name)}`, index);
  });
  const dims = operator.dims;
  const rows: Float32Array[] = [];
  const owners: number[] = [];
  const negatives = new Map<number, Float32Array>();
  const entryOwners: number[] = [];
  for (const own of operator.people) {
    entryOwners.push(-1);
    const count = own.embeddings.length / dims;
    const twinIndex = byKey.get(`id:${own.id}`) ?? byKey.get(`name:${normalizeName(own.name)}`);
    let index: number;
    if (twinIndex !== undefined && twinIndex < pack.length) {
      const twin = people[twinIndex]!;
      twin.sources = [...twin.sources, ...own.sources];
      twin.urls = own.overrides?.urls ?? [...new Set([...twin.urls, ...own.urls])];
      if (own.overrides?.name) twin.name = own.overrides.name;
      twin.origin = sumOrigins(twin.origin, operatorOrigin(own.sources));
      if (!twin.knownGender && own.knownGender) twin.knownGender = own.knownGender;
      index = twinIndex;
      entryOwners[entryOwners.length - 1] = index;
    } else {
      if (count === 0) continue; // an own person without samples is nobody to recognize
      index = people.length;
      // Negative samples are attached below, as for a pack person.
      people.push({ ...own, negatives: undefined, negativeSources: undefined, embeddings: new Float32Array(0), aliases: [], origin: operatorOrigin(own.sources) });
      entryOwners[entryOwners.length - 1] = index;
    }
    for (let r = 0; r < count; r++) {
      rows.push(own.embeddings.subarray(r * dims, (r + 1) * dims));
      owners.push(index);
    }
    if (own.negatives && own.negatives.length > 0) {
      const previous = negatives.get(index);
      negatives.set(index, previous ? concatRows(previous, own.negatives) : own.negatives);
      people[index]!.negatives = negatives.get(index);
      people[index]!.negativeSources = [...(people[index]!.negativeSources ?? []), ...(own.negativeSources ?? [])];
    }
  }
  const matrix = new Float32Array(rows.length * dims);
  rows.forEach((row, i) => matrix.set(row, i * dims));
  const optedOut = new Uint8Array(people.length);
  const optedOutIds = new Set<string>();
  people.forEach((person, index) => {
    if (!isOptedOut(optOut, person)) return;
    optedOut[index] = 1;
    optedOutIds.add(person.id);
  });
  return { people, extra: { matrix, owners: Int32Array.from(owners) }, optedOut, optedOutIds, negatives, entryOwners };
}

function concatRows(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * The same people as layerKnownPeople, each with all their rows (pack rows first, then the operator's),
 * and without the people on the opt-out list.
 */
export function mergeKnownPeople(pack: readonly KnownPerson[], operator: Gallery, optOut: OptOutList): MergedPeople {
  const layered = layerKnownPeople(pack, operator, optOut);
  const dims = operator.dims;
  const extraRows = new Map<number, Float32Array[]>();
  layered.extra.owners.forEach((owner, row) => {
    const list = extraRows.get(owner) ?? [];
    list.push(layered.extra.matrix.subarray(row * dims, (row + 1) * dims));
    extraRows.set(owner, list);
  });
  const people = layered.people.flatMap((person, index) => {
    if (layered.optedOut[index]) return [];
    const extra = extraRows.get(index) ?? [];
    if (extra.length === 0) return [person];
    const embeddings = new Float32Array(person.embeddings.length + extra.length * dims);
    embeddings.set(person.embeddings);
    extra.forEach((row, i) => embeddings.set(row, person.embeddings.length + i * dims));
    return [{ ...person, embeddings }];
  });
  return { people, optedOutIds: layered.optedOutIds };
}
