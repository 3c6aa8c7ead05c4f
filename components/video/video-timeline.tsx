'use client';

import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { profileLink } from '@/components/result/links';
import { formatTime } from './format-time';

export interface TimelinePerson {
  id: string;
  kind: 'celebrity' | 'unknown';
  name: string;
  urls: string[];
  confidence: number;
  thumbnailUrl: string | null;
  appearances: Array<{ startMs: number; endMs: number }>;
}

/**
 * The player with one row per person under it: their best face, name, match confidence and link, and their
 * appearances as spans on a timeline as wide as the video. Clicking (or Enter on) a span seeks the player
 * there and plays; a line follows the playhead across the rows.
 */
export function VideoTimeline({ videoUrl, posterUrl, mimeType, durationMs, width, height, celebrities, unknownPersons, pending = false }: {
  videoUrl: string;
  posterUrl: string;
  mimeType: string;
  durationMs: number;
  width: number;
  height: number;
  celebrities: TimelinePerson[];
  unknownPersons: TimelinePerson[];
  /** The job is still running: no rows yet. */
  pending?: boolean;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const [currentMs, setCurrentMs] = useState(0);

  useEffect(() => {
    const element = video.current;
    if (!element) return;
    const update = () => setCurrentMs(element.currentTime * 1000);
    element.addEventListener('timeupdate', update);
    element.addEventListener('seeked', update);
    return () => {
      element.removeEventListener('timeupdate', update);
      element.removeEventListener('seeked', update);
    };
  }, []);

  const seek = (ms: number) => {
    const element = video.current;
    if (!element) return;
    element.currentTime = ms / 1000;
    setCurrentMs(ms);
    void element.play().catch(() => undefined);
  };

  const percent = (ms: number) => `${Math.min(100, Math.max(0, (100 * ms) / durationMs))}%`;
  const row = (person: TimelinePerson) => {
    const link = person.kind === 'celebrity' ? profileLink(person.urls, person.name) : null;
    return (
      <li key={person.id} className="grid grid-cols-[3rem_minmax(0,1fr)] items-center gap-3 py-3 sm:grid-cols-[3rem_12rem_minmax(0,1fr)]" data-testid="timeline-row">
        {person.thumbnailUrl ? (
          // eslint-disable-next-line @next/next/no-img-element -- server-cropped thumbnail, already sized
          <img src={person.thumbnailUrl} alt={`Face of ${person.name}`} width={48} height={48} className={`size-12 rounded-lg bg-slate-100 object-cover ring-1 ring-slate-200 ${person.kind === 'unknown' ? 'grayscale' : ''}`} />
        ) : (
          <div aria-hidden="true" className="size-12 rounded-lg bg-slate-100" />
        )}
        <div className="min-w-0">
          <p className="truncate text-sm font-semibold text-slate-900">
            {person.kind === 'celebrity' ? (
              <Link href={`/celebrities/${person.id}`} prefetch={false} className="rounded hover:text-brand-700 hover:underline">{person.name}</Link>
            ) : (
              person.name
            )}
          </p>
          <p className="text-xs text-slate-600">
            {person.kind === 'celebrity' ? <><span className="font-semibold text-slate-900">{person.confidence.toFixed(1)} %</span> match · </> : null}
            {person.appearances.length === 1 ? '1 appearance' : `${person.appearances.length} appearances`}
          </p>
          {link ? (
            <a href={link.href} target="_blank" rel="noopener noreferrer" className="text-xs font-semibold text-brand-700 hover:underline">
              {link.label}<span className="sr-only"> (opens in a new tab)</span>
            </a>
          ) : null}
        </div>
        <div className="relative col-span-2 h-8 rounded-lg bg-slate-100 sm:col-span-1" role="group" aria-label={`Appearances of ${person.name}`}>
          {person.appearances.map((a) => (
            <button
              key={a.startMs}
              type="button"
              onClick={() => seek(a.startMs)}
              title={`${formatTime(a.startMs)}–${formatTime(a.endMs)}`}
              aria-label={`${person.name}, ${formatTime(a.startMs)} to ${formatTime(a.endMs)}: play from here`}
              data-start-ms={a.startMs}
              className={`absolute inset-y-1 min-w-2 rounded-md transition hover:ring-2 hover:ring-offset-1 ${person.kind === 'celebrity' ? 'bg-brand-500 hover:ring-brand-600' : 'bg-slate-400 hover:ring-slate-500'}`}
              style={{ left: percent(a.startMs), width: percent(a.endMs - a.startMs) }}
            />
          ))}
          <div aria-hidden="true" className="pointer-events-none absolute inset-y-0 w-0.5 bg-rose-500" style={{ left: percent(currentMs) }} />
        </div>
      </li>
    );
  };

  return (
    <div className="space-y-6">
      <div className="overflow-hidden rounded-2xl bg-slate-900 shadow-sm ring-1 ring-slate-200">
        <video
          ref={video}
          controls
          preload="metadata"
          poster={posterUrl}
          width={width}
          height={height}
          className="mx-auto block max-h-[70vh] w-full bg-black"
          data-testid="video-player"
        >
          <source src={videoUrl} type={mimeType} />
          Your browser cannot play this video; the timeline below still shows who is in it.
        </video>
      </div>
      <section aria-labelledby="timeline-heading">
        <div className="flex items-baseline justify-between">
          <h2 id="timeline-heading" className="text-sm font-semibold uppercase tracking-wide text-slate-500">Who appears when</h2>
          <p className="text-xs text-slate-500" aria-live="off">{formatTime(currentMs)} / {formatTime(durationMs)}</p>
        </div>
        {pending ? (
          <p className="mt-3 rounded-2xl border border-dashed border-slate-300 bg-white/60 p-4 text-sm text-slate-600">
            One row per person, with their appearances on the timeline, shows here when the video is processed.
          </p>
        ) : celebrities.length === 0 ? (
          <p className="mt-3 rounded-2xl border border-slate-200 bg-white p-4 text-sm text-slate-600">
            No celebrity we know appears in this video. See <Link href="/celebrities" className="font-medium text-brand-700 underline">who we can recognize</Link>.
          </p>
        ) : (
          <ul aria-label="Recognized celebrities" className="mt-2 divide-y divide-slate-200 rounded-2xl border border-slate-200 bg-white px-4 shadow-sm">
            {celebrities.map(row)}
          </ul>
        )}
        {unknownPersons.length > 0 ? (
          <>
            <h3 className="mt-6 text-sm font-semibold text-slate-700">Not recognized ({unknownPersons.length})</h3>
            <ul aria-label="Unknown persons" className="mt-2 divide-y divide-slate-200 rounded-2xl border border-slate-200 bg-white px-4 shadow-sm">
              {unknownPersons.map(row)}
            </ul>
          </>
        ) : null}
      </section>
    </div>
  );
}
