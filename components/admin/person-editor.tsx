'use client';

import { useRouter } from 'next/navigation';
import { useId, useState, type FormEvent } from 'react';
import { adminFetch, errorMessage, jsonBody } from './admin-api';

/** Edit a person's name and links, put them on (or take them off) the opt-out list, or remove them. */
export function PersonEditor({ person }: { person: { id: string; name: string; urls: string[]; inPack: boolean; optedOut: boolean } }) {
  const router = useRouter();
  const ids = { name: useId(), urls: useId() };
  const [status, setStatus] = useState<{ kind: 'ok' | 'problem'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const base = `/api/admin/people/${person.id}`;

  async function run(work: () => Promise<unknown>, done: string, after?: () => void) {
    setBusy(true);
    setStatus(null);
    try {
      await work();
      setStatus({ kind: 'ok', text: done });
      if (after) after();
      else router.refresh();
    } catch (error) {
      setStatus({ kind: 'problem', text: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  }

  function onSave(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const name = String(data.get('name') ?? '').trim();
    const urls = String(data.get('urls') ?? '').split(/\s+/).map((u) => u.trim()).filter(Boolean);
    void run(() => adminFetch(base, jsonBody('PATCH', { name, urls })), 'Saved.');
  }

  const removeLabel = person.inPack ? 'Remove (opt out, drop your samples)' : 'Remove person';
  return (
    <section aria-labelledby="edit-heading" className="self-start rounded-2xl border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id="edit-heading" className="text-lg font-semibold text-slate-900">Edit</h2>
      <form onSubmit={onSave} className="mt-4 space-y-4">
        <div>
          <label htmlFor={ids.name} className="block text-sm font-medium text-slate-800">Name</label>
          <input id={ids.name} name="name" defaultValue={person.name} required maxLength={100} className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 text-slate-900 shadow-sm focus:border-brand-500 focus:outline-none" />
        </div>
        <div>
          <label htmlFor={ids.urls} className="block text-sm font-medium text-slate-800">Links <span className="font-normal text-slate-500">(one a line: IMDb first is best)</span></label>
          <textarea id={ids.urls} name="urls" rows={3} defaultValue={person.urls.join('\n')} className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 font-mono text-sm text-slate-900 shadow-sm focus:border-brand-500 focus:outline-none" />
        </div>
        <button type="submit" disabled={busy} className="rounded-xl bg-brand-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-brand-700 disabled:opacity-60">Save changes</button>
      </form>
      <div className="mt-6 flex flex-wrap gap-3 border-t border-slate-200 pt-4">
        <button
          type="button"
          disabled={busy}
          onClick={() => run(() => adminFetch(`${base}/opt-out`, { method: person.optedOut ? 'DELETE' : 'PUT' }), person.optedOut ? 'Taken off the opt-out list.' : 'On the opt-out list: never named.')}
          className="rounded-xl border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 shadow-sm hover:bg-slate-50 disabled:opacity-60"
        >
          {person.optedOut ? 'Opt back in' : 'Opt out (never name them)'}
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            if (!window.confirm(`${removeLabel}: ${person.name}?`)) return;
            void run(() => adminFetch(base, { method: 'DELETE' }), 'Removed.', () => {
              router.push('/admin');
              router.refresh();
            });
          }}
          className="rounded-xl border border-red-300 bg-white px-4 py-2 text-sm font-semibold text-red-700 shadow-sm hover:bg-red-50 disabled:opacity-60"
        >
          {removeLabel}
        </button>
      </div>
      <p role={status?.kind === 'problem' ? 'alert' : 'status'} className={`mt-3 min-h-5 text-sm ${status?.kind === 'problem' ? 'text-red-700' : 'text-emerald-700'}`}>{status?.text ?? ''}</p>
    </section>
  );
}
