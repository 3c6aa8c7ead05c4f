'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { adminFetch, errorMessage } from './admin-api';

export function RemoveSampleButton({ personId, sampleId, label }: { personId: string; sampleId: string; label: string }) {
  const router = useRouter();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <span className="flex items-center gap-2">
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await adminFetch(`/api/admin/people/${personId}/samples/${sampleId}`, { method: 'DELETE' });
            router.refresh();
          } catch (error) {
            setProblem(errorMessage(error));
            setBusy(false);
          }
        }}
        className="rounded-lg px-2.5 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-60"
      >
        Remove<span className="sr-only"> {label}</span>
      </button>
      {problem ? <span role="alert" className="text-xs text-red-700">{problem}</span> : null}
    </span>
  );
}
