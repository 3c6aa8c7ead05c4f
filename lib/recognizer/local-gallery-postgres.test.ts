/**
 * The live gallery on PostgreSQL: another host's save reaches this one through LISTEN/NOTIFY, without
 * waiting for the version poll (set to a minute here, so only the notification can explain a reload).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../test/support/postgres-server';
import { addEmbedding, createGallery, ensurePerson, type Gallery } from '../gallery';
import { openPgDatabase } from '../store/postgres-db';
import { createPostgresGallery } from '../store/postgres-gallery';
import { createPostgresObjects } from '../store/postgres-objects';
import { createLiveGallery } from './local-gallery';

let postgres: PostgresServer;
beforeAll(async () => {
  postgres = await startPostgres({ settings: { fsync: 'off', synchronous_commit: 'off' } });
});
afterAll(() => postgres?.stop());

function galleryOf(names: string[]): Gallery {
  const gallery = createGallery(16);
  names.forEach((name, i) => {
    const v = new Float32Array(16);
    v[i] = 1;
    addEmbedding(gallery, ensurePerson(gallery, name), v, `/photos/${i}.jpg`);
  });
  return gallery;
}

describe('live gallery on PostgreSQL', () => {
  it("reloads within 2 s of another host's save or opt-out edit, through NOTIFY alone", async () => {
    const url = postgres.createDatabase('live_gallery');
    const settings = { url, poolMax: 3, connectTimeoutMs: 5_000, idleTimeoutMs: 10_000, statementTimeoutMs: 10_000 };
    const [hostA, hostB] = [openPgDatabase(settings), openPgDatabase(settings)];
    const storeA = createPostgresGallery(hostA, createPostgresObjects(hostA));
    const live = createLiveGallery({ galleryDir: '/nonexistent', operator: createPostgresGallery(hostB, createPostgresObjects(hostB)) }, 60_000);
    try {
      await storeA.save(galleryOf(['Ada Lovelace']));
      expect([...(await live.current()).byId.values()].map((p) => p.name)).toEqual(['Ada Lovelace']);
      await new Promise((done) => setTimeout(done, 1_000)); // LISTEN is in place (its first call reloads nothing new)

      const saved = Date.now();
      await storeA.withLock(() => storeA.save(galleryOf(['Ada Lovelace', 'Grace Hopper'])));
      let names: string[] = [];
      while (Date.now() - saved < 2_000 && names.length < 2) {
        names = [...(await live.current()).byId.values()].map((p) => p.name);
        await new Promise((done) => setTimeout(done, 20));
      }
      expect(names).toEqual(['Ada Lovelace', 'Grace Hopper']);

      const ada = [...(await live.current()).byId.values()].find((p) => p.name === 'Ada Lovelace')!;
      await storeA.setOptedOut(ada, true);
      const edited = Date.now();
      let optedOut = false;
      while (Date.now() - edited < 2_000 && !optedOut) {
        optedOut = (await live.current()).optedOutIds.has(ada.id);
        await new Promise((done) => setTimeout(done, 20));
      }
      expect(optedOut).toBe(true);
    } finally {
      live.close();
      await Promise.all([hostA.close(), hostB.close()]);
    }
  });
});
