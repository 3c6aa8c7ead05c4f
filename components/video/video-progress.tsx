'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';

export interface JobProgress {
  status: 'queued' | 'processing' | 'done' | 'failed';
  framesDone: number;
  framesPlanned: number;
}

const POLL_MS = 1_000;

/**
 * The job's progress bar (frames done of frames planned), kept current by polling GET /api/videos/{id}. The
 * server renders the first state, so a reload shows where the job is; when it ends the page is refreshed to
 * show the timeline.
 */
export function VideoProgress({ id, initial }: { id: string; initial: JobProgress }) {
  const router = useRouter();
  const [progress, setProgress] = useState(initial);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const response = await fetch(`/api/videos/${id}`, { cache: 'no-store' });
        if (response.ok) {
          const body = (await response.json()) as { status: JobProgress['status']; progress: { framesDone: number; framesPlanned: number } };
          if (stopped) return;
          setProgress({ status: body.status, ...body.progress });
          if (body.status === 'done' || body.status === 'failed') {
            router.refresh();
            return;
          }
        }
      } catch {
        // A lost poll is retried on the next tick.
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    timer = setTimeout(poll, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id, router]);

  const { framesDone, framesPlanned, status } = progress;
  const text = status === 'queued'
    ? 'Waiting for its turn…'
    : status === 'done'
      ? 'Done! Showing who is in it…'
      : `Finding faces and celebrities… ${framesDone} of ${framesPlanned} frames`;
  return (
    <div role="status" aria-live="polite" className="rounded-2xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="video-progress">
      <p className="text-sm font-medium text-slate-700">{text}</p>
      <progress
        aria-label="Video recognition progress"
        value={framesDone}
        max={Math.max(1, framesPlanned)}
        className="mt-2 h-2 w-full overflow-hidden rounded-full bg-slate-100 accent-brand-600 [&::-webkit-progress-bar]:bg-slate-100 [&::-webkit-progress-value]:bg-brand-600"
      />
      <p className="mt-2 text-xs text-slate-500">You can leave this page: the video is processed on the server, and this link shows the result when it is ready.</p>
    </div>
  );
}
