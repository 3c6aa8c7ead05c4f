import type { Metadata } from 'next';
import { headers } from 'next/headers';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { publicOrigin, videoPath } from '@/app/_lib/public-origin';
import { CopyLinkButton } from '@/components/result/copy-link-button';
import { DeleteResultButton } from '@/components/result/delete-result-button';
import { formatTime } from '@/components/video/format-time';
import { VideoProgress } from '@/components/video/video-progress';
import { VideoTimeline, type TimelinePerson } from '@/components/video/video-timeline';
import { getVideo, type PersonView, type VideoView } from '@/lib/use-cases/videos';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string }> };

/** One store read per request, shared by generateMetadata and the page. */
const loadVideo = cache(async (id: string): Promise<VideoView | null> => getVideo(id));

function headline(video: VideoView): string {
  if (video.status === 'failed') return 'This video could not be processed';
  if (video.status !== 'done') return 'Looking for celebrities in your video…';
  const names = video.celebrities.map((c) => c.name);
  if (names.length === 0) return 'No celebrities recognized';
  if (names.length <= 3) return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

function summary(video: VideoView): string {
  const length = `${formatTime(video.video.durationMs)} video`;
  if (video.status !== 'done') return length;
  const people = video.celebrities.length + video.unknownPersons.length;
  return `${length}, ${people} ${people === 1 ? 'person' : 'people'} found, ${video.celebrities.length} recognized`;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  const video = await loadVideo(id);
  if (!video) return { title: 'Video not found', robots: { index: false } };
  const origin = publicOrigin(await headers());
  const title = headline(video);
  const description = `${summary(video)} by Celebrity Finder.`;
  const image = { url: `${origin}/api/videos/${id}/poster`, alt: title };
  return {
    title,
    description,
    robots: { index: false },
    alternates: { canonical: `${origin}${videoPath(id)}` },
    openGraph: { type: 'video.other', siteName: 'Celebrity Finder', title, description, url: `${origin}${videoPath(id)}`, images: [image] },
    twitter: { card: 'summary_large_image', title, description, images: [image.url] },
  };
}

function toTimeline(id: string, person: PersonView): TimelinePerson {
  return { ...person, thumbnailUrl: `/api/videos/${id}/faces/${person.thumbnail}` };
}

export default async function VideoResultPage({ params }: Props) {
  const { id } = await params;
  const video = await loadVideo(id);
  if (!video) notFound();
  const shareUrl = `${publicOrigin(await headers())}${videoPath(id)}`;
  const working = video.status === 'queued' || video.status === 'processing';
  return (
    <main className="mx-auto w-full max-w-6xl px-4 py-8 sm:px-6 sm:py-10">
      <div className="mb-6 flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
        <div className="min-w-0">
          <p className="text-sm font-medium text-brand-600">Video result</p>
          <h1 className="mt-1 text-3xl font-bold tracking-tight text-slate-900 sm:text-4xl">{headline(video)}</h1>
          <p className="mt-2 text-sm text-slate-600">
            {summary(video)} ·{' '}
            <time dateTime={video.createdAt}>
              {new Date(video.createdAt).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC
            </time>
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-3 sm:shrink-0">
          <CopyLinkButton url={shareUrl} />
          <DeleteResultButton id={id} apiPath={`/api/videos/${id}`} what="video" />
          <Link href="/" className="rounded-xl border border-slate-300 bg-white px-4 py-2.5 text-sm font-semibold text-slate-800 shadow-sm hover:bg-slate-50">
            Try another
          </Link>
        </div>
      </div>
      {working ? (
        <div className="mb-6">
          <VideoProgress id={id} initial={{ status: video.status, ...video.progress }} />
        </div>
      ) : null}
      {video.status === 'failed' ? (
        <div role="alert" className="mb-6 rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-900">
          <p className="font-semibold">Processing stopped</p>
          <p className="mt-0.5 text-rose-800">{video.statusMessage ?? 'Something went wrong while processing this video.'}</p>
        </div>
      ) : null}
      <VideoTimeline
        videoUrl={`/api/videos/${id}/file`}
        posterUrl={`/api/videos/${id}/poster`}
        mimeType={video.video.mimeType}
        durationMs={video.video.durationMs}
        width={video.video.width}
        height={video.video.height}
        celebrities={video.status === 'done' ? video.celebrities.map((p) => toTimeline(id, p)) : []}
        unknownPersons={video.status === 'done' ? video.unknownPersons.map((p) => toTimeline(id, p)) : []}
        pending={working}
      />
    </main>
  );
}
