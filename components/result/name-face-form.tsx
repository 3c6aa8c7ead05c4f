'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useId, useState, type FormEvent } from 'react';

interface PersonOption {
  id: string;
  name: string;
}

async function post(path: string, body: unknown): Promise<string | null> {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).catch(() => null);
  if (!response) return 'The server could not be reached.';
  if (response.ok) return null;
  const error = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  return error?.error?.message ?? `The server answered ${response.status}.`;
}

/**
 * Admins only: "Name this face" under an unrecognized face. Pick someone the server knows (suggested as you
 * type) or type a new name; the face becomes one of their samples and the page is drawn again with the name.
 */
export function NameFaceForm({ recognitionId, face, faceLabel }: { recognitionId: string; face: number; faceLabel: string }) {
  const router = useRouter();
  const ids = { input: useId(), list: useId() };
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [options, setOptions] = useState<PersonOption[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!open || query.trim().length < 2) return;
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      const response = await fetch(`/api/admin/people?pageSize=8&q=${encodeURIComponent(query.trim())}`, { signal: controller.signal }).catch(() => null);
      if (!response?.ok) return;
      const page = (await response.json()) as { items: PersonOption[] };
      setOptions(page.items.map(({ id, name }) => ({ id, name })));
    }, 150);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [open, query]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = query.trim();
    if (!name) return setProblem('Type a name.');
    const known = options.find((o) => o.name.toLowerCase() === name.toLowerCase());
    setBusy(true);
    setProblem(null);
    const failed = await post(`/api/admin/recognitions/${recognitionId}/faces/${face}/name`, known ? { personId: known.id } : { name });
    if (failed) {
      setProblem(failed);
      setBusy(false);
      return;
    }
    router.refresh();
  }

  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} className="rounded-lg border border-slate-300 bg-white px-2.5 py-1 text-xs font-semibold text-slate-700 shadow-sm hover:bg-slate-50">
        Name this face<span className="sr-only"> ({faceLabel})</span>
      </button>
    );
  }
  return (
    <form onSubmit={onSubmit} aria-label={`Name ${faceLabel}`} className="space-y-2">
      <label htmlFor={ids.input} className="block text-xs font-medium text-slate-700">Who is this?</label>
      <div className="flex gap-2">
        <input
          id={ids.input}
          list={ids.list}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          autoFocus
          autoComplete="off"
          maxLength={100}
          placeholder="A known person or a new name"
          className="min-w-0 flex-1 rounded-lg border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-900 shadow-sm focus:border-brand-500 focus:outline-none"
        />
        <datalist id={ids.list}>
          {options.map((option) => <option key={option.id} value={option.name} />)}
        </datalist>
        <button type="submit" disabled={busy} className="rounded-lg bg-brand-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-60">
          {busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" onClick={() => setOpen(false)} className="rounded-lg px-2 py-1.5 text-sm text-slate-600 hover:bg-slate-100">Cancel</button>
      </div>
      <p role="alert" className="text-xs text-red-700">{problem ?? ''}</p>
    </form>
  );
}

/** Admins only: "This is not X" on a recognized face. The face is kept as a negative sample of X and the page drawn again. */
export function RejectNameButton({ recognitionId, face, name }: { recognitionId: string; face: number; name: string }) {
  const router = useRouter();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <span className="flex flex-wrap items-center gap-2">
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setProblem(null);
          const failed = await post(`/api/admin/recognitions/${recognitionId}/faces/${face}/reject`, {});
          if (failed) {
            setProblem(failed);
            setBusy(false);
            return;
          }
          router.refresh();
        }}
        className="rounded-lg border border-red-200 bg-white px-2.5 py-1 text-xs font-semibold text-red-700 shadow-sm hover:bg-red-50 disabled:opacity-60"
      >
        {busy ? 'Saving…' : `This is not ${name}`}
      </button>
      {problem ? <span role="alert" className="text-xs text-red-700">{problem}</span> : null}
    </span>
  );
}
