/**
 * Writes of the operator's gallery as the admin area makes them: negative samples and notes round-trip,
 * saves are atomic even when the writing process is killed mid-save, writers in several processes never
 * lose each other's changes (the gallery lock), and the opt-out file is edited line by line.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { addEmbedding, createGallery, ensurePerson } from './gallery';
import { loadGallery, saveGallery } from './gallery-files';
import { withGalleryLock } from './gallery-lock';
import { isOptedOut, parseOptOut, setOptedOut } from './opt-out';
import { addNegativeSample, addSample, removeEntries, removeSample, sampleIdOf } from './people-edit';

const repoRoot = resolve(import.meta.dirname, '../..');
// tsx's loader in this very process (not its CLI, which runs the script in a child a SIGKILL would not reach).
const tsxLoader = join(repoRoot, 'node_modules/tsx/dist/loader.mjs');
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cf-gallery-writes-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function unitVector(dims: number, hot: number): Float32Array {
  const v = new Float32Array(dims);
  v[hot % dims] = 1;
  return v;
}

/** A child process running `body` (TypeScript, top-level await) with gallery-files and the lock imported. */
function runChild(dir: string, body: string, onLine?: (line: string) => void): { done: Promise<number | null>; kill: () => void } {
  const script = join(dir, `child-${Math.random().toString(36).slice(2)}.mts`);
  const source = `
import { loadGallery, saveGallery } from ${JSON.stringify(join(repoRoot, 'lib/gallery/gallery-files.ts'))};
import { withGalleryLock } from ${JSON.stringify(join(repoRoot, 'lib/gallery/gallery-lock.ts'))};
import { addEmbedding, createGallery, ensurePerson } from ${JSON.stringify(join(repoRoot, 'lib/gallery/gallery.ts'))};
${body}
`;
  const started = writeFile(script, source).then(() => spawn(process.execPath, ['--import', pathToFileURL(tsxLoader).href, script], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'silent' } }));
  let child: Awaited<typeof started> | undefined;
  const done = started.then((c) => {
    child = c;
    let buffered = '';
    c.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) onLine?.(line);
    });
    return new Promise<number | null>((done) => c.on('exit', (code) => done(code)));
  });
  return { done, kill: () => child?.kill('SIGKILL') };
}

describe('negative samples and notes', () => {
  it('round-trip through save and load, and go with their sample', async () => {
    const dir = await tempDir();
    const gallery = createGallery(8);
    const ada = ensurePerson(gallery, 'Ada Lovelace');
    addEmbedding(gallery, ada, unitVector(8, 0), '/photos/ada.jpg');
    const added = addSample(gallery, ada, unitVector(8, 1), { at: '2026-01-01T00:00:00.000Z', from: 'photo', file: 'ada2.jpg' });
    const negative = addNegativeSample(gallery, ada, unitVector(8, 5), { at: '2026-01-02T00:00:00.000Z', from: 'result', recognition: 'r'.repeat(22), face: 1 });
    await saveGallery(dir, gallery);

    const loaded = await loadGallery(dir);
    const person = loaded.people[0]!;
    expect(person.sources).toEqual(['/photos/ada.jpg', `admin:${added}`]);
    expect(Array.from(person.negatives!)).toEqual(Array.from(unitVector(8, 5)));
    expect(person.negativeSources).toEqual([`admin:${negative}`]);
    expect(loaded.notes).toEqual({
      [added]: { at: '2026-01-01T00:00:00.000Z', from: 'photo', file: 'ada2.jpg' },
      [negative]: { at: '2026-01-02T00:00:00.000Z', from: 'result', recognition: 'r'.repeat(22), face: 1 },
    });
    expect((await readdir(dir)).filter((f) => f.startsWith('negatives-'))).toHaveLength(1);

    expect(removeSample(loaded, loaded.people, negative)).toMatchObject({ negative: true });
    expect(removeSample(loaded, loaded.people, sampleIdOf('/photos/ada.jpg'))).toMatchObject({ negative: false });
    expect(removeSample(loaded, loaded.people, 'NoSuchSample')).toBeNull();
    await saveGallery(dir, loaded);
    const after = await loadGallery(dir);
    expect(after.people[0]!.sources).toEqual([`admin:${added}`]);
    expect(Array.from(after.people[0]!.embeddings)).toEqual(Array.from(unitVector(8, 1)));
    expect(after.people[0]!.negatives).toBeUndefined();
    expect(Object.keys(after.notes ?? {})).toEqual([added]);
    expect(removeEntries(after, after.people)).toEqual([added]);
    expect(after.notes).toEqual({});
  });
});

describe('a save interrupted by a crash', () => {
  it('leaves the previous gallery readable when the writer dies before its rename', async () => {
    const dir = await tempDir();
    const before = createGallery(8);
    addEmbedding(before, ensurePerson(before, 'Before Person'), unitVector(8, 0), '/p/0.jpg');
    await saveGallery(dir, before);
    // What a writer killed before its rename leaves: a half-written temp JSON and a matrix nothing names.
    await writeFile(join(dir, `gallery.json.tmp-999-abcd1234`), '{"format":"celebrity-finder-gal');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await utimes(join(dir, `gallery.json.tmp-999-abcd1234`), twoMinutesAgo, twoMinutesAgo);
    await writeFile(join(dir, `gallery.json.tmp-${process.pid}-fresh000`), '{'); // a save still under way: left alone
    await writeFile(join(dir, 'embeddings-zzzz-000000.f32'), new Uint8Array(12));
    const loaded = await loadGallery(dir);
    expect(loaded.people.map((p) => p.name)).toEqual(['Before Person']);
    await saveGallery(dir, loaded);
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-') || f === 'embeddings-zzzz-000000.f32')).toEqual([`gallery.json.tmp-${process.pid}-fresh000`]);
  });

  it('never leaves a gallery that fails to load when the saving process is SIGKILLed at random moments', async () => {
    const dir = await tempDir();
    const first = createGallery(512);
    addEmbedding(first, ensurePerson(first, 'Person 0'), unitVector(512, 0), '/p/0.jpg');
    await saveGallery(dir, first);
    for (let round = 0; round < 2; round++) {
      // Each save writes ~4 MB (2,000 rows), so kills land inside writes, flushes and renames alike.
      let saves = 0;
      let firstSave!: () => void;
      const saving = new Promise<void>((done) => (firstSave = done));
      const child = runChild(dir, `
const dir = ${JSON.stringify(dir)};
for (let generation = 1; ; generation++) {
  const gallery = createGallery(512);
  for (let p = 0; p < generation; p++) {
    const person = ensurePerson(gallery, 'Person ' + p);
    const rows = Math.ceil(2000 / generation);
    person.embeddings = new Float32Array(rows * 512);
    for (let r = 0; r < rows; r++) { person.embeddings[r * 512 + ((p + r) % 512)] = 1; person.sources.push('/p/' + p + '-' + r + '.jpg'); }
  }
  await saveGallery(dir, gallery);
  console.log('saved ' + generation);
}`, () => {
        saves += 1;
        firstSave();
      });
      await saving;
      for (let look = 0; look < 3; look++) {
        await new Promise((r) => setTimeout(r, Math.random() * 120));
        expect((await loadGallery(dir)).people.length).toBeGreaterThanOrEqual(1); // concurrent with the writer: a whole gallery
      }
      child.kill();
      expect(await child.done).toBeNull(); // killed, not exited
      expect(saves).toBeGreaterThanOrEqual(1);
      const afterCrash = await loadGallery(dir);
      const generation = afterCrash.people.length;
      expect(afterCrash.people.map((p) => p.name)).toEqual(Array.from({ length: generation }, (_, p) => `Person ${p}`));
      // The last save that completed, whole: every person with all their rows.
      expect(afterCrash.people.reduce((rows, p) => rows + p.embeddings.length / 512, 0)).toBe(generation * Math.ceil(2000 / generation));
    }
  }, 60_000);
});

describe('the gallery lock', () => {
  it('serialises read-modify-write cycles of several processes: no change is lost', async () => {
    const dir = await tempDir();
    await saveGallery(dir, createGallery(8));
    const writers = Array.from({ length: 3 }, (_, w) => runChild(dir, `
const dir = ${JSON.stringify(dir)};
for (let i = 0; i < 3; i++) {
  await withGalleryLock(dir, async () => {
    const gallery = await loadGallery(dir);
    const v = new Float32Array(8); v[${w}] = 1;
    addEmbedding(gallery, ensurePerson(gallery, 'Writer ${w} item ' + i), v, '/w${w}/' + i);
    await new Promise((r) => setTimeout(r, 20)); // widen the window another writer would slip into
    await saveGallery(dir, gallery);
  }, { waitMs: 20000 });
}`));
    expect(await Promise.all(writers.map((w) => w.done))).toEqual([0, 0, 0]);
    const names = (await loadGallery(dir)).people.map((p) => p.name).sort();
    expect(names).toHaveLength(9);
    expect(names).toContain('Writer 2 item 2');
  }, 60_000);

  it('makes a second writer wait, and refuses it when the wait runs out', async () => {
    const dir = await tempDir();
    let release!: () => void;
    const holding = withGalleryLock(dir, () => new Promise<void>((done) => (release = done)));
    await new Promise((r) => setTimeout(r, 50));
    await expect(withGalleryLock(dir, async () => 'second', { waitMs: 300 })).rejects.toThrow(/being changed by another process/);
    const waiting = withGalleryLock(dir, async () => 'second', { waitMs: 5_000 });
    release();
    await holding;
    expect(await waiting).toBe('second');
  });
});

describe('opt-out edits', () => {
  it('add a line with the id and name, and remove every line naming the person, keeping the rest', async () => {
    const dir = await tempDir();
    const path = join(dir, 'opt-out.txt');
    const biden = { id: 'Id0000Bdn1', name: 'Joe Biden', aliases: ['Joseph Biden'] };
    await writeFile(path, '# people who asked\nJoseph Biden\nSomeone Else # kept\n');
    expect(await setOptedOut(path, biden, true)).toBe(false); // already listed under another spelling
    expect(await setOptedOut(path, biden, false)).toBe(true);
    expect(await readFile(path, 'utf8')).toBe('# people who asked\nSomeone Else # kept\n');
    expect(await setOptedOut(path, biden, true)).toBe(true);
    const list = parseOptOut(await readFile(path, 'utf8'));
    expect(isOptedOut(list, biden)).toBe(true);
    expect(isOptedOut(list, { id: 'x', name: 'Someone Else' })).toBe(true);
    expect(await readFile(path, 'utf8')).toContain('Id0000Bdn1  # Joe Biden\n');
    expect(await setOptedOut(join(dir, 'missing.txt'), biden, true)).toBe(true);
  });
});
