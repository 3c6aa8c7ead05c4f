'use client';

import { useRouter } from 'next/navigation';
import { useState, useSyncExternalStore } from 'react';
import { deleteTokenFor, removeRecent, subscribeRecent } from '@/components/recent/recent-store';

/**
 * "Delete this result", shown only in the browser that uploaded the photo or video (it holds the delete token
 * in its recent results). Deletes the result and its file on the server, then goes home.
 */
export function DeleteResultButton({ id, apiPath = `/api/recognitions/${id}`, what = 'photo' }: { id: string; apiPath?: string; what?: 'photo' | 'video' }) {
  const router = useRouter();
  // localStorage exists only in the browser: the server renders no button, the browser reads the token.
  const token = useSyncExternalStore(subscribeRecent, () => deleteTokenFor(id), () => undefined);
  const [state, setState] = useState<'idle' | 'deleting' | 'failed'>('idle');

  if (!token) return null;

  async function onDelete() {
    if (!window.confirm(`Delete this result and its ${what} for everyone? This cannot be undone.`)) return;
    setState('deleting');
    const response = await fetch(apiPath, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } }).catch(() => null);
    if (response && (response.status === 204 || response.status === 404)) {
      removeRecent(id);
      router.push('/');
      return;
    }
    setState('failed');
  }

  return (
    <>
      <button
        type="button"
        onClick={onDelete}
        disabled={state === 'deleting'}
        className="rounded-xl border border-red-300 bg-white px-4 py-2.5 text-sm font-semibold text-red-700 shadow-sm hover:bg-red-50 disabled:opacity-60"
      >
        {state === 'deleting' ? 'Deleting…' : 'Delete this result'}
      </button>
      <span role="status" aria-live="polite" className="text-sm text-red-700">
        {state === 'failed' ? 'Could not delete the result. Please try again.' : ''}
      </span>
    </>
  );
}
