'use client';

import { useRouter } from 'next/navigation';
import { useId, useState, type DragEvent, type FormEvent } from 'react';
import { filesOf, usePastedFiles } from '@/components/upload/use-pasted-files';
import { AdminApiError, adminFetch, errorMessage } from './admin-api';
import { PhotoCard } from './photo-card';
import { MAX_PHOTOS, usePhotoSet } from './use-photo-set';

/**
 * Add a person (or photos of someone known) from 1-20 photos: drop, paste (anywhere on the page) or pick
 * them; each shows its faces before anything is saved, and a photo with several faces asks which one.
 */
export function AddPersonForm({ person }: { person?: { id: string; name: string } }) {
  const router = useRouter();
  const ids = { name: useId(), url: useId(), files: useId(), hint: useId() };
  const { entries, notice, add, remove, choose, clear, ready } = usePhotoSet();
  const [dragging, setDragging] = useState(false);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  usePastedFiles(add);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const name = person?.name ?? String(data.get('name') ?? '').trim();
    const url = String(data.get('url') ?? '').trim();
    if (!name) return setProblem('Give the person a name.');
    if (!ready) return setProblem(entries.length === 0 ? 'Add at least one photo.' : 'Every photo needs one face chosen; remove the photos without a usable face.');
    const form = new FormData();
    form.append('name', name);
    if (url) form.append('url', url);
    for (const entry of entries) {
      form.append('photos', entry.upload, entry.upload.name);
      form.append('face', String(entry.chosen));
    }
    setSaving(true);
    setProblem(null);
    try {
      const created = await adminFetch<{ id: string; name: string; samples: number }>('/api/admin/people', { method: 'POST', body: form });
      setSaved(`${created.name} saved with ${created.samples} face ${created.samples === 1 ? 'sample' : 'samples'}.`);
      if (person) {
        clear();
        router.refresh();
      } else {
        router.push(`/admin/people/${created.id}`);
      }
    } catch (error) {
      const photos = error instanceof AdminApiError && error.photos ? ` ${error.photos.map((p) => `Photo ${p.index + 1}: ${p.message}`).join(' ')}` : '';
      setProblem(`${errorMessage(error)}${photos}`);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form onSubmit={onSubmit} aria-label={person ? `Add photos of ${person.name}` : 'Add a person'} className="space-y-5">
      {person ? null : (
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor={ids.name} className="block text-sm font-medium text-slate-800">Name</label>
            <input id={ids.name} name="name" required maxLength={100} autoComplete="off" className="mt-1 w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm focus:border-brand-500 focus:outline-none" />
          </div>
          <div>
            <label htmlFor={ids.url} className="block text-sm font-medium text-slate-800">IMDb or other page <span className="font-normal text-slate-500">(optional)</span></label>
            <input id={ids.url} name="url" type="url" inputMode="url" placeholder="https://www.imdb.com/name/…" className="mt-1 w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm focus:border-brand-500 focus:outline-none" />
          </div>
        </div>
      )}
      <div
        data-testid="photo-drop-zone"
        onDragOver={(event: DragEvent) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event: DragEvent) => {
          event.preventDefault();
          setDragging(false);
          add(filesOf(event.dataTransfer));
        }}
        className={`flex flex-col items-center gap-3 rounded-2xl border-2 border-dashed p-6 text-center ${dragging ? 'border-brand-500 bg-brand-50' : 'border-slate-300 bg-white/70'}`}
      >
        <p className="font-semibold text-slate-900">Drop photos here</p>
        <p id={ids.hint} className="text-sm text-slate-500">
          or paste them with <kbd className="rounded border border-slate-300 bg-white px-1.5 py-0.5 font-sans text-xs">Ctrl</kbd>+<kbd className="rounded border border-slate-300 bg-white px-1.5 py-0.5 font-sans text-xs">V</kbd> · 1 to {MAX_PHOTOS} photos, one face each
        </p>
        <input
          id={ids.files}
          type="file"
          multiple
          accept="image/jpeg,image/png,image/webp,image/avif,image/gif"
          aria-describedby={ids.hint}
          className="peer sr-only"
          onChange={(event) => {
            add([...(event.target.files ?? [])]);
            event.target.value = '';
          }}
        />
        <label htmlFor={ids.files} className="cursor-pointer rounded-xl border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 shadow-sm hover:bg-slate-50 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-brand-600">
          Choose photos
        </label>
        <p aria-live="polite" className="text-sm text-amber-700">{notice ?? ''}</p>
      </div>
      {entries.length > 0 ? (
        <ul aria-label="Photos to save" className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {entries.map((entry, index) => (
            <PhotoCard key={entry.key} entry={entry} index={index} onChoose={(face) => choose(entry.key, face)} onRemove={() => remove(entry.key)} />
          ))}
        </ul>
      ) : null}
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={saving} className="rounded-xl bg-brand-600 px-5 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-brand-700 disabled:opacity-60">
          {saving ? 'Saving…' : person ? `Add ${entries.length || ''} ${entries.length === 1 ? 'photo' : 'photos'}`.replace('  ', ' ') : 'Save person'}
        </button>
        <p aria-live="polite" className="text-sm text-slate-600">{saved ?? (entries.length ? `${entries.filter((e) => e.status === 'ready' && e.chosen !== null).length} of ${entries.length} photos ready` : '')}</p>
      </div>
      <p role="alert" className="text-sm text-red-700">{problem ?? ''}</p>
    </form>
  );
}
