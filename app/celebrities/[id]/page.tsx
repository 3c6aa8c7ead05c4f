import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AppError } from '@/lib/errors';
import { linkLabel, webSearchUrl } from '@/components/result/links';
import { getCelebrity, type CelebrityDetails } from '@/lib/use-cases/celebrities';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string }> };

/** The celebrity, or notFound() for an id the recognizer does not know. */
async function loadCelebrity(id: string): Promise<CelebrityDetails> {
  try {
    return await getCelebrity(id);
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') notFound();
    throw error;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  try {
    return { title: (await getCelebrity(id)).Name };
  } catch {
    return { title: 'Celebrity' };
  }
}

export default async function CelebrityPage({ params }: Props) {
  const { id } = await params;
  const celebrity = await loadCelebrity(id);
  const links = celebrity.Urls.length > 0 ? celebrity.Urls : [webSearchUrl(celebrity.Name)];
  return (
    <main className="mx-auto w-full max-w-2xl px-4 py-10">
      <nav className="mb-6 text-sm">
        <Link href="/celebrities" className="text-slate-500 hover:text-brand-700 hover:underline">
          ← All celebrities
        </Link>
      </nav>
      <article className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="text-3xl font-semibold tracking-tight text-slate-900">{celebrity.Name}</h1>
        <dl className="mt-6 grid grid-cols-[8rem_1fr] gap-y-3 text-sm">
          <dt className="text-slate-500">Celebrity id</dt>
          <dd className="font-mono text-slate-800">{celebrity.Id}</dd>
          <dt className="text-slate-500">Known gender</dt>
          <dd className="text-slate-800">{celebrity.KnownGender?.Type ?? 'Not known'}</dd>
          <dt className="text-slate-500">Links</dt>
          <dd>
            <ul className="flex flex-wrap gap-2">
              {links.map((url) => (
                <li key={url}>
                  <a
                    href={url}
                    rel="noopener noreferrer"
                    target="_blank"
                    className="inline-flex items-center rounded-full bg-brand-50 px-3 py-1 font-semibold text-brand-700 hover:bg-brand-100"
                  >
                    {celebrity.Urls.length > 0 ? linkLabel(url) : `Search the web for ${celebrity.Name}`}
                  </a>
                </li>
              ))}
            </ul>
          </dd>
        </dl>
      </article>
    </main>
  );
}
