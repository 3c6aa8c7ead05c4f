import Link from 'next/link';
import type { Lookalike } from '@/lib/contract/lookalikes';

/**
 * "Looks a bit like": the nearest people to a face, with how alike they are. Deliberately unlike a
 * recognition: no violet, no name tag on the photo, a dotted outline and the word "similar", never in the
 * page title or the link preview.
 */
export function LookalikeList({ people, faceLabel }: { people: readonly Lookalike[]; faceLabel: string }) {
  if (people.length === 0) return null;
  return (
    <div className="rounded-xl border border-dotted border-slate-300 bg-slate-50 px-3 py-2">
      <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">Looks a bit like</p>
      <ul aria-label={`${faceLabel} looks a bit like`} className="mt-1 space-y-0.5">
        {people.map((person) => (
          <li key={person.id} className="flex items-baseline justify-between gap-3 text-sm">
            <Link href={`/celebrities/${person.id}`} prefetch={false} className="truncate text-slate-700 hover:text-slate-900 hover:underline">
              {person.name}
            </Link>
            <span className="shrink-0 tabular-nums text-xs text-slate-500">{person.similarity} % similar</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
