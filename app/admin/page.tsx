import type { Metadata } from 'next';
import Link from 'next/link';
import { listPageHref, readListSearch, type SearchParams } from '@/app/_lib/list-search';
import { AdminHeader } from '@/components/admin/admin-header';
import { OriginBadges } from '@/components/admin/origin-badges';
import { listPeople } from '@/lib/use-cases/admin-people';
import { requireAdminPage } from './_lib/guard';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'People' };

const PAGE_SIZE = 30;
export default async function AdminPeoplePage({ searchParams }: { searchParams: SearchParams }) {
  const { query, page } = await readListSearch(searchParams);
  await requireAdminPage(listPageHref('/admin', query, page));
  const list = await listPeople({ query, page, pageSize: PAGE_SIZE });
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  return (
    <main className="mx-auto w-full max-w-5xl px-4 py-8 sm:px-6 sm:py-10">
      <AdminHeader title="People" current="people">
        <p className="mt-2 text-sm text-slate-600">Everyone the server knows: the celebrity pack and your own people, opted-out people included.</p>
      </AdminHeader>
      <form action="/admin" method="get" role="search" className="flex gap-2">
        <label htmlFor="people-search" className="sr-only">Search people by name</label>
        <input
          id="people-search"
          name="q"
          type="search"
          defaultValue={query}
          placeholder="Search by name"
          className="w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm focus:border-brand-500 focus:outline-none"
        />
        <button type="submit" className="rounded-lg bg-brand-600 px-4 py-2 font-semibold text-white hover:bg-brand-700">Search</button>
      </form>
      <p className="mt-4 text-sm text-slate-500" aria-live="polite">
        {list.total === 0 ? (query ? `Nobody matches “${query}”.` : 'Nobody yet: add a person.') : `${list.total.toLocaleString('en')} ${list.total === 1 ? 'person' : 'people'}${query ? ` matching “${query}”` : ''}`}
      </p>
      <ul aria-label="People" className="mt-3 divide-y divide-slate-200 overflow-hidden rounded-2xl border border-slate-200 bg-white shadow-sm">
        {list.items.map((person) => (
          <li key={person.id} className="flex flex-col gap-2 px-4 py-3 sm:flex-row sm:items-center sm:justify-between">
            <div className="min-w-0">
              <Link href={`/admin/people/${person.id}`} className="font-semibold text-slate-900 hover:text-brand-700 hover:underline">{person.name}</Link>
              <p className="text-xs text-slate-500">
                {person.samples} {person.samples === 1 ? 'face sample' : 'face samples'}
                {person.negatives > 0 ? ` · ${person.negatives} marked “not them”` : ''}
                {person.inPack ? ' · celebrity pack' : ' · your gallery'}
              </p>
            </div>
            <div className="flex flex-wrap items-center gap-2">
              {person.optedOut ? <span className="rounded-full bg-red-50 px-2 py-0.5 text-xs font-semibold text-red-700 ring-1 ring-red-200">opted out</span> : null}
              <OriginBadges origin={person.origin} />
            </div>
          </li>
        ))}
      </ul>
      {pages > 1 ? (
        <nav aria-label="Pages" className="mt-6 flex items-center justify-between text-sm text-slate-700">
          {list.page > 1 ? <Link href={listPageHref('/admin', query, list.page - 1)} className="rounded-lg border border-slate-300 px-3 py-1.5 hover:bg-slate-100" rel="prev">Previous</Link> : <span />}
          <span>Page {list.page} of {pages}</span>
          {list.page < pages ? <Link href={listPageHref('/admin', query, list.page + 1)} className="rounded-lg border border-slate-300 px-3 py-1.5 hover:bg-slate-100" rel="next">Next</Link> : <span />}
        </nav>
      ) : null}
    </main>
  );
}
