import { open } from 'node:fs/promises';
import type { PgDatabase } from './postgres-db';
import type { ObjectListing, ObjectStorage } from './objects';

/**
 * Rows of `object_chunks` (videos without a bucket): 1 MiB each. One row is one statement's parameter (and
 * 2 MiB of hex in an answer), so a 200 MB video never sits whole in memory on either side, and a player's
 * Range request reads only the rows it covers. TOAST keeps each row's bytes out of line, uncompressed.
 */
export const CHUNK_BYTES = 1024 * 1024;

const toBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Photos and face crops in PostgreSQL (table `objects`, one row each) and large files (videos) in
 * `object_chunks`, when no S3 bucket is configured. A key lives in one of the two tables.
 */
export function createPostgresObjects(db: PgDatabase): ObjectStorage {
  async function chunkedSize(key: string): Promise<number | null> {
    const { rows } = await db.query<{ size: string | null; chunks: string }>(
      'SELECT sum(octet_length(bytes)) AS size, count(*) AS chunks FROM object_chunks WHERE key = $1', [key],
    );
    return rows[0] && rows[0].chunks !== '0' ? Number(rows[0].size ?? 0) : null;
  }

  return {
    description: 'postgres',
    async put(key, bytes, contentType) {
      await db.query(
        `INSERT INTO objects (key, content_type, bytes) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET content_type = EXCLUDED.content_type, bytes = EXCLUDED.bytes, created_at = now()`,
        [key, contentType, toBuffer(bytes)],
      );
    },
    async putFile(key, path, size) {
      const file = await open(path, 'r');
      try {
        // One transaction: a crash half-way leaves no partial object behind.
        await db.transaction(async (client) => {
          await client.query('DELETE FROM object_chunks WHERE key = $1', [key]);
          const buffer = Buffer.alloc(Math.min(CHUNK_BYTES, Math.max(size, 1)));
          let n = 0;
          for (let offset = 0; offset < size || n === 0; offset += CHUNK_BYTES, n += 1) {
            const { bytesRead } = await file.read(buffer, 0, Math.min(CHUNK_BYTES, size - offset), offset);
            if (bytesRead !== Math.min(CHUNK_BYTES, size - offset)) throw new Error(`${path} is shorter than ${size} bytes`);
            await client.query('INSERT INTO object_chunks (key, n, bytes) VALUES ($1, $2, $3)', [key, n, buffer.subarray(0, bytesRead)]);
          }
        });
      } finally {
        await file.close();
      }
    },
    async size(key) {
      const chunked = await chunkedSize(key);
      if (chunked !== null) return chunked;
      const { rows } = await db.query<{ size: number }>('SELECT octet_length(bytes) AS size FROM objects WHERE key = $1', [key]);
      return rows[0]?.size ?? null;
    },
    async readRange(key, start, end) {
      const size = await chunkedSize(key);
      if (size === null) {
        const { rows } = await db.query<{ bytes: Buffer }>('SELECT substring(bytes FROM $2 FOR $3) AS bytes FROM objects WHERE key = $1', [key, start + 1, end - start + 1]);
        const bytes = rows[0]?.bytes;
        return bytes ? (async function* one() { yield new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength); })() : null;
      }
      const last = Math.min(end, size - 1);
      return (async function* chunks() {
        for (let n = Math.floor(start / CHUNK_BYTES); n * CHUNK_BYTES <= last; n += 1) {
          const { rows } = await db.query<{ bytes: Buffer }>('SELECT bytes FROM object_chunks WHERE key = $1 AND n = $2', [key, n]);
          const bytes = rows[0]?.bytes;
          // Deleted while it was read: the answer ends short, as a file removed under a reader would.
          if (!bytes) return;
          const from = Math.max(0, start - n * CHUNK_BYTES);
          const to = Math.min(bytes.byteLength, last - n * CHUNK_BYTES + 1);
          yield new Uint8Array(bytes.buffer, bytes.byteOffset + from, to - from);
        }
      })();
    },
    async get(key) {
      const { rows } = await db.query<{ bytes: Buffer }>('SELECT bytes FROM objects WHERE key = $1', [key]);
      const bytes = rows[0]?.bytes;
      return bytes ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null;
    },
    async remove(keys) {
      if (keys.length === 0) return;
      await db.query('DELETE FROM objects WHERE key = ANY($1::text[])', [keys]);
      await db.query('DELETE FROM object_chunks WHERE key = ANY($1::text[])', [keys]);
    },
    async *list(prefix) {
      let after = '';
      for (;;) {
        const { rows } = await db.query<{ key: string; created_at: Date }>(
          // starts_with keeps LIKE's wildcards out of the prefix; a chunked object is listed once (its first row).
          `SELECT key, created_at FROM (
             SELECT key, created_at FROM objects WHERE starts_with(key, $1) AND key > $2
             UNION ALL
             SELECT key, created_at FROM object_chunks WHERE n = 0 AND starts_with(key, $1) AND key > $2
           ) o ORDER BY key LIMIT 1000`,
          [prefix, after],
        );
        if (rows.length === 0) return;
        yield rows.map((r): ObjectListing => ({ key: r.key, lastModified: r.created_at }));
        after = rows[rows.length - 1]!.key;
      }
    },
  };
}
