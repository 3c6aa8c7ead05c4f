'use client';

import { useRouter } from 'next/navigation';
import { adminFetch } from './admin-api';

export function SignOutButton() {
  const router = useRouter();
  return (
    <button
      type="button"
      onClick={async () => {
        await adminFetch('/api/admin/session', { method: 'DELETE' }).catch(() => undefined);
        router.replace('/');
        router.refresh();
      }}
      className="rounded-lg px-3 py-2 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900"
    >
      Sign out
    </button>
  );
}
