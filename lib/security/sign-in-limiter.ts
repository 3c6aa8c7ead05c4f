import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Wrong admin tokens per client, counted in SQLite so every pm2 worker shares the count: after
 * `maxFailures` wrong tries within `windowMs`, a client is refused (429) until the oldest of them is a
 * window old. Only failures count; a right token does not reset the count (a guesser gets no free tries).
 */
export interface SignInLimiter {
  /** ok, or how long the client must wait. */
  check(client: string, now?: number): { ok: true } | { ok: false; retryAfterSeconds: number };
  recordFailure(client: string, now?: number): void;
  close(): void;
}

export function createSignInLimiter(path: string, { maxFailures = 5, windowMs = 60_000 } = {}): SignInLimiter {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // Losing the last few failures in a power cut is harmless; waiting on fsync for each is not worth it.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS sign_in_failures (client TEXT NOT NULL, at INTEGER NOT NULL) STRICT;
           CREATE INDEX IF NOT EXISTS sign_in_failures_client_at ON sign_in_failures (client, at);`);
  const recent = db.prepare<[string, number], { failures: number; oldest: number | null }>(
    'SELECT COUNT(*) AS failures, MIN(at) AS oldest FROM sign_in_failures WHERE client = ? AND at > ?',
  );
  const insert = db.prepare<[string, number]>('INSERT INTO sign_in_failures (client, at) VALUES (?, ?)');
  const prune = db.prepare<[number]>('DELETE FROM sign_in_failures WHERE at <= ?');
  return {
    check(client, now = Date.now()) {
      const { failures, oldest } = recent.get(client, now - windowMs)!;
      if (failures < maxFailures || oldest === null) return { ok: true };
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
    },
    recordFailure(client, now = Date.now()) {
      insert.run(client, now);
      prune.run(now - windowMs);
    },
    close() {
      db.close();
    },
  };
}
