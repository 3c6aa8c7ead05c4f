import Link from 'next/link';
import type { Celebrity } from '@/lib/contract/rekognition';
import { HighlightOnHover } from './face-highlight';
import { profileLink } from './links';

/** One recognized celebrity: face thumbnail, name, match confidence and an IMDb (or search) link. */
export function CelebrityCard({ celebrity, index, thumbnailUrl }: { celebrity: Celebrity; index: number; thumbnailUrl: string }) {
  const link = profileLink(celebrity.Urls, celebrity.Name);
  const confidence = Math.round(celebrity.MatchConfidence * 10) / 10;
  return (
    <HighlightOnHover index={index} className="group h-full">
      <article
        aria-label={celebrity.Name}
        className="flex h-full gap-4 rounded-2xl border border-slate-200 bg-white p-4 shadow-sm transition group-hover:border-brand-500 group-hover:shadow-md group-focus-within:border-brand-500"
      >
        {/* eslint-disable-next-line @next/next/no-img-element -- server-cropped thumbnail, already sized */}
        <img
          src={thumbnailUrl}
          alt={`Face of ${celebrity.Name} in the photo`}
          width={80}
          height={80}
          className="size-20 shrink-0 rounded-xl bg-slate-100 object-cover"
        />
        <div className="min-w-0 flex-1">
          <h3 className="truncate text-base font-semibold text-slate-900">
            {/* Not prefetched: a result page's cards would all fetch their pages while the photo is still loading. */}
            <Link href={`/celebrities/${celebrity.Id}`} prefetch={false} className="rounded hover:text-brand-700 hover:underline">
              {celebrity.Name}
            </Link>
          </h3>
          <p className="mt-1 text-sm text-slate-600">
            <span className="font-semibold text-slate-900">{confidence.toFixed(1)} %</span> match
          </p>
          <div aria-hidden="true" className="mt-1.5 h-1.5 w-full overflow-hidden rounded-full bg-slate-100">
            <div className="h-full rounded-full bg-brand-500" style={{ width: `${Math.min(100, confidence)}%` }} />
          </div>
          <a
            href={link.href}
            target="_blank"
            rel="noopener noreferrer"
            className="mt-3 inline-flex items-center gap-1 rounded-lg bg-slate-100 px-2.5 py-1 text-xs font-semibold text-slate-800 hover:bg-slate-200"
          >
            {link.label}
            <span className="sr-only"> (opens in a new tab)</span>
            <svg viewBox="0 0 20 20" aria-hidden="true" className="size-3.5 fill-current">
              <path d="M11 3a1 1 0 1 0 0 2h2.59l-6.3 6.3a1 1 0 1 0 1.42 1.4L15 6.42V9a1 1 0 1 0 2 0V4a1 1 0 0 0-1-1h-5Z" />
              <path d="M5 5a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h8a2 2 0 0 0 2-2v-3a1 1 0 1 0-2 0v3H5V7h3a1 1 0 0 0 0-2H5Z" />
            </svg>
          </a>
        </div>
      </article>
    </HighlightOnHover>
  );
}
