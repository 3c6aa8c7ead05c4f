'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import { clearRecent, readRecent, subscribeRecent, type RecentResult } from './recent-store';

function summary(result: RecentResult): string {
  if (result.kind === 'video') return 'Video';
  if (result.names.length === 0) return `${result.faces} ${result.faces === 1 ? 'face' : 'faces'}, no celebrities`;
  return result.names.join(', ');
}

/** Your last results, from this browser only (nobody else's uploads are ever listed). */
export function RecentResults() {
  const [recent, setRecent] = useState<RecentResult[] | null>(null);

  useEffect(() => {
    const refresh = () => setRecent(readRecent());
    refresh();
    return subscribeRecent(refresh);
  }, []);

  if (!recent || recent.length === 0) return null;
  return (
    <section aria-labelledby="recent-heading" className="mt-12">
      <div className="mb-4 flex items-baseline justify-between">
        <h2 id="recent-heading" className="text-lg font-semibold text-slate-900">Your recent results</h2>
        <button type="button" onClick={clearRecent} className="rounded-lg px-2 py-1 text-sm text-slate-500 hover:bg-slate-100 hover:text-slate-800">
          Clear history
        </button>
      </div>
      <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4">
        {recent.map((result) => (
          <li key={result.id}>
            <Link href={result.kind === 'video' ? `/v/${result.id}` : `/r/${result.id}`} prefetch={false} className="group block overflow-hidden rounded-2xl border border-slate-200 bg-white shadow-sm transition hover:shadow-md">
              {/* eslint-disable-next-line @next/next/no-img-element -- stored photos are served pre-encoded */}
              <img src={result.kind === 'video' ? `/api/videos/${result.id}/poster` : `/api/recognitions/${result.id}/image`} alt="" loading="lazy" className="aspect-[4/3] w-full bg-slate-100 object-cover transition group-hover:scale-[1.02]" />
              <div className="p-3">
                <p className="truncate text-sm font-medium text-slate-900">{summary(result)}</p>
                <p className="text-xs text-slate-500">
                  <time dateTime={result.createdAt}>{new Date(result.createdAt).toLocaleString()}</time>
                </p>
              </div>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
