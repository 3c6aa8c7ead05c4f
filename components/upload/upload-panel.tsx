'use client';

import { useCallback, useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { limits } from '@/lib/limits';
import { acceptedTypes, formatBytes } from './prepare-photo';
import { isVideoFile, videoTypes, type VideoLimits } from './prepare-video';
import { filesOf, usePastedFiles } from './use-pasted-files';
import { UploadStatus } from './upload-status';
import { usePhotoUpload } from './use-photo-upload';

/**
 * Pick, drop or paste a photo, or a video (`videoLimits` from the server turns videos on): it is previewed
 * and sent for recognition at once.
 */
export function UploadPanel({ videoLimits }: { videoLimits?: VideoLimits } = {}) {
  const inputId = useId();
  const hintId = useId();
  const { file, previewUrl, phase, problem, choose, reset, retry } = usePhotoUpload(videoLimits);
  const [dragging, setDragging] = useState(false);
  // The browser cannot draw some files (e.g. a text file named .jpg): show a neutral tile instead.
  const [unpreviewable, setUnpreviewable] = useState<string | null>(null);
  const retryButton = useRef<HTMLButtonElement>(null);
  const working = phase.name === 'shrinking' || phase.name === 'uploading' || phase.name === 'recognizing' || phase.name === 'done';

  // Paste works anywhere on the page, not only when the drop zone has focus.
  const choosePasted = useCallback((files: File[]) => choose(files[0]), [choose]);
  usePastedFiles(choosePasted);

  // After a problem worth retrying, keyboard users land on the retry button.
  useEffect(() => {
    if (problem?.retriable) retryButton.current?.focus();
  }, [problem]);

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    choose(filesOf(event.dataTransfer)[0]);
  };

  return (
    <section aria-label="Upload a photo" className="rounded-3xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
      <div
        data-testid="drop-zone"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={`relative flex min-h-72 flex-col items-center justify-center gap-4 overflow-hidden rounded-2xl border-2 border-dashed p-6 text-center transition-colors ${
          dragging ? 'border-brand-500 bg-brand-50' : 'border-slate-300 bg-slate-50/60'
        }`}
      >
        {previewUrl && file ? (
          <figure className="flex w-full flex-col items-center gap-3">
            {isVideoFile(file) ? (
              <video src={previewUrl} muted playsInline preload="metadata" aria-label="Preview of the chosen video" className="max-h-80 w-auto max-w-full rounded-xl bg-black shadow-md" />
            ) : unpreviewable === previewUrl ? (
              <div role="img" aria-label="Preview of the chosen photo" className="grid size-40 place-items-center rounded-xl bg-slate-200 text-sm text-slate-500">
                No preview
              </div>
            ) : (
              // eslint-disable-next-line @next/next/no-img-element -- a local object URL, nothing to optimise
              <img
                src={previewUrl}
                alt="Preview of the chosen photo"
                onError={() => setUnpreviewable(previewUrl)}
                className="max-h-80 w-auto max-w-full rounded-xl object-contain shadow-md"
              />
            )}
            <figcaption className="max-w-full truncate text-sm text-slate-600">
              {file.name || 'Pasted photo'} · {formatBytes(file.size)}
              {file.size > limits.maxUploadBytes ? ' · will be shrunk before upload' : ''}
            </figcaption>
          </figure>
        ) : (
          <>
            <div aria-hidden="true" className="grid size-14 place-items-center rounded-2xl bg-brand-100 text-brand-700">
              <svg viewBox="0 0 24 24" className="size-7" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
                <path d="M4 16l4.6-4.6a2 2 0 0 1 2.8 0L16 16m-2-2 1.6-1.6a2 2 0 0 1 2.8 0L20 14M14 8h.01M6 20h12a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2Z" />
              </svg>
            </div>
            <div>
              <p className="text-lg font-semibold text-slate-900">Drop a photo here</p>
              <p id={hintId} className="mt-1 text-sm text-slate-500">
                or paste one with <kbd className="rounded border border-slate-300 bg-white px-1.5 py-0.5 font-sans text-xs">Ctrl</kbd>+
                <kbd className="rounded border border-slate-300 bg-white px-1.5 py-0.5 font-sans text-xs">V</kbd> anywhere on this page ·
                JPEG, PNG, WebP, AVIF or GIF
                {videoLimits ? ` · or a video: MP4, MOV, WebM or MKV, up to ${formatBytes(videoLimits.maxBytes)} and ${Math.round(videoLimits.maxSeconds / 60)} min` : ''}
              </p>
            </div>
          </>
        )}
        <div className="flex flex-wrap items-center justify-center gap-3">
          <input
            id={inputId}
            type="file"
            accept={[...acceptedTypes, ...(videoLimits ? [...videoTypes, '.mkv'] : [])].join(',')}
            aria-describedby={hintId}
            className="peer sr-only"
            disabled={working}
            onChange={(event) => {
              choose(event.target.files?.[0]);
              event.target.value = '';
            }}
          />
          <label
            htmlFor={inputId}
            className="cursor-pointer rounded-xl border border-slate-300 bg-white px-4 py-2.5 text-sm font-semibold text-slate-800 shadow-sm hover:bg-slate-50 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-brand-600 peer-disabled:cursor-not-allowed peer-disabled:opacity-50"
          >
            {file ? 'Choose another photo' : 'Choose a photo'}
          </label>
          {file && problem?.retriable && !working ? (
            <button
              ref={retryButton}
              type="button"
              onClick={retry}
              className="rounded-xl bg-brand-600 px-5 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-brand-700"
            >
              Try again
            </button>
          ) : null}
          {file && !working ? (
            <button type="button" onClick={reset} className="rounded-xl px-3 py-2.5 text-sm font-medium text-slate-500 hover:bg-slate-100 hover:text-slate-800">
              Clear
            </button>
          ) : null}
        </div>
      </div>
      <UploadStatus phase={phase} problem={problem} />
    </section>
  );
}
