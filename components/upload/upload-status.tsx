'use client';

import type { Problem, UploadPhase } from './use-photo-upload';

function describe(phase: UploadPhase): { text: string; value: number | null } | null {
  switch (phase.name) {
    case 'shrinking':
      return { text: 'Shrinking the photo for upload…', value: null };
    case 'uploading':
      return { text: `Uploading… ${Math.round(phase.progress * 100)} %`, value: phase.progress };
    case 'recognizing':
      return { text: 'Looking for faces and celebrities…', value: null };
    case 'done':
      return { text: 'Done! Opening your result…', value: 1 };
    default:
      return null;
  }
}

/** Progress and problems, announced to screen readers as they change. */
export function UploadStatus({ phase, problem }: { phase: UploadPhase; problem: Problem | null }) {
  const status = describe(phase);
  return (
    <div className="mt-4 space-y-3">
      <div role="status" aria-live="polite" className="min-h-0">
        {status ? (
          <div className="space-y-2">
            <p className="text-sm font-medium text-slate-700">{status.text}</p>
            <progress
              aria-label="Recognition progress"
              {...(status.value === null ? {} : { value: status.value, max: 1 })}
              className="h-2 w-full overflow-hidden rounded-full bg-slate-100 accent-brand-600 [&::-webkit-progress-bar]:bg-slate-100 [&::-webkit-progress-value]:bg-brand-600"
            />
          </div>
        ) : null}
      </div>
      {problem ? (
        <div role="alert" className="flex gap-3 rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-900">
          <svg viewBox="0 0 20 20" aria-hidden="true" className="mt-0.5 size-5 shrink-0 fill-rose-500">
            <path d="M10 18a8 8 0 1 0 0-16 8 8 0 0 0 0 16Zm-.75-11.5a.75.75 0 0 1 1.5 0v4a.75.75 0 0 1-1.5 0v-4ZM10 15a1 1 0 1 1 0-2 1 1 0 0 1 0 2Z" />
          </svg>
          <div>
            <p className="font-semibold">{problem.title}</p>
            <p className="mt-0.5 text-rose-800">{problem.message}</p>
          </div>
        </div>
      ) : null}
    </div>
  );
}
