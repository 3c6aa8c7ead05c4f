import { z } from 'zod';

/** A list page's `?q=…&page=…` (the celebrities list, the admin's people), bad values falling back to the first page. */
const listSearchSchema = z.object({
  q: z.string().max(100).catch(''),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function readListSearch(searchParams: SearchParams): Promise<{ query: string; page: number }> {
  const raw = await searchParams;
  const { q: query, page } = listSearchSchema.parse({ q: raw.q ?? '', page: raw.page ?? 1 });
  return { query, page };
}

/** The list page's URL for a query and page number, without the defaults. */
export function listPageHref(path: string, query: string, page: number): string {
  const params = new URLSearchParams();
  if (query) params.set('q', query);
  if (page > 1) params.set('page', String(page));
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}
