/**
 * Non-finite numbers never reach the C loops (issue #21 item 10): every entry point of the addon, the
 * kernels the engine runs and the JavaScript twin refuse NaN and ±Infinity in any numeric argument with a
 * TypeError. Run in a child process: a crash in C would otherwise take the test runner down with it.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

describe('the native boundary', () => {
  it('refuses NaN and ±Infinity in every numeric argument of every function, without crashing', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/fuzz/non-finite-child.ts'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    const lines = child.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { done?: true; set?: string; fn?: string; arg?: number; value?: string; outcome?: string });
    expect({ status: child.status, signal: child.signal, stderr: child.stderr.slice(-500) }).toEqual({ status: 0, signal: null, stderr: '' });
    expect(lines.at(-1)).toEqual({ done: true });
    const calls = lines.filter((line) => !line.done);
    // 3 sets × (11 + 7 + 6 + 4 arguments) × 3 values, and decode's maxPixels × 3.
    expect(calls.length).toBe(3 * 28 * 3 + 3);
    expect(calls.filter((call) => call.outcome !== 'TypeError')).toEqual([]);
  });
});
