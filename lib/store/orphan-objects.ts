import type { ObjectStorage } from './objects';
import type { PgDatabase } from './postgres-db';

export interface OrphanScan {
  /** Key prefixes this store writes under. */
  prefixes: readonly string[];
  /** The table whose `id` column owns the objects. */
  table: 'recognitions' | 'videos';
  /** The owning row's id for a key this store wrote, or null for any other key. */
  idOfKey(key: string): string | null;
}

/**
 * Deletes objects written before `writtenBefore` whose row never came (or is gone): a page of keys at a
 * time, one query per page for the rows that still exist. Returns how many were removed.
 */
export async function removeOrphanObjects(db: PgDatabase, objects: ObjectStorage, scan: OrphanScan, writtenBefore: Date): Promise<number> {
  let removed = 0;
  for (const prefix of scan.prefixes) {
    for await (const page of objects.list(prefix)) {
      const owned = page.filter((o) => o.lastModified < writtenBefore).map((o) => ({ key: o.key, id: scan.idOfKey(o.key) }));
      const ids = [...new Set(owned.flatMap((o) => (o.id === null ? [] : [o.id])))];
      if (ids.length === 0) continue;
      const { rows } = await db.query<{ id: string }>(`SELECT id FROM ${scan.table} WHERE id = ANY($1::text[])`, [ids]);
      const kept = new Set(rows.map((r) => r.id));
      const orphans = owned.filter((o) => o.id !== null && !kept.has(o.id)).map((o) => o.key);
      if (orphans.length === 0) continue;
      await objects.remove(orphans);
      removed += orphans.length;
    }
  }
  return removed;
}
