/** One of your results, kept only in this browser's localStorage. */
export interface RecentResult {
  id: string;
  /** A video's result lives at /v/{id}; absent for photos (results kept before videos existed). */
  kind?: 'photo' | 'video';
  names: string[];
  faces: number;
  createdAt: string;
  /** The result's delete token (given once by the upload API); only this browser can delete the result. */
  deleteToken?: string;
}

const KEY = 'celebrity-finder:recent:v1';
const MAX = 12;
const CHANGED = 'celebrity-finder:recent-changed';

export function readRecent(): RecentResult[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((r): r is RecentResult => typeof r?.id === 'string' && Array.isArray(r.names)).slice(0, MAX);
  } catch {
    return [];
  }
}

function write(list: RecentResult[]): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(list.slice(0, MAX)));
    window.dispatchEvent(new Event(CHANGED));
  } catch {
    // Private mode or a full quota: recent results are a convenience, the result page still works.
  }
}

export function addRecent(result: RecentResult): void {
  write([result, ...readRecent().filter((r) => r.id !== result.id)]);
}

export function removeRecent(id: string): void {
  write(readRecent().filter((r) => r.id !== id));
}

/** The delete token this browser kept for result `id`, if it uploaded it. */
export function deleteTokenFor(id: string): string | undefined {
  return readRecent().find((r) => r.id === id)?.deleteToken;
}

export function clearRecent(): void {
  write([]);
}

/** Calls back when the list changes in this tab or another one. */
export function subscribeRecent(callback: () => void): () => void {
  window.addEventListener(CHANGED, callback);
  window.addEventListener('storage', callback);
  return () => {
    window.removeEventListener(CHANGED, callback);
    window.removeEventListener('storage', callback);
  };
}
