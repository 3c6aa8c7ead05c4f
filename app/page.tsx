import Link from 'next/link';
import { GalleryNotice } from '@/components/layout/gallery-notice';
import { RecentResults } from '@/components/recent/recent-results';
import { UploadPanel } from '@/components/upload/upload-panel';
import { checkHealth } from '@/lib/use-cases/health';
import { videoLimits } from '@/lib/use-cases/upload-video';

export const dynamic = 'force-dynamic';

const steps = [
  { title: 'Add a photo', text: 'Pick a file, drag it in, or paste a screenshot. Big photos are shrunk in your browser first.' },
  { title: 'We find every face', text: 'Each face is boxed; the ones matching a known celebrity get a name and a confidence.' },
  { title: 'Share the result', text: 'Every result has its own link, with a preview that names who is in the photo.' },
];

export default async function HomePage() {
  // The page does not wait long for models: while they load it shows no gallery line.
  const health = await checkHealth(1_500);
  const gallery = health.status === 'ok' ? { kind: health.recognizer, celebrities: health.gallery.celebrities } : null;
  return (
    <main className="mx-auto w-full max-w-4xl px-4 py-10 sm:px-6 sm:py-14">
      <div className="mb-8 text-center">
        <h1 className="text-4xl font-bold tracking-tight text-slate-900 sm:text-5xl">Who’s in this photo?</h1>
        <p className="mx-auto mt-3 max-w-xl text-base text-slate-600 sm:text-lg">
          Drop, paste or pick a photo. Celebrity Finder boxes every face, names the celebrities and gives you a link to share.
        </p>
        {gallery && gallery.celebrities ? (
          <p className="mt-3 text-sm text-slate-500">
            Knows{' '}
            <Link href="/celebrities" className="font-medium text-brand-700 underline-offset-2 hover:underline">
              {gallery.celebrities.toLocaleString('en')} celebrities
            </Link>
            , from today’s stars to the news faces of the 2000s.
          </p>
        ) : null}
      </div>
      <GalleryNotice status={gallery} />
      <UploadPanel videoLimits={videoLimits()} />
      <ol className="mt-10 grid gap-4 sm:grid-cols-3">
        {steps.map((step, i) => (
          <li key={step.title} className="rounded-2xl border border-slate-200 bg-white/70 p-4">
            <p className="text-xs font-semibold uppercase tracking-wide text-brand-600">Step {i + 1}</p>
            <p className="mt-1 font-semibold text-slate-900">{step.title}</p>
            <p className="mt-1 text-sm text-slate-600">{step.text}</p>
          </li>
        ))}
      </ol>
      <RecentResults />
    </main>
  );
}
