import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addEmbedding, createGallery, ensurePerson } from './gallery';
import { celebrityIdFor } from './ids';
import { layerKnownPeople, mergeKnownPeople } from './merge';
import { addNegativeSample, addSample, entryFor } from './people-edit';
import { EMPTY_OPT_OUT, isOptedOut, parseOptOut } from './opt-out';
import {
  PACK_EMBEDDINGS_FILE, PACK_FILE, PackModelMismatchError, decodePackRows, encodePackRows, fileSha256, loadPack, packPeople, writePack, type PackPerson,
} from './pack';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cf-pack-test-'));
  dirs.push(dir);
  return dir;
}

/** Seeded unit rows, float32 [rows, dims]. */
function unitRows(rows: number, dims: number, seed = 1): Float32Array {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const out = new Float32Array(rows * dims);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = 0; j < dims; j++) sum += (out[r * dims + j] = random()) ** 2;
    for (let j = 0; j < dims; j++) out[r * dims + j]! /= Math.sqrt(sum);
  }
  return out;
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);
const HASH = 'a'.repeat(64);
const person = (id: string, name: string, rows: number, extra: Partial<PackPerson> = {}): PackPerson => ({ id, name, aliases: [], urls: [], rows, sources: { lfw: rows }, ...extra });

describe('pack rows in int8', () => {
  it('read back as unit rows within 0.0005 cosine of the originals', () => {
    const rows = unitRows(200, 512);
    const decoded = decodePackRows(encodePackRows(rows, 512), 512);
    for (let r = 0; r < 200; r++) {
      const a = rows.subarray(r * 512, (r + 1) * 512);
      const b = decoded.subarray(r * 512, (r + 1) * 512);
      expect(dot(b, b)).toBeCloseTo(1, 5);
      expect(dot(a, b)).toBeGreaterThan(0.9995);
    }
  });

  it('use the full int8 range on every row', () => {
    const quantized = encodePackRows(unitRows(3, 512), 512);
    for (let r = 0; r < 3; r++) expect(Math.max(...quantized.subarray(r * 512, (r + 1) * 512).map(Math.abs))).toBe(127);
  });
});

describe('pack files', () => {
  it('round-trip, write the same bytes twice, and give each person their rows', async () => {
    const [a, b] = [await tempDir(), await tempDir()];
    const matrix = unitRows(5, 512, 7);
    const meta = { model: { file: 'fr_feature.onnx', sha256: HASH }, dims: 512, people: [person('Id1', 'Ada Lovelace', 2), person('Id2', 'Joe Biden', 3, { aliases: ['Joseph Biden'], knownGender: 'Male' })] };
    await writePack(a, meta, matrix);
    await writePack(b, meta, matrix);
    for (const file of [PACK_FILE, PACK_EMBEDDINGS_FILE]) expect(await readFile(join(a, file))).toEqual(await readFile(join(b, file)));
    const pack = await loadPack(a, HASH);
    const people = packPeople(pack);
    expect(people.map((p) => [p.name, p.embeddings.length / 512])).toEqual([['Ada Lovelace', 2], ['Joe Biden', 3]]);
    expect(people[1]!.knownGender).toBe('Male');
    expect(dot(people[1]!.embeddings.subarray(0, 512), matrix.subarray(1024, 1536))).toBeGreaterThan(0.9995);
  });

  it('are refused when built with another embedding model, naming the way out', async () => {
    const dir = await tempDir();
    await writePack(dir, { model: { file: 'fr_feature.onnx', sha256: HASH }, dims: 512, people: [person('Id1', 'A', 1)] }, unitRows(1, 512));
    const refusal = loadPack(dir, 'b'.repeat(64));
    await expect(refusal).rejects.toBeInstanceOf(PackModelMismatchError);
    await expect(refusal).rejects.toThrow(/different embedding model.*CELEBRITY_PACK=off/);
  });

  it('are refused when the rows file does not match the people', async () => {
    const dir = await tempDir();
    await writePack(dir, { model: { file: 'fr_feature.onnx', sha256: HASH }, dims: 512, people: [person('Id1', 'A', 2)] }, unitRows(2, 512));
    await writeFile(join(dir, PACK_EMBEDDINGS_FILE), new Uint8Array(512));
    await expect(loadPack(dir, HASH)).rejects.toThrow(/holds 512 bytes, expected 1024/);
  });
});

describe('whom the server knows', () => {
  const pack = () => packPeople({
    meta: { format: 'celebrity-finder-pack', version: 1, model: { file: 'f', sha256: HASH }, dims: 4, rows: 2, encoding: 'int8-unit-rows', people: [person(celebrityIdFor('Joe Biden'), 'Joe Biden', 1, { aliases: ['Joseph Biden'] }), person(celebrityIdFor('Zendaya'), 'Zendaya', 1)] },
    matrix: new Float32Array([1, 0, 0, 0, 0, 1, 0, 0]),
  });

  it('extends a pack person with an import under another spelling instead of adding a twin, and adds new people', () => {
    const operator = createGallery(4);
    addEmbedding(operator, ensurePerson(operator, 'Joseph_Biden'), new Float32Array([0, 0, 1, 0]), '/p/biden.jpg');
    addEmbedding(operator, ensurePerson(operator, 'Ada Lovelace'), new Float32Array([0, 0, 0, 1]), '/p/ada.jpg');
    const { people } = mergeKnownPeople(pack(), operator, EMPTY_OPT_OUT);
    expect(people.map((p) => [p.name, p.embeddings.length / 4, p.origin])).toEqual([
      ['Joe Biden', 2, { lfw: 1, imported: 1 }],
      ['Zendaya', 1, { lfw: 1 }],
      ['Ada Lovelace', 1, { imported: 1 }],
    ]);
  });

  it("applies an admin's edits of a pack person and attaches negative samples, and keeps opted-out people flagged in the layered view", () => {
    const operator = createGallery(4);
    const edit = entryFor(operator, { id: celebrityIdFor('Zendaya'), name: 'Zendaya' });
    edit.overrides = { name: 'Zendaya Coleman', urls: ['https://example.org/z'] };
    addNegativeSample(operator, edit, new Float32Array([0, 0, 0, 1]), { at: '2026-01-01T00:00:00.000Z', from: 'result', recognition: 'r'.repeat(22), face: 0 });
    addSample(operator, ensurePerson(operator, 'Joseph Biden'), new Float32Array([0, 0, 1, 0]), { at: '2026-01-01T00:00:00.000Z', from: 'photo' });
    const ada = ensurePerson(operator, 'Ada Lovelace');
    addSample(operator, ada, new Float32Array([1, 0, 0, 0]), { at: '2026-01-01T00:00:00.000Z', from: 'photo' });
    addNegativeSample(operator, ada, new Float32Array([0, 1, 0, 0]), { at: '2026-01-01T00:00:00.000Z', from: 'result', recognition: 'r'.repeat(22), face: 0 });
    const layered = layerKnownPeople(pack(), operator, parseOptOut('Joe Biden\n'));
    expect(layered.people.map((p) => [p.name, p.urls, p.origin, p.negativeSources?.length ?? 0])).toEqual([
      ['Joe Biden', [], { lfw: 1, added: 1 }, 0],
      ['Zendaya Coleman', ['https://example.org/z'], { lfw: 1 }, 1],
      ['Ada Lovelace', [], { added: 1 }, 1],
    ]);
    expect(Array.from(layered.negatives.get(2) ?? [])).toEqual([0, 1, 0, 0]);
    expect(Array.from(layered.optedOut)).toEqual([1, 0, 0]);
    expect(Array.from(layered.extra.owners)).toEqual([0, 2]);
    expect(Array.from(layered.negatives.get(1) ?? [])).toEqual([0, 0, 0, 1]);
    expect(layered.entryOwners).toEqual([1, 0, 2]);
  });

  it('drops people on the opt-out list by id, by name or by another spelling', () => {
    const list = parseOptOut(`# people who asked\njoseph biden\n\n${celebrityIdFor('Zendaya')}  # by id\n`);
    expect(isOptedOut(list, { id: 'x', name: 'Joe Biden', aliases: ['Joseph Biden'] })).toBe(true);
    const { people, optedOutIds } = mergeKnownPeople(pack(), createGallery(4), list);
    expect(people).toEqual([]);
    expect([...optedOutIds].sort()).toEqual([celebrityIdFor('Joe Biden'), celebrityIdFor('Zendaya')].sort());
  });
});

describe('the shipped pack', () => {
  const repoRoot = resolve(import.meta.dirname, '../..');
  const packDir = join(repoRoot, 'packs/celebrities');

  it('matches the embedding model, knows today’s and LFW’s people once each, and fits its 16 MiB budget', async () => {
    const pack = await loadPack(packDir, await fileSha256(join(repoRoot, 'models/fr_feature.onnx')));
    const byName = new Map(pack.meta.people.map((p) => [p.name, p]));
    expect(pack.meta.people.length).toBeGreaterThan(5_800);
    expect(new Set(pack.meta.people.map((p) => p.id)).size).toBe(pack.meta.people.length);
    for (const name of ['Zendaya', 'Tom Holland', 'Taylor Swift', 'George W Bush', 'Mayim Bialik']) expect(byName.has(name)).toBe(true);
    expect(byName.get('Barack Obama')?.sources).toMatchObject({ pins_105: expect.any(Number), raw: expect.any(Number) });
    expect(byName.get('Joe Biden')?.aliases).toEqual(['Joseph Biden']);
    expect(byName.get('Tom Hanks')?.urls).toEqual(['https://www.imdb.com/name/nm0000158/']);
    const bytes = (await stat(join(packDir, PACK_FILE))).size + (await stat(join(packDir, PACK_EMBEDDINGS_FILE))).size;
    expect(bytes).toBeLessThan(16 * 1024 * 1024);
  });
});
