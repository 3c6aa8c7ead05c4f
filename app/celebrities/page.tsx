import type { Metadata } from 'next';
import Link from 'next/link';
import { listPageHref, readListSearch, type SearchParams } from '@/app/_lib/list-search';
import { listKnownCelebrities } from '@/lib/use-cases/celebrities';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Who can be recognized' };

const PAGE_SIZE = 48;
export default async function CelebritiesPage({ searchParams }: { searchParams: SearchParams }) {
  const { query, page } = await readListSearch(searchParams);
  const list = await listKnownCelebrities({ query, page, pageSize: PAGE_SIZE });
  return (
    <main className="mx-auto w-full max-w-4xl px-4 py-10">
      <h1 className="text-3xl font-semibold tracking-tight text-slate-900">Who can be recognized</h1>
      {list === null ? (
        <p className="mt-4 text-slate-600">
          This server uses AWS Rekognition, which recognizes many thousands of public figures but does not publish its list.
        </p>
      ) : (
        <>
          <form action="/celebrities" method="get" role="search" className="mt-6 flex gap-2">
            <label htmlFor="celebrity-search" className="sr-only">Search by name</label>
            <input
              id="celebrity-search"
              name="q"
              type="search"
              defaultValue={query}
              placeholder="Search by name"
              className="w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm focus:border-brand-500 focus:outline-none"
            />
            <button type="submit" className="rounded-lg bg-brand-600 px-4 py-2 font-semibold text-white hover:bg-brand-700">
              Search
            </button>
          </form>
          <p className="mt-4 text-sm text-slate-500" aria-live="polite">
            {list.total === 0
              ? query ? `No celebrity matches “${query}”.` : 'The gallery is empty: import photos with npm run gallery:import.'
              : `${list.total.toLocaleString('en')} ${list.total === 1 ? 'celebrity' : 'celebrities'}${query ? ` matching “${query}”` : ''}`}
          </p>
          <ul className="mt-4 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {list.items.map((celebrity) => (
              <li key={celebrity.id}>
                <Link
                  href={`/celebrities/${celebrity.id}`}
                  className="block rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-sm hover:border-brand-500"
                >
                  <span className="font-medium text-slate-900">{celebrity.name}</span>
                  <span className="block text-xs text-slate-500">
                    {celebrity.photos} {celebrity.photos === 1 ? 'photo' : 'photos'}
                    {celebrity.urls.length > 0 ? ' · has links' : ''}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          <Pager query={query} page={list.page} pages={Math.max(1, Math.ceil(list.total / list.pageSize))} />
        </>
      )}
    </main>
  );
}

function Pager({ query, page, pages }: { query: string; page: number; pages: number }) {
  if (pages <= 1) return null;
  const linkClass = 'rounded-lg border border-slate-300 px-3 py-1.5 hover:bg-slate-100';
  return (
    <nav aria-label="Pages" className="mt-6 flex items-center justify-between text-sm text-slate-700">
      {page > 1 ? <Link href={listPageHref('/celebrities', query, page - 1)} className={linkClass} rel="prev">Previous</Link> : <span />}
      <span>Page {page} of {pages}</span>
      {page < pages ? <Link href={listPageHref('/celebrities', query, page + 1)} className={linkClass} rel="next">Next</Link> : <span />}
    </nav>
  );
}
