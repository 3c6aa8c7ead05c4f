'use client';

import { useState } from 'react';

/** Copies the page's URL; the outcome is announced (aria-live) and shown on the button. */
export function CopyLinkButton({ url }: { url: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    const link = url || window.location.href;
    try {
      await navigator.clipboard.writeText(link);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 2500);
  };
  return (
    <div className="flex items-center gap-3">
      <button
        type="button"
        onClick={copy}
        className="inline-flex items-center gap-2 rounded-xl bg-brand-600 px-4 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-brand-700"
      >
        <svg viewBox="0 0 20 20" aria-hidden="true" className="size-4 fill-current">
          <path d="M12.6 3.4a3.5 3.5 0 0 1 4.95 4.95l-2.5 2.5a3.5 3.5 0 0 1-4.95 0 .75.75 0 0 1 1.06-1.06 2 2 0 0 0 2.83 0l2.5-2.5a2 2 0 1 0-2.83-2.83l-.7.7a.75.75 0 1 1-1.06-1.06l.7-.7Zm-3.3 6.8a2 2 0 0 0-2.83 0l-2.5 2.5a2 2 0 1 0 2.83 2.83l.7-.7a.75.75 0 1 1 1.06 1.06l-.7.7a3.5 3.5 0 0 1-4.95-4.95l2.5-2.5a3.5 3.5 0 0 1 4.95 0 .75.75 0 0 1-1.06 1.06Z" />
        </svg>
        Copy link
      </button>
      <span role="status" aria-live="polite" className="text-sm text-slate-600">
        {state === 'copied' ? 'Link copied' : state === 'failed' ? 'Could not copy; copy the address bar instead' : ''}
      </span>
    </div>
  );
}
