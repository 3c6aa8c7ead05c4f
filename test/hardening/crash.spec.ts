import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCrashTest } from './harness/crash';
import { HARDENING_ROOT } from './harness/server';

describe('SIGKILL in the middle of a stream of uploads', () => {
  it('keeps every acknowledged result and photo, and serves nothing half-written', async () => {
    const dataDir = `${HARDENING_ROOT}/crash-spec`;
    await rm(dataDir, { recursive: true, force: true });
    const result = await runCrashTest(3450, dataDir, { parallel: 4, killAfterAcks: 8 });
    expect(result.acknowledged).toBeGreaterThanOrEqual(8);
    expect(result.inFlightAtKill).toBeGreaterThanOrEqual(1);
    expect(result.missing).toEqual([]);
    expect(result.broken).toEqual([]);
    expect(result.acknowledgedIntact).toBe(result.acknowledged);
    expect(result.rowsIntact).toBe(result.rowsAfterRestart);
  }, 300_000);
});
