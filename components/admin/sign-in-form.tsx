'use client';

import { useRouter } from 'next/navigation';
import { useId, useState, type FormEvent } from 'react';
import { adminFetch, errorMessage, jsonBody } from './admin-api';

/** The token goes in a POST body (never a URL); the answer sets an HttpOnly session cookie. */
export function SignInForm({ next }: { next: string }) {
  const router = useRouter();
  const inputId = useId();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const token = String(new FormData(event.currentTarget).get('token') ?? '');
    setBusy(true);
    setProblem(null);
    try {
      await adminFetch('/api/admin/session', jsonBody('POST', { token }));
      router.replace(next);
      router.refresh();
    } catch (error) {
      setProblem(errorMessage(error));
      setBusy(false);
    }
  }

  return (
    <form onSubmit={onSubmit} method="post" className="mt-6 space-y-4 rounded-2xl border border-slate-200 bg-white p-6 shadow-sm">
      <div>
        <label htmlFor={inputId} className="block text-sm font-medium text-slate-800">Admin token</label>
        <input
          id={inputId}
          name="token"
          type="password"
          autoComplete="current-password"
          required
          autoFocus
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${inputId}-problem` : undefined}
          className="mt-1 w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm focus:border-brand-500 focus:outline-none"
        />
      </div>
      <p id={`${inputId}-problem`} role="alert" className="min-h-5 text-sm text-red-700">{problem ?? ''}</p>
      <button type="submit" disabled={busy} className="w-full rounded-xl bg-brand-600 px-4 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-brand-700 disabled:opacity-60">
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
