import { createHash } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID_LENGTH = 10;

/** Folds case, accents, punctuation and spacing so "José  Ángel_Lopez" and "jose angel lopez" are one person. */
export function normalizeName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/_/g, ' ')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function base62(bytes: Buffer, length: number): string {
  let value = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  while (out.length < length) {
    out += BASE62[Number(value % 62n)];
    value /= 62n;
  }
  return out;
}

/**
 * The stable id ([0-9A-Za-z], 10 characters, ~59 bits) of a celebrity name: a hash of the normalised name, so
 * re-importing the same person on any machine gives the same id. `attempt` > 0 derives the alternatives
 * used when two different names collide (see `assignCelebrityId`).
 */
export function celebrityIdFor(name: string, attempt = 0): string {
  const key = attempt === 0 ? normalizeName(name) : `${normalizeName(name)}\u0000${attempt}`;
  return base62(createHash('sha256').update(key).digest(), ID_LENGTH);
}

/** The id for `name` that no *other* normalised name in `taken` (id → normalised name) already uses. */
export function assignCelebrityId(name: string, taken: ReadonlyMap<string, string>): string {
  const normalized = normalizeName(name);
  for (let attempt = 0; ; attempt++) {
    const id = celebrityIdFor(name, attempt);
    const owner = taken.get(id);
    if (owner === undefined || owner === normalized) return id;
  }
}
