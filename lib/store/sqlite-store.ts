import 'server-only';
import { mkdirSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { rm } from 'node:fs/promises';
import { lookalikesJson, storedLookalikes } from './lookalikes';
import { recognizeCelebritiesResultSchema } from '../contract/rekognition';
import { AppError } from '../errors';
import { log } from '../observability/log';
import { robustnessMetrics } from '../observability/robustness-metrics';
import { readFileOrNull, removeFile, writeFileAtomic } from './files';
import { isRecognitionId, newRecognitionId, recognitionIdLength } from './ids';
import type { NewRecognition, RecognitionStore, StoredRecognition } from './types';

interface Row {
  id: string;
  created_at: string;
  recognizer: string;
  result: string;
  image_type: string;
  image_width: number;
  image_height: number;
  image_bytes: number;
  image_file: string;
  delete_token_hash: string | null;
  /** Each face's nearest people (JSON), or null. */
  lookalikes: string | null;
  /** Set when a delete began: the result is no longer served; the row goes once its files are gone. */
  deleted_at: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS recognitions (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  recognizer TEXT NOT NULL,
  result TEXT NOT NULL,
  image_type TEXT NOT NULL,
  image_width INTEGER NOT NULL,
  image_height INTEGER NOT NULL,
  image_bytes INTEGER NOT NULL,
  image_file TEXT NOT NULL,
  delete_token_hash TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS recognitions_created_at ON recognitions (created_at);
`;

function toRecognition(row: Row): StoredRecognition {
  return {
    id: row.id,
    createdAt: row.created_at,
    recognizer: row.recognizer === 'rekognition' ? 'rekognition' : 'local',
    result: recognizeCelebritiesResultSchema.parse(JSON.parse(row.result)),
    image: { mimeType: row.image_type, width: row.image_width, height: row.image_height, byteLength: row.image_bytes },
    ...storedLookalikes(row.lookalikes),
  };
}

/** Databases created before lookalikes were kept get the column on open. */
function addLookalikesColumn(db: Database.Database): void {
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(recognitions)').all();
  if (!columns.some((column) => column.name === 'lookalikes')) db.exec('ALTER TABLE recognitions ADD COLUMN lookalikes TEXT');
}

/** Databases created before delete tokens (and delete tombstones) existed get the columns on open. */
function addDeleteTokenColumn(db: Database.Database): void {
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(recognitions)').all();
  if (!columns.some((column) => column.name === 'delete_token_hash')) db.exec('ALTER TABLE recognitions ADD COLUMN delete_token_hash TEXT');
  if (!columns.some((column) => column.name === 'deleted_at')) db.exec('ALTER TABLE recognitions ADD COLUMN deleted_at TEXT');
  db.exec('CREATE INDEX IF NOT EXISTS recognitions_deleted ON recognitions (deleted_at) WHERE deleted_at IS NOT NULL');
}

/** File name of a stored photo; built only from ids this module generated, never from request input. */
function imageFileFor(id: string): string {
  return join('images', id.slice(0, 2), `${id}.jpg`);
}

/** Face thumbnail n of a result sits beside its photo. */
function thumbnailFileFor(imageFile: string, n: number): string {
  return imageFile.replace(/\.jpg$/, `.face${n}.jpg`);
}

function faceCount(resultJson: string): number {
  const result = JSON.parse(resultJson) as { CelebrityFaces: unknown[]; UnrecognizedFaces: unknown[] };
  return result.CelebrityFaces.length + result.UnrecognizedFaces.length;
}

/**
 * The default store: results in SQLite (`<dataDir>/recognitions.sqlite`, WAL, synchronous=FULL so an
 * acknowledged result survives a crash) and photos as files under `<dataDir>/images/`, written atomically
 * before the row that points at them.
 */
export function createSqliteStore(dataDir: string): RecognitionStore {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'recognitions.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  addDeleteTokenColumn(db);
  addLookalikesColumn(db);
  const insert = db.prepare(
    `INSERT INTO recognitions (id, created_at, recognizer, result, image_type, image_width, image_height, image_bytes, image_file, delete_token_hash, lookalikes)
     VALUES (@id, @created_at, @recognizer, @result, @image_type, @image_width, @image_height, @image_bytes, @image_file, @delete_token_hash, @lookalikes)`,
  );
  const select = db.prepare<[string], Row>('SELECT * FROM recognitions WHERE id = ? AND deleted_at IS NULL');
  const selectAny = db.prepare<[string], Row>('SELECT * FROM recognitions WHERE id = ?');
  const markDeleted = db.prepare<[string, string]>('UPDATE recognitions SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL');
  const removeRow = db.prepare<[string]>('DELETE FROM recognitions WHERE id = ?');
  const updateResult = db.prepare<[string, string | null, string]>('UPDATE recognitions SET result = ?, lookalikes = ? WHERE id = ?');
  const selectExpired = db.prepare<[string], Pick<Row, 'id' | 'image_file' | 'result'>>('SELECT id, image_file, result FROM recognitions WHERE created_at < ?');
  const selectDeleted = db.prepare<[], Pick<Row, 'id' | 'image_file' | 'result'>>('SELECT id, image_file, result FROM recognitions WHERE deleted_at IS NOT NULL');
  const hasRow = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM recognitions WHERE id = ?');

  const unlinkLogged = (relative: string, id: string) => removeFile(join(dataDir, relative), (error) => {
    robustnessMetrics().unlinkFailures.inc();
    log.error({ err: error, recognitionId: id, file: relative }, 'store: a file of a deleted result could not be removed; the sweep retries');
  });
  const unlinkThumbnails = (imageFile: string, faces: number, id: string) =>
    Promise.all(Array.from({ length: faces }, (_, n) => unlinkLogged(thumbnailFileFor(imageFile, n), id)));

  /**
   * Tombstone first (the result stops being served), then the files, then the row: a crash or a failed
   * removal in between leaves a hidden result whose files the sweep removes, never a result without its
   * photo, and never a row gone while its photo stays. True once everything is gone.
   */
  async function removeById(row: Pick<Row, 'id' | 'image_file' | 'result'>): Promise<boolean> {
    markDeleted.run(new Date().toISOString(), row.id);
    const photoGone = await unlinkLogged(row.image_file, row.id);
    const thumbnailsGone = await unlinkThumbnails(row.image_file, faceCount(row.result), row.id);
    if (!photoGone || thumbnailsGone.includes(false)) return false;
    removeRow.run(row.id);
    return true;
  }

  /** The files under images/ the sweep may remove: temporaries and photos or crops whose result is gone. */
  async function sweepFolder(writtenBefore: number): Promise<{ orphans: number; temps: number }> {
    const removed = { orphans: 0, temps: 0 };
    const root = join(dataDir, 'images');
    const folders = await readdir(root).catch(() => [] as string[]);
    for (const folder of folders) {
      const names = await readdir(join(root, folder)).catch(() => [] as string[]);
      for (const name of names) {
        const isTemp = name.startsWith('.tmp-');
        const id = name.slice(0, recognitionIdLength);
        const isOrphan = !isTemp && /\.jpg$/.test(name) && isRecognitionId(id) && !hasRow.get(id);
        if (!isTemp && !isOrphan) continue;
        const path = join(root, folder, name);
        const info = await stat(path).catch(() => null);
        if (!info?.isFile() || info.mtimeMs >= writtenBefore) continue;
        const gone = await removeFile(path, (error) => log.warn({ err: error, file: join('images', folder, name) }, 'store sweep: could not remove a leftover file'));
        if (gone && isTemp) removed.temps += 1;
        else if (gone) removed.orphans += 1;
      }
    }
    return removed;
  }

  return {
    async save(recognition: NewRecognition) {
      const id = newRecognitionId();
      const row: Row = {
        id,
        created_at: new Date().toISOString(),
        recognizer: recognition.recognizer,
        result: JSON.stringify(recognizeCelebritiesResultSchema.parse(recognition.result)),
        image_type: recognition.image.mimeType,
        image_width: recognition.image.width,
        image_height: recognition.image.height,
        image_bytes: recognition.image.bytes.byteLength,
        image_file: imageFileFor(id),
        delete_token_hash: recognition.deleteTokenHash ?? null,
        lookalikes: lookalikesJson(recognition.lookalikes),
        deleted_at: null,
      };
      const imagePath = join(dataDir, row.image_file);
      // Photo (flushed) and face crops (atomic, not flushed: they can be made again from the photo) side by
      // side, the row after them. A crash before the row leaves orphans the sweep removes.
      const thumbnails = recognition.thumbnails ?? [];
      const written = await Promise.allSettled([
        writeFileAtomic(imagePath, recognition.image.bytes),
        ...thumbnails.map((bytes, n) => writeFileAtomic(join(dataDir, thumbnailFileFor(row.image_file, n)), bytes, { durable: false })),
      ]);
      const failed = written.find((w): w is PromiseRejectedResult => w.status === 'rejected');
      if (failed) {
        await unlinkThumbnails(row.image_file, thumbnails.length, id);
        await unlinkLogged(row.image_file, id);
        throw failed.reason;
      }
      try {
        insert.run(row);
      } catch (error) {
        await unlinkThumbnails(row.image_file, thumbnails.length, id);
        await unlinkLogged(row.image_file, id);
        throw error;
      }
      return toRecognition(row);
    },
    async get(id) {
      if (!isRecognitionId(id)) return null;
      const row = select.get(id);
      return row ? toRecognition(row) : null;
    },
    async readImage(id) {
      if (!isRecognitionId(id)) return null;
      const row = select.get(id);
      if (!row) return null;
      const bytes = await readFileOrNull(join(dataDir, row.image_file));
      return bytes ? { bytes, mimeType: row.image_type } : null;
    },
    async saveThumbnails(id, thumbnails) {
      const row = isRecognitionId(id) ? select.get(id) : undefined;
      if (!row) return;
      await Promise.all(thumbnails.map((bytes, n) => writeFileAtomic(join(dataDir, thumbnailFileFor(row.image_file, n)), bytes, { durable: false })));
      // Deleted while they were written: take them away again rather than leave them behind.
      if (!select.get(id)) await unlinkThumbnails(row.image_file, thumbnails.length, id);
    },
    async readThumbnail(id, n) {
      if (!isRecognitionId(id) || !Number.isInteger(n) || n < 0) return null;
      const row = select.get(id);
      return row ? readFileOrNull(join(dataDir, thumbnailFileFor(row.image_file, n))) : null;
    },
    async replaceResult(id, change) {
      const row = isRecognitionId(id) ? select.get(id) : undefined;
      if (!row) return null;
      const result = JSON.stringify(recognizeCelebritiesResultSchema.parse(change.result));
      const lookalikes = lookalikesJson(change.lookalikes);
      // The old crops follow the old face order: gone before the row changes (missing crops are made again).
      await Promise.all(Array.from({ length: faceCount(row.result) }, (_, n) => rm(join(dataDir, thumbnailFileFor(row.image_file, n)), { force: true })));
      updateResult.run(result, lookalikes, id);
      await Promise.all((change.thumbnails ?? []).map((bytes, n) => writeFileAtomic(join(dataDir, thumbnailFileFor(row.image_file, n)), bytes, { durable: false })));
      const updated = select.get(id);
      return updated ? toRecognition(updated) : null;
    },
    async getDeleteTokenHash(id) {
      if (!isRecognitionId(id)) return null;
      // A result whose delete is still pending keeps its token, so its owner can retry the DELETE.
      return selectAny.get(id)?.delete_token_hash ?? null;
    },
    async remove(id) {
      if (!isRecognitionId(id)) return false;
      const row = selectAny.get(id);
      if (!row) return false;
      if (await removeById(row)) return true;
      throw new AppError('delete_incomplete', 'The result is hidden, but its photo could not be removed yet. It is retried automatically; try again in a minute to confirm.', { retryAfterSeconds: 60 });
    },
    async removeOlderThan(cutoff) {
      let removed = 0;
      for (const row of selectExpired.all(cutoff.toISOString())) if (await removeById(row)) removed += 1;
      return removed;
    },
    async sweepOrphans(writtenBefore) {
      let deleted = 0, stillPending = 0;
      for (const row of selectDeleted.all()) {
        if (await removeById(row)) deleted += 1;
        else stillPending += 1;
      }
      const { orphans, temps } = await sweepFolder(writtenBefore.getTime());
      const swept = robustnessMetrics().sweptFiles;
      swept.inc({ kind: 'orphan' }, orphans);
      swept.inc({ kind: 'temp' }, temps);
      swept.inc({ kind: 'deleted' }, deleted);
      if (orphans + temps + deleted + stillPending > 0) log.info({ orphans, temps, deleted, stillPending }, 'store sweep: leftovers removed');
      return orphans + temps + deleted;
    },
    close() {
      db.close();
    },
  };
}
