import type { Metadata } from 'next';
import { headers } from 'next/headers';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { publicOrigin, resultPath } from '@/app/_lib/public-origin';
import { CopyLinkButton } from '@/components/result/copy-link-button';
import { DeleteResultButton } from '@/components/result/delete-result-button';
import { ResultView } from '@/components/result/result-view';
import type { StoredRecognition } from '@/lib/store';
import { getRecognition } from '@/lib/use-cases/recognitions';
import { lookalikesForPage } from '@/lib/use-cases/lookalikes';
import { isAdminRequest } from '@/app/admin/_lib/guard';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string }> };

/** One store read per request, shared by generateMetadata and the page. */
const loadRecognition = cache(async (id: string): Promise<StoredRecognition | null> => getRecognition(id));

function headline(recognition: StoredRecognition): string {
  const names = recognition.result.CelebrityFaces.map((c) => c.Name);
  if (names.length === 0) return 'No celebrities recognized';
  if (names.length === 1) return names[0]!;
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

function facesSummary(recognition: StoredRecognition): string {
  const total = recognition.result.CelebrityFaces.length + recognition.result.UnrecognizedFaces.length;
  return `${total} ${total === 1 ? 'face' : 'faces'} found, ${recognition.result.CelebrityFaces.length} recognized`;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  const recognition = await loadRecognition(id);
  if (!recognition) return { title: 'Result not found', robots: { index: false } };
  const origin = publicOrigin(await headers());
  const title = headline(recognition);
  const description = `${facesSummary(recognition)} by Celebrity Finder.`;
  const image = { url: `${origin}/api/recognitions/${id}/image`, width: recognition.image.width, height: recognition.image.height, alt: title };
  return {
    title,
    description,
    robots: { index: false },
    alternates: { canonical: `${origin}${resultPath(id)}` },
    openGraph: { type: 'website', siteName: 'Celebrity Finder', title, description, url: `${origin}${resultPath(id)}`, images: [image] },
    twitter: { card: 'summary_large_image', title, description, images: [image.url] },
  };
}

export default async function ResultPage({ params }: Props) {
  const { id } = await params;
  const recognition = await loadRecognition(id);
  if (!recognition) notFound();
  const shareUrl = `${publicOrigin(await headers())}${resultPath(id)}`;
  return (
    <main className="mx-auto w-full max-w-6xl px-4 py-8 sm:px-6 sm:py-10">
      <div className="mb-6 flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
        <div className="min-w-0">
          <p className="text-sm font-medium text-brand-600">Result</p>
          <h1 className="mt-1 text-3xl font-bold tracking-tight text-slate-900 sm:text-4xl">{headline(recognition)}</h1>
          <p className="mt-2 text-sm text-slate-600">
            {facesSummary(recognition)} ·{' '}
            <time dateTime={recognition.createdAt}>
              {new Date(recognition.createdAt).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC
            </time>
          </p>
        </div>
        {/* The actions keep one row beside the title; a long headline wraps instead. */}
        <div className="flex flex-wrap items-center gap-3 sm:shrink-0">
          <CopyLinkButton url={shareUrl} />
          <DeleteResultButton id={id} />
          <Link href="/" className="rounded-xl border border-slate-300 bg-white px-4 py-2.5 text-sm font-semibold text-slate-800 shadow-sm hover:bg-slate-50">
            Try another photo
          </Link>
        </div>
      </div>
      {/* Lookalikes and the admin's controls are the page's only: never in its title or link preview. */}
      <ResultView recognition={recognition} lookalikes={await lookalikesForPage(recognition)} admin={await isAdminRequest()} />
    </main>
  );
}
