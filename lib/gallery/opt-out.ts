import { readFile, stat } from 'node:fs/promises';
import { writeFileDurably } from './gallery-files';
import { normalizeName } from './ids';

/**
 * The operator's opt-out list: people the server must never name, without rebuilding the pack or the
 * gallery. A plain text file, one name or id a line; `#` starts a comment; blank lines are ignored.
 * A line is checked both as an id (exact) and as a name (normalised: case, accents, punctuation folded).
 */
export interface OptOutList {
  ids: ReadonlySet<string>;
  names: ReadonlySet<string>;
}

export const EMPTY_OPT_OUT: OptOutList = { ids: new Set(), names: new Set() };

/** Parses the opt-out file's text. */
export function parseOptOut(text: string): OptOutList {
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const entry = line.replace(/#.*/, '').trim();
    if (!entry) continue;
    ids.add(entry);
    const name = normalizeName(entry);
    if (name) names.add(name);
  }
  return { ids, names };
}

/** True when the list names this person by id, by name or by one of their other spellings. */
export function isOptedOut(list: OptOutList, person: { id: string; name: string; aliases?: readonly string[] }): boolean {
  if (list.ids.has(person.id) || list.names.has(normalizeName(person.name))) return true;
  return (person.aliases ?? []).some((alias) => list.names.has(normalizeName(alias)));
}

/** Reads the opt-out file at `path`; a missing file is an empty list. */
export async function loadOptOut(path: string): Promise<OptOutList> {
  try {
    return parseOptOut(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_OPT_OUT;
    throw error;
  }
}

/** Identity of the opt-out file (mtime + size), or null when there is none: a change triggers a reload. */
export async function optOutVersion(path: string): Promise<string | null> {
  try {
    const info = await stat(path);
    return `${info.ino}:${info.mtimeMs}:${info.size}`;
  } catch {
    return null;
  }
}

/** The file's text, or '' when it does not exist. */
async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/**
 * Puts a person on the opt-out list (a line with their id, their name as a comment) or takes them off it
 * (every line naming them by id, name or another spelling goes; other lines and comments stay). Written
 * durably (temp file, flush, rename); callers serialise writers (withGalleryLock). Returns whether the file changed.
 */
export async function setOptedOut(path: string, person: { id: string; name: string; aliases?: readonly string[] }, optedOut: boolean): Promise<boolean> {
  const text = await readText(path);
  const listed = isOptedOut(parseOptOut(text), person);
  if (listed === optedOut) return false;
  let next: string;
  if (optedOut) {
    next = `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${person.id}  # ${person.name.replace(/[\r\n#]/g, ' ')}\n`;
  } else {
    next = text
      .split(/(?<=\n)/)
      .filter((line) => {
        const entry = line.replace(/#.*/, '').trim();
        return !entry || !isOptedOut(parseOptOut(entry), person);
      })
      .join('');
  }
  await writeFileDurably(path, next);
  return true;
}
