import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFrameSpill } from './frame-spill';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cf-spill-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('openFrameSpill', () => {
  it('gives back each kept frame byte for byte, null for frames it never got, and removes its file on close', async () => {
    const spill = (await openFrameSpill(join(dir, 'a.frames')))!;
    const frames = [new Uint8Array([1, 2, 3]), new Uint8Array(70_000).fill(7), new Uint8Array([9])];
    for (const [i, frame] of frames.entries()) await spill.add(i + 4, frame);
    expect(await spill.read(5)).toEqual(frames[1]);
    expect(await spill.read(4)).toEqual(frames[0]);
    expect(await spill.read(6)).toEqual(frames[2]);
    expect(await spill.read(3)).toBeNull();
    await spill.close();
    expect(await readdir(dir)).not.toContain('a.frames');
  });

  it('is null, not a crash, when its file cannot be made (the job then asks ffmpeg for thumbnails)', async () => {
    await writeFile(join(dir, 'taken.frames'), 'someone else\'s');
    expect(await openFrameSpill(join(dir, 'taken.frames'))).toBeNull();
    expect(await openFrameSpill(join(dir, 'no-such-folder', 'x.frames'))).toBeNull();
  });
});
