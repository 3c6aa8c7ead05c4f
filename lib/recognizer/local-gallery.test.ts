import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addEmbedding, createGallery, ensurePerson, saveGallery, type Gallery } from '../gallery';
import { RELOAD_POLL_MS, createLiveGallery } from './local-gallery';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function galleryOf(names: string[]): Gallery {
  const gallery = createGallery(16);
  names.forEach((name, i) => {
    const v = new Float32Array(16);
    v[i] = 1;
    addEmbedding(gallery, ensurePerson(gallery, name), v, `/photos/${i}.jpg`, i % 2 ? 'Female' : 'Male');
  });
  return gallery;
}

describe('live gallery', () => {
  it('searches by person, pages names and picks up a re-import without a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-live-gallery-'));
    dirs.push(dir);
    await saveGallery(dir, galleryOf(['Zoe Saldana', 'Ada Lovelace', 'Alan Turing']));
    const live = createLiveGallery(dir, 0);
    const first = await live.current();
    const probe = new Float32Array(16);
    probe[2] = 0.8;
    probe[1] = 0.6;
    const ranked = live.nearest(first, probe);
    expect(ranked.map((r) => first.people[r.person]!.name)).toEqual(['Alan Turing', 'Ada Lovelace', 'Zoe Saldana']);
    expect(ranked[0]!.score).toBeCloseTo(0.8, 6);
    const page = await live.list({ query: 'a', page: 1, pageSize: 2 });
    expect(page.total).toBe(3);
    expect(page.items.map((i) => i.name)).toEqual(['Ada Lovelace', 'Alan Turing']);
    expect((await live.list({ query: 'ALAN' })).items[0]?.knownGender).toBe('Male');

    await saveGallery(dir, galleryOf(['Zoe Saldana', 'Ada Lovelace', 'Alan Turing', 'Grace Hopper']));
    await live.current(); // notices the change and reloads in the background
    await new Promise((r) => setTimeout(r, 200));
    expect((await live.current()).people.map((p) => p.name)).toContain('Grace Hopper');
  });

  it('picks up a change written to its folder (an import, another worker) within the polling interval, and at once on refresh()', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-live-gallery-'));
    dirs.push(dir);
    await saveGallery(dir, galleryOf(['Ada Lovelace']));
    const live = createLiveGallery(dir);
    try {
      expect((await live.current()).byId.size).toBe(1);
      const written = Date.now();
      await saveGallery(dir, galleryOf(['Ada Lovelace', 'Alan Turing']));
      // No request, no refresh: the poll alone reloads.
      while ((await live.current()).byId.size < 2) {
        expect(Date.now() - written).toBeLessThan(2_000);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(Date.now() - written).toBeLessThan(RELOAD_POLL_MS + 1_000);
      await saveGallery(dir, galleryOf(['Ada Lovelace', 'Alan Turing', 'Grace Hopper']));
      expect((await live.refresh()).byId.size).toBe(3);
    } finally {
      live.close();
    }
  });
});
