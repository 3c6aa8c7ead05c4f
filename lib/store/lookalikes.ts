import { faceLookalikesSchema, type FaceLookalikes } from '../contract/lookalikes';

/** A result's lookalikes as a store keeps them (JSON text, or a JSON value), or nothing when none were kept or they do not parse. */
export function storedLookalikes(value: unknown): { lookalikes?: FaceLookalikes } {
  if (value === null || value === undefined) return {};
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return {};
    }
  }
  const checked = faceLookalikesSchema.safeParse(parsed);
  return checked.success ? { lookalikes: checked.data } : {};
}

/** The lookalikes to store, checked: JSON text, or null when there are none. */
export function lookalikesJson(lookalikes: FaceLookalikes | undefined): string | null {
  return lookalikes ? JSON.stringify(faceLookalikesSchema.parse(lookalikes)) : null;
}
