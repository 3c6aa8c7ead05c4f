import Link from 'next/link';

export default function VideoNotFound() {
  return (
    <main className="mx-auto flex w-full max-w-xl flex-1 flex-col items-center justify-center px-4 py-16 text-center">
      <p className="text-sm font-semibold text-brand-600">404</p>
      <h1 className="mt-2 text-3xl font-bold tracking-tight text-slate-900">Video not found</h1>
      <p className="mt-3 text-slate-600">The link may be mistyped, or the video was deleted.</p>
      <Link href="/" className="mt-6 rounded-xl bg-brand-600 px-5 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-brand-700">
        Back to the start
      </Link>
    </main>
  );
}
