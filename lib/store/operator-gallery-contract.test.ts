/**
 * The OperatorGallery contract on both back ends: a folder (GALLERY_PATH + the opt-out file) and PostgreSQL
 * (a real server from Debian's packages), with a second instance standing for another host.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../test/support/postgres-server';
import { GalleryBusyError, addEmbedding, createGallery, createGalleryFolder, ensurePerson, isOptedOut, type OperatorGallery } from '../gallery';
import { openPgDatabase, type PgDatabase } from './postgres-db';
import { createPostgresGallery } from './postgres-gallery';
import { createPostgresObjects } from './postgres-objects';

let postgres: PostgresServer;
let databases = 0;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  postgres = await startPostgres({ settings: { fsync: 'off', synchronous_commit: 'off' } });
});
afterAll(() => postgres?.stop());
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function unit(dims: number, seed: number): Float32Array {
  const v = new Float32Array(dims).map((_, i) => Math.sin(seed * 31 + i));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** Two handles on the same storage: this host's and another's. */
type Open = () => Promise<[OperatorGallery, OperatorGallery]>;

const backends: Array<[string, Open]> = [
  ['a folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-operator-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const open = () => createGalleryFolder(join(dir, 'gallery'), join(dir, 'opt-out.txt'));
    return [open(), open()];
  }],
  ['PostgreSQL', async () => {
    const url = postgres.createDatabase(`operator_${++databases}`);
    const open = () => {
      const db: PgDatabase = openPgDatabase({ url, poolMax: 3, connectTimeoutMs: 5_000, idleTimeoutMs: 10_000, statementTimeoutMs: 10_000 });
      cleanups.push(() => db.close());
      return createPostgresGallery(db, createPostgresObjects(db));
    };
    return [open(), open()];
  }],
];

describe.each(backends)('OperatorGallery in %s', (_name, open) => {
  it('saves and loads people with their embeddings, negatives, photo records and notes; the version moves', async () => {
    const [here, there] = await open();
    const before = await there.version();
    const gallery = createGallery(8);
    const ann = ensurePerson(gallery, 'Ann Example');
    addEmbedding(gallery, ann, unit(8, 1), '/photos/ann/1.jpg');
    addEmbedding(gallery, ann, unit(8, 2), 'admin:AAAAAAAAAAAA');
    ann.negatives = unit(8, 3);
    ann.negativeSources = ['admin:BBBBBBBBBBBB'];
    const bob = ensurePerson(gallery, 'Bob Example');
    addEmbedding(gallery, bob, unit(8, 4), '/photos/bob/1.jpg');
    gallery.photos['/photos/ann/1.jpg'] = { person: ann.id, size: 10, mtimeMs: 1, outcome: 'embedded', faces: 1 };
    gallery.notes = { AAAAAAAAAAAA: { at: '2026-12-04T00:00:00.000Z', from: 'photo', file: 'ann.jpg' } };
    await here.withLock(() => here.save(gallery));
    expect(await there.version()).not.toBe(before);
    const loaded = await there.load();
    expect(loaded.dims).toBe(8);
    expect(loaded.people.map((p) => [p.name, p.sources, p.embeddings.length, p.negatives?.length ?? 0])).toEqual([
      ['Ann Example', ['/photos/ann/1.jpg', 'admin:AAAAAAAAAAAA'], 16, 8],
      ['Bob Example', ['/photos/bob/1.jpg'], 8, 0],
    ]);
    expect(loaded.people[0]!.embeddings).toEqual(ann.embeddings);
    expect(loaded.people[0]!.negatives).toEqual(ann.negatives);
    expect(loaded.photos).toEqual(gallery.photos);
    expect(loaded.notes).toEqual(gallery.notes);
    await there.save({ ...loaded, people: loaded.people.slice(1) });
    expect((await here.load()).people.map((p) => p.name)).toEqual(['Bob Example']);
  });

  it('keeps other writers out while one holds the lock', async () => {
    const [here, there] = await open();
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((done) => (entered = done));
    const held = here.withLock(() => new Promise<void>((done) => {
      release = done;
      entered();
    }));
    await inside;
    await expect(there.withLock(async () => 'never', { waitMs: 300 })).rejects.toBeInstanceOf(GalleryBusyError);
    const waiting = there.withLock(async () => 'after', { waitMs: 5_000 });
    release();
    await held;
    expect(await waiting).toBe('after');
  });

  it('puts people on the opt-out list and takes them off, by id, name or another spelling', async () => {
    const [here, there] = await open();
    const person = { id: 'abcdefghij', name: 'José Example', aliases: ['Jose Ejemplo'] };
    const version = await there.optOutVersion();
    expect(await here.setOptedOut(person, true)).toBe(true);
    expect(await here.setOptedOut(person, true)).toBe(false);
    expect(await there.optOutVersion()).not.toBe(version);
    expect(isOptedOut(await there.loadOptOut(), person)).toBe(true);
    expect(isOptedOut(await there.loadOptOut(), { id: 'other', name: 'Someone Else' })).toBe(false);
    expect(await there.setOptedOut(person, false)).toBe(true);
    expect(isOptedOut(await here.loadOptOut(), person)).toBe(false);
  });

  it('keeps the face crops of added samples', async () => {
    const [here, there] = await open();
    await here.writeSampleFace('CCCCCCCCCCCC', new Uint8Array([0xff, 0xd8, 1]));
    expect(await there.readSampleFace('CCCCCCCCCCCC')).toEqual(new Uint8Array([0xff, 0xd8, 1]));
    expect(await there.readSampleFace('../../etc/pa')).toBeNull();
    await there.removeSampleFaces(['CCCCCCCCCCCC']);
    expect(await here.readSampleFace('CCCCCCCCCCCC')).toBeNull();
  });
});

describe('OperatorGallery in PostgreSQL across hosts', () => {
  it('tells the other host of a save and of an opt-out edit at once (LISTEN/NOTIFY)', async () => {
    const [here, there] = await backends[1]![1]();
    const heard: number[] = [];
    const started = Date.now();
    const stop = there.watch!(() => heard.push(Date.now() - started));
    const until = async (done: () => boolean) => {
      for (const t = Date.now(); !done() && Date.now() - t < 5_000;) await new Promise((next) => setTimeout(next, 10));
    };
    // It calls once when it starts listening (for whatever changed before): from then on it hears every commit.
    await until(() => heard.length === 1);
    expect(heard.length).toBe(1);
    const gallery = createGallery(8);
    addEmbedding(gallery, ensurePerson(gallery, 'Cy Example'), unit(8, 5), '/photos/cy.jpg');
    const saved = Date.now();
    await here.save(gallery);
    await here.setOptedOut({ id: 'x', name: 'Cy Example' }, true);
    await until(() => heard.length === 3);
    await new Promise((done) => setTimeout(done, 200));
    stop();
    expect(heard.length).toBe(3);
    expect(heard[1]! - (saved - started)).toBeLessThan(2_000);
  });
});

describe('OperatorGallery in PostgreSQL with an opt-out file (GALLERY_OPT_OUT)', () => {
  it("honours the file's entries beside the table's, sees the file change, and never writes it", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-opt-out-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'opt-out.txt');
    const url = postgres.createDatabase(`operator_${++databases}`);
    const db = openPgDatabase({ url, poolMax: 3, connectTimeoutMs: 5_000, idleTimeoutMs: 10_000, statementTimeoutMs: 10_000 });
    cleanups.push(() => db.close());
    const withFile = createPostgresGallery(db, createPostgresObjects(db), file);
    const otherHost = createPostgresGallery(db, createPostgresObjects(db));
    const fromFile = { id: 'file-listed', name: 'Filed Person' };
    const fromTable = { id: 'table-listed', name: 'Tabled Person' };
    // No file yet: nobody from it.
    expect(isOptedOut(await withFile.loadOptOut(), fromFile)).toBe(false);
    const before = await withFile.optOutVersion();
    await writeFile(file, '# never name\nFiled Person\n');
    expect(await withFile.optOutVersion()).not.toBe(before);
    expect(isOptedOut(await withFile.loadOptOut(), fromFile)).toBe(true);
    // The table still counts, on every host; the file only where it is.
    await otherHost.setOptedOut(fromTable, true);
    expect(isOptedOut(await withFile.loadOptOut(), fromTable)).toBe(true);
    expect(isOptedOut(await otherHost.loadOptOut(), fromFile)).toBe(false);
    await withFile.setOptedOut(fromTable, false);
    expect(isOptedOut(await withFile.loadOptOut(), fromTable)).toBe(false);
    expect(isOptedOut(await withFile.loadOptOut(), fromFile)).toBe(true);
    expect(await readFile(file, 'utf8')).toBe('# never name\nFiled Person\n');
  });
});
