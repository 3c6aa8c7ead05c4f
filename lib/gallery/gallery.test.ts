import { mkdtemp, mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addEmbedding, createGallery, ensurePerson, flattenGallery, removePerson, type Gallery } from './gallery';
import { assignCelebrityId, celebrityIdFor, normalizeName } from './ids';
import { parseImdbCsv } from './imdb';
import { applyPhotoResult, folderToName, pickFaceByReference, pickSubjectFace, planImport } from './import-plan';
import { loadGallery, saveGallery } from './gallery-files';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cf-gallery-test-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function vector(dims: number, hot: number): Float32Array {
  const v = new Float32Array(dims);
  v[hot] = 1;
  return v;
}

describe('celebrity ids', () => {
  it('are stable, alphanumeric and shared by spellings that normalise alike', () => {
    expect(celebrityIdFor('George W Bush')).toBe('6py6UlCJv2') // recorded: ids must never change between releases;
    expect(celebrityIdFor('George_W_Bush')).toBe(celebrityIdFor('george  w. bush'));
    expect(celebrityIdFor('José Ángel')).toBe(celebrityIdFor('Jose Angel'));
    expect(celebrityIdFor('Jose Angel')).not.toBe(celebrityIdFor('Jose Angelo'));
    expect(normalizeName('Ana_Paula  Gerard-Smith')).toBe('ana paula gerard smith');
  });

  it('step aside when another name already holds the id', () => {
    const id = celebrityIdFor('Tom Hanks');
    const taken = new Map([[id, 'someone else']]);
    const assigned = assignCelebrityId('Tom Hanks', taken);
    expect(assigned).toMatch(/^[0-9A-Za-z]{10}$/);
    expect(assigned).not.toBe(id);
    expect(assignCelebrityId('Tom Hanks', new Map([[id, 'tom hanks']]))).toBe(id);
  });
});

describe('IMDb CSV', () => {
  it('maps exact names to IMDb URLs and drops ambiguous names', () => {
    const csv = 'nconst,category,primaryName\nnm0000158,actor,Tom Hanks\nnm1,actor,Same Name\nnm2,actress,Same Name\n';
    const map = parseImdbCsv(csv);
    expect(map.get('Tom Hanks')).toBe('https://www.imdb.com/name/nm0000158/');
    expect(map.has('tom hanks')).toBe(false);
    expect(map.has('Same Name')).toBe(false);
  });

  it('refuses a CSV without the needed columns', () => {
    expect(() => parseImdbCsv('id,name\n1,x\n')).toThrow(/nconst and primaryName/);
  });
});

describe('gallery store', () => {
  it('round-trips people, embeddings and photo records, replacing files atomically', async () => {
    const dir = await tempDir();
    const gallery = createGallery(4);
    const ada = ensurePerson(gallery, 'Ada Lovelace');
    addEmbedding(gallery, ada, vector(4, 0), '/p/a1.jpg', 'Female');
    addEmbedding(gallery, ada, vector(4, 1), '/p/a2.jpg', 'Female');
    const alan = ensurePerson(gallery, 'Alan Turing');
    ada.urls.push('https://example.org/ada');
    addEmbedding(gallery, alan, vector(4, 2), '/p/t1.jpg', 'Male');
    gallery.photos['/p/t1.jpg'] = { person: alan.id, size: 10, mtimeMs: 5, outcome: 'embedded', faces: 2 };
    await saveGallery(dir, gallery);
    await saveGallery(dir, gallery);
    await saveGallery(dir, gallery);
    const loaded = await loadGallery(dir);
    expect(loaded.people.map((p) => [p.name, p.knownGender, p.sources.length])).toEqual([
      ['Ada Lovelace', 'Female', 2],
      ['Alan Turing', 'Male', 1],
    ]);
    expect(Array.from(loaded.people[0]!.embeddings)).toEqual([1, 0, 0, 0, 0, 1, 0, 0]);
    expect(Array.from(loaded.people[1]!.embeddings)).toEqual([0, 0, 1, 0]);
    expect(loaded.people[0]!.urls).toEqual(['https://example.org/ada']);
    expect(loaded.photos['/p/t1.jpg']?.faces).toBe(2);
    const files = (await readdir(dir)).sort();
    expect(files.filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.f32'))).toHaveLength(2); // current + one previous generation
  });

  it('loads a missing gallery as empty and removes people with their records', async () => {
    const empty = await loadGallery(join(await tempDir(), 'nothing-here'));
    expect(empty.people).toEqual([]);
    const gallery = createGallery(4);
    applyPhotoResult(gallery, { name: 'Ada Lovelace', path: '/p/a.jpg', size: 1, mtimeMs: 1 }, 1, { box: { x: 0, y: 0, width: 1, height: 1 }, embedding: vector(4, 0) });
    expect(removePerson(gallery, 'ada lovelace')?.name).toBe('Ada Lovelace');
    expect(gallery.people).toEqual([]);
    expect(gallery.photos).toEqual({});
  });
});

describe('incremental import', () => {
  it('skips photos already embedded and picks up new or changed ones', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'Ada_Lovelace'));
    await mkdir(join(root, 'Alan_Turing'));
    await writeFile(join(root, 'Ada_Lovelace', '1.jpg'), 'a');
    await writeFile(join(root, 'Ada_Lovelace', 'notes.txt'), 'not a photo');
    await writeFile(join(root, 'Alan_Turing', '1.jpg'), 'b');
    const gallery = createGallery(4);
    const first = await planImport(gallery, root);
    expect(first.tasks.map((t) => t.name)).toEqual(['Ada Lovelace', 'Alan Turing']);
    for (const task of first.tasks) applyPhotoResult(gallery, task, 0);
    expect((await planImport(gallery, root)).tasks).toEqual([]);
    expect((await planImport(gallery, root)).skipped).toBe(2);
    await writeFile(join(root, 'Alan_Turing', '2.jpg'), 'c');
    await utimes(join(root, 'Ada_Lovelace', '1.jpg'), new Date(), new Date(Date.now() + 5000));
    const again = await planImport(gallery, root);
    expect(again.tasks.map((t) => t.path.slice(root.length))).toEqual(['/Ada_Lovelace/1.jpg', '/Alan_Turing/2.jpg']);
  });

  it('names a bad path clearly', async () => {
    await expect(planImport(createGallery(4), '/no/such/dir')).rejects.toThrow(/not a directory/);
  });

  it('turns folder names into names and picks the central one of similar-sized faces', () => {
    expect(folderToName('George_W__Bush')).toBe('George W Bush');
    const face = (x: number, size: number) => ({ box: { x, y: 100, width: size, height: size }, embedding: new Float32Array(1) });
    const edge = face(0, 110);
    const centre = face(75, 100);
    expect(pickSubjectFace([edge, centre, face(200, 20)], 250, 300)).toBe(centre);
    expect(pickSubjectFace([face(0, 200), centre], 250, 300)?.box.width).toBe(200);
  });

  it('with reference photos, picks the face most like the person, not the biggest', () => {
    const face = (hot: number, size: number) => ({ box: { x: 0, y: 0, width: size, height: size }, embedding: vector(4, hot) });
    const stranger = face(0, 200);
    const subject = face(2, 50);
    const reference = Float32Array.from([...vector(4, 3), ...Array.from(vector(4, 2), (x) => x * 0.9)]);
    expect(pickFaceByReference([stranger, subject], reference, 4)).toBe(subject);
    expect(pickFaceByReference([stranger, subject], new Float32Array(0), 4)).toBeUndefined();
  });
});

describe('flattenGallery', () => {
  /** Three people with 2, 0 and 1 rows of 4 dims; each row holds its own number. */
  function threePeople(): Gallery {
    const gallery = createGallery(4);
    const a = ensurePerson(gallery, 'Ann A');
    ensurePerson(gallery, 'Bea B');
    const c = ensurePerson(gallery, 'Cy C');
    addEmbedding(gallery, a, vector(4, 0), 'a1.jpg');
    addEmbedding(gallery, a, vector(4, 1), 'a2.jpg');
    addEmbedding(gallery, c, vector(4, 2), 'c1.jpg');
    return gallery;
  }

  it('copies the rows of a gallery built in memory, with each row owner', () => {
    const { matrix, owners } = flattenGallery(threePeople());
    expect(Array.from(matrix)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
    expect(Array.from(owners)).toEqual([0, 0, 2]);
  });

  it("returns a loaded gallery's own matrix instead of a copy", async () => {
    const dir = await tempDir();
    await saveGallery(dir, threePeople());
    const loaded = await loadGallery(dir);
    const { matrix, owners } = flattenGallery(loaded);
    expect(Array.from(matrix)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
    expect(Array.from(owners)).toEqual([0, 0, 2]);
    expect(matrix.buffer).toBe(loaded.people[0]!.embeddings.buffer);
    // Once a person's rows live elsewhere (an import grew them), the rows are copied again, in order.
    addEmbedding(loaded, loaded.people[0]!, vector(4, 3), 'a3.jpg');
    const grown = flattenGallery(loaded);
    expect(grown.matrix.buffer).not.toBe(loaded.people[2]!.embeddings.buffer);
    expect(Array.from(grown.matrix)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0]);
    expect(Array.from(grown.owners)).toEqual([0, 0, 0, 2]);
  });
});
