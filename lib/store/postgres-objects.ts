import type { PgDatabase } from './postgres-db';
import type { ObjectListing, ObjectStorage } from './objects';

/** Photos and face crops in PostgreSQL (table `objects`) when no S3 bucket is configured. */
export function createPostgresObjects(db: PgDatabase): ObjectStorage {
  return {
    description: 'postgres',
    async put(key, bytes, contentType) {
      await db.query(
        `INSERT INTO objects (key, content_type, bytes) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET content_type = EXCLUDED.content_type, bytes = EXCLUDED.bytes, created_at = now()`,
        [key, contentType, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
      );
    },
    async get(key) {
      const { rows } = await db.query<{ bytes: Buffer }>('SELECT bytes FROM objects WHERE key = $1', [key]);
      const bytes = rows[0]?.bytes;
      return bytes ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null;
    },
    async remove(keys) {
      if (keys.length > 0) await db.query('DELETE FROM objects WHERE key = ANY($1::text[])', [keys]);
    },
    async *list(prefix) {
      let after = '';
      for (;;) {
        const { rows } = await db.query<{ key: string; created_at: Date }>(
          // starts_with keeps LIKE's wildcards out of the prefix.
          'SELECT key, created_at FROM objects WHERE starts_with(key, $1) AND key > $2 ORDER BY key LIMIT 1000',
          [prefix, after],
        );
        if (rows.length === 0) return;
        yield rows.map((r): ObjectListing => ({ key: r.key, lastModified: r.created_at }));
        after = rows[rows.length - 1]!.key;
      }
    },
  };
}
