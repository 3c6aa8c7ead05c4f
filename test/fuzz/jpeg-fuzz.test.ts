/**
 * Fuzz (issue #21 item 10): 2,000 mutated JPEGs (truncated, flipped bytes, bogus markers, huge declared
 * sizes, broken lengths, dropped and duplicated segments, garbage) through the C addon's decoder and sharp,
 * in a child process so a crash is seen as one. Every case must end as a result or a clean error.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const CASES = 2000;

interface Row {
  i: number;
  kind: string;
  addon: string;
  sharpMeta: string;
  sharpDecode: string;
  walkers: string;
}

describe('JPEG fuzz through the addon and sharp', () => {
  it(`${CASES} mutated JPEGs: no crash, every case a result or a clean error`, () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/fuzz/jpeg-fuzz-child.ts', String(CASES), '21'], {
      cwd: root, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024,
    });
    const lines = child.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Row & { done?: number });
    const rows = lines.filter((line) => line.done === undefined);
    expect({ status: child.status, signal: child.signal, lastCase: rows.at(-1)?.i }).toEqual({ status: 0, signal: null, lastCase: CASES - 1 });
    expect(lines.at(-1)).toEqual({ done: CASES });
    const clean = /^(result|fallback:(not_jpeg|oriented|colour_space|too_large|too_many_scans|warning|error)|error:\w*Error)$/;
    const unclean = rows.filter((row) => ![row.addon, row.sharpMeta, row.sharpDecode, row.walkers].every((outcome) => clean.test(outcome)));
    expect(unclean).toEqual([]);
    // The JS walkers never throw; the mutations reach every kind and both decoders both succeed and refuse.
    expect(rows.filter((row) => row.walkers !== 'result')).toEqual([]);
    expect(new Set(rows.map((row) => row.kind)).size).toBe(8);
    expect(rows.some((row) => row.addon === 'result') && rows.some((row) => row.addon.startsWith('fallback:'))).toBe(true);
    expect(rows.some((row) => row.sharpDecode === 'result') && rows.some((row) => row.sharpDecode.startsWith('error:'))).toBe(true);
  }, 150_000);
});
