import 'server-only';
import { recognizeCelebritiesResultSchema, type RecognizeCelebritiesResult } from '../contract/rekognition';
import { log } from '../observability/log';
import { isRecognitionId, newRecognitionId } from './ids';
import type { ObjectStorage } from './objects';
import { removeOrphanObjects } from './orphan-objects';
import type { PgDatabase } from './postgres-db';
import { lookalikesJson, storedLookalikes } from './lookalikes';
import type { NewRecognition, RecognitionStore, StoredRecognition } from './types';

interface Row {
  id: string;
  created_at: Date;
  recognizer: string;
  result: unknown;
  image_type: string;
  image_width: number;
  image_height: number;
  image_bytes: number;
  image_key: string;
  faces: number;
  delete_token_hash: string | null;
  /** Each face's nearest people (jsonb), or null. */
  lookalikes: unknown;
}

/** Object keys, built only from ids this module made: the photo, and face crop n beside it. */
const PHOTOS = 'photos/';
const FACES = 'faces/';
const photoKey = (id: string) => `${PHOTOS}${id}.jpg`;
const faceKey = (id: string, n: number) => `${FACES}${id}/${n}.jpg`;
const faceKeys = (id: string, faces: number) => Array.from({ length: faces }, (_, n) => faceKey(id, n));

/** The recognition id an object key belongs to, or null for a key this store did not write. */
function idOfKey(key: string): string | null {
  const match = /^(?:photos\/([A-Za-z0-9_-]{22})\.jpg|faces\/([A-Za-z0-9_-]{22})\/\d+\.jpg)$/.exec(key);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

function facesIn(result: RecognizeCelebritiesResult): number {
  return result.CelebrityFaces.length + result.UnrecognizedFaces.length;
}

function toRecognition(row: Row): StoredRecognition {
  return {
    id: row.id,
    createdAt: row.created_at.toISOString(),
    recognizer: row.recognizer === 'rekognition' ? 'rekognition' : 'local',
    result: recognizeCelebritiesResultSchema.parse(row.result),
    image: { mimeType: row.image_type, width: row.image_width, height: row.image_height, byteLength: row.image_bytes },
    ...storedLookalikes(row.lookalikes),
  };
}

/** Rows removed per statement by the retention sweep (each one's objects go right after). */
const EXPIRY_BATCH = 500;

/**
 * Results in PostgreSQL, photos and face crops in `objects` (an S3 bucket, or PostgreSQL's own table). A
 * photo is written before the row that points to it, so every acknowledged result has its photo; a crash
 * in between leaves an object without a row, which sweepOrphans removes. Deletes go the other way: row
 * first, then objects. Every host of a deployment shares the same database and bucket.
 */
export function createPostgresStore(db: PgDatabase, objects: ObjectStorage): RecognitionStore {
  const select = async (id: string): Promise<Row | null> =>
    (await db.query<Row>('SELECT * FROM recognitions WHERE id = $1', [id])).rows[0] ?? null;
  const exists = async (id: string): Promise<boolean> => (await db.query('SELECT 1 FROM recognitions WHERE id = $1', [id])).rowCount === 1;
  const removeObjectsOf = (rows: ReadonlyArray<Pick<Row, 'id' | 'image_key' | 'faces'>>) =>
    objects.remove(rows.flatMap((row) => [row.image_key, ...faceKeys(row.id, row.faces)]));

  return {
    async save(recognition: NewRecognition) {
      const result = recognizeCelebritiesResultSchema.parse(recognition.result);
      const id = newRecognitionId();
      const key = photoKey(id);
      // Photo and face crops first, side by side; the row that points to them after.
      const crops = recognition.thumbnails ?? [];
      await Promise.all([
        objects.put(key, recognition.image.bytes, recognition.image.mimeType),
        ...crops.map((bytes, n) => objects.put(faceKey(id, n), bytes, 'image/jpeg')),
      ]);
      try {
        const { rows } = await db.query<Row>(
          `INSERT INTO recognitions (id, created_at, recognizer, result, image_type, image_width, image_height, image_bytes, image_key, faces, delete_token_hash, lookalikes)
           VALUES ($1, now(), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
          [
            id, recognition.recognizer, JSON.stringify(result), recognition.image.mimeType, recognition.image.width, recognition.image.height,
            recognition.image.bytes.byteLength, key, facesIn(result), recognition.deleteTokenHash ?? null, lookalikesJson(recognition.lookalikes),
          ],
        );
        return toRecognition(rows[0]!);
      } catch (error) {
        // The orphan sweep would take it later; taking it now keeps the bucket clean when the database refuses.
        await objects.remove([key, ...faceKeys(id, crops.length)]).catch(() => undefined);
        throw error;
      }
    },
    async get(id) {
      if (!isRecognitionId(id)) return null;
      const row = await select(id);
      return row ? toRecognition(row) : null;
    },
    async readImage(id) {
      if (!isRecognitionId(id)) return null;
      const row = await select(id);
      if (!row) return null;
      const bytes = await objects.get(row.image_key);
      return bytes ? { bytes, mimeType: row.image_type } : null;
    },
    async saveThumbnails(id, thumbnails) {
      if (!isRecognitionId(id) || !(await exists(id))) return;
      await Promise.all(thumbnails.map((bytes, n) => objects.put(faceKey(id, n), bytes, 'image/jpeg')));
      // Deleted while they were written: take them away again rather than leave them behind.
      if (!(await exists(id))) await objects.remove(faceKeys(id, thumbnails.length));
    },
    async readThumbnail(id, n) {
      if (!isRecognitionId(id) || !Number.isInteger(n) || n < 0) return null;
      const row = await select(id);
      if (!row || n >= row.faces) return null;
      return objects.get(faceKey(id, n));
    },
    async replaceResult(id, change) {
      if (!isRecognitionId(id)) return null;
      const result = recognizeCelebritiesResultSchema.parse(change.result);
      const row = await select(id);
      if (!row) return null;
      // The old crops follow the old face order: gone before the row changes (missing crops are made again).
      await objects.remove(faceKeys(id, row.faces));
      const { rows } = await db.query<Row>(
        'UPDATE recognitions SET result = $2, lookalikes = $3, faces = $4 WHERE id = $1 RETURNING *',
        [id, JSON.stringify(result), lookalikesJson(change.lookalikes), facesIn(result)],
      );
      if (!rows[0]) return null;
      await Promise.all((change.thumbnails ?? []).map((bytes, n) => objects.put(faceKey(id, n), bytes, 'image/jpeg')));
      return toRecognition(rows[0]);
    },
    async getDeleteTokenHash(id) {
      if (!isRecognitionId(id)) return null;
      const { rows } = await db.query<{ delete_token_hash: string | null }>('SELECT delete_token_hash FROM recognitions WHERE id = $1', [id]);
      return rows[0]?.delete_token_hash ?? null;
    },
    async remove(id) {
      if (!isRecognitionId(id)) return false;
      const { rows } = await db.query<Row>('DELETE FROM recognitions WHERE id = $1 RETURNING id, image_key, faces', [id]);
      if (rows.length === 0) return false;
      await removeObjectsOf(rows);
      return true;
    },
    async removeOlderThan(cutoff) {
      let removed = 0;
      for (;;) {
        // Batches keep each statement short; objects go after their rows (a crash leaves orphans for the sweep).
        const { rows } = await db.query<Row>(
          `DELETE FROM recognitions WHERE id IN (SELECT id FROM recognitions WHERE created_at < $1 ORDER BY created_at LIMIT $2)
           RETURNING id, image_key, faces`,
          [cutoff, EXPIRY_BATCH],
        );
        if (rows.length === 0) return removed;
        await removeObjectsOf(rows);
        removed += rows.length;
      }
    },
    runScheduled: (job, work) => db.exclusive(job, work),
    async sweepOrphans(writtenBefore) {
      const removed = await removeOrphanObjects(db, objects, { prefixes: [PHOTOS, FACES], table: 'recognitions', idOfKey }, writtenBefore);
      if (removed > 0) log.info({ removed, objects: objects.description }, 'store: objects without a result removed');
      return removed;
    },
    close() {
      void db.close().catch((error: unknown) => log.warn({ err: error }, 'postgres: closing the pool failed'));
    },
  };
}
