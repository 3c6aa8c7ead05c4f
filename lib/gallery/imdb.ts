import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';

/** IMDb person page for an `nconst` such as nm0000158. */
export function imdbUrl(nconst: string): string {
  return `https://www.imdb.com/name/${nconst}/`;
}

/**
 * Parses a CSV with `nconst` and `primaryName` columns into name → IMDb URL. Only exact names match (as
 * the issue asks); a name listed twice with different ids is ambiguous and dropped rather than guessed.
 */
export function parseImdbCsv(text: string): Map<string, string> {
  const rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as Array<Record<string, string | undefined>>;
  const first = rows[0];
  if (first && (!('nconst' in first) || !('primaryName' in first))) {
    throw new Error('the IMDb CSV needs the columns nconst and primaryName');
  }
  const byName = new Map<string, string | null>();
  for (const row of rows) {
    const name = row.primaryName;
    const nconst = row.nconst;
    if (!name || !nconst || !/^nm\d+$/.test(nconst)) continue;
    const previous = byName.get(name);
    byName.set(name, previous === undefined || previous === imdbUrl(nconst) ? imdbUrl(nconst) : null);
  }
  const out = new Map<string, string>();
  for (const [name, url] of byName) if (url) out.set(name, url);
  return out;
}

/** Reads and parses an IMDb CSV file; a missing file throws an Error naming the path. */
export async function loadImdbCsv(path: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the IMDb CSV ${path}: ${(error as Error).message}`);
  }
  return parseImdbCsv(text);
}
