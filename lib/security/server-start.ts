import 'server-only';
import { getConfig } from '../config';
import { getStore } from '../store';
import { startRetentionSweeper } from './retention';

const startedKey = Symbol.for('celebrity-finder.retention-started');

/** Starts the RESULT_TTL_DAYS sweeper once per server process (no-op when retention is off). */
export function startSecurityTasks(): void {
  const holder = globalThis as unknown as Record<symbol, boolean | undefined>;
  const ttlDays = getConfig().RESULT_TTL_DAYS;
  if (ttlDays === undefined || holder[startedKey]) return;
  holder[startedKey] = true;
  startRetentionSweeper(getStore, ttlDays);
  console.log(`retention: results older than ${ttlDays} day(s) are removed periodically`);
}
