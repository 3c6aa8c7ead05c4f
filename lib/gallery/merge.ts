import type { Gallery, Person } from './gallery';
import { normalizeName } from './ids';
import { isOptedOut, type OptOutList } from './opt-out';

/** A person the server knows: a gallery person plus other spellings and where their face samples came from. */
export interface KnownPerson extends Person {
  aliases: string[];
  /** Face samples per origin: the pack's source sets (lfw, pins_105, raw) and `imported` (gallery:import). */
  origin: Record<string, number>;
}

export interface MergedPeople {
  people: KnownPerson[];
  /** Ids of the people the opt-out list removed (stored results naming them are redacted too). */
  optedOutIds: Set<string>;
}

function concatRows(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Whom the server recognizes: the pack's people, plus the operator's gallery on top (an operator person with
 * the id, name or an alias of a pack person extends that person instead of becoming a twin), minus the
 * opt-out list. Inputs are not modified.
 */
export function mergeKnownPeople(pack: readonly KnownPerson[], operator: Gallery, optOut: OptOutList): MergedPeople {
  const people = pack.map((p) => ({ ...p }));
  const byKey = new Map<string, KnownPerson>();
  for (const person of people) {
    byKey.set(`id:${person.id}`, person);
    for (const name of [person.name, ...person.aliases]) byKey.set(`name:${normalizeName(name)}`, person);
  }
  for (const own of operator.people) {
    if (own.embeddings.length === 0) continue;
    const rows = own.embeddings.length / operator.dims;
    const twin = byKey.get(`id:${own.id}`) ?? byKey.get(`name:${normalizeName(own.name)}`);
    if (twin) {
      twin.embeddings = concatRows(twin.embeddings, own.embeddings);
      twin.sources = [...twin.sources, ...own.sources];
      twin.urls = [...new Set([...twin.urls, ...own.urls])];
      twin.origin = { ...twin.origin, imported: (twin.origin.imported ?? 0) + rows };
      if (!twin.knownGender && own.knownGender) twin.knownGender = own.knownGender;
      continue;
    }
    const added: KnownPerson = { ...own, aliases: [], origin: { imported: rows } };
    people.push(added);
    byKey.set(`id:${added.id}`, added);
    byKey.set(`name:${normalizeName(added.name)}`, added);
  }
  const optedOutIds = new Set<string>();
  const kept = people.filter((p) => {
    if (!isOptedOut(optOut, p)) return true;
    optedOutIds.add(p.id);
    return false;
  });
  return { people: kept, optedOutIds };
}
