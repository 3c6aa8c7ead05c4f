/** The admin pages' calls to /api/admin (same origin: the session cookie goes along). */

export class AdminApiError extends Error {
  constructor(message: string, readonly status: number, readonly code: string, readonly photos?: Array<{ index: number; file: string; message: string }>) {
    super(message);
  }
}

/** Fetches `path`; a non-2xx answer becomes AdminApiError with the server's message (docs/webapp.md error format). */
export async function adminFetch<T = unknown>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { accept: 'application/json', ...init.headers } });
  } catch {
    throw new AdminApiError('The server could not be reached. Check your connection and try again.', 0, 'network');
  }
  if (response.status === 204) return undefined as T;
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string; photos?: AdminApiError['photos'] } } | null;
  if (!response.ok) {
    const message = body?.error?.message ?? `The server answered ${response.status}.`;
    throw new AdminApiError(message, response.status, body?.error?.code ?? 'unknown', body?.error?.photos);
  }
  return body as T;
}

/** JSON request options. */
export function jsonBody(method: string, value: unknown): RequestInit {
  return { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong. Please try again.';
}
