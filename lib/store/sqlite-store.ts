import 'server-only';
import { mkdirSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { recognizeCelebritiesResultSchema } from '../recognizer/schema';
import { readFileOrNull, writeFileAtomic } from './files';
import { isRecognitionId, newRecognitionId } from './ids';
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
  image_file TEXT NOT NULL
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
  };
}

/** File name of a stored photo; built only from ids this module generated, never from request input. */
function imageFileFor(id: string): string {
  return join('images', id.slice(0, 2), `${id}.jpg`);
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
  const insert = db.prepare(
    `INSERT INTO recognitions (id, created_at, recognizer, result, image_type, image_width, image_height, image_bytes, image_file)
     VALUES (@id, @created_at, @recognizer, @result, @image_type, @image_width, @image_height, @image_bytes, @image_file)`,
  );
  const select = db.prepare<[string], Row>('SELECT * FROM recognitions WHERE id = ?');

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
      };
      const imagePath = join(dataDir, row.image_file);
      await writeFileAtomic(imagePath, recognition.image.bytes);
      try {
        insert.run(row);
      } catch (error) {
        await unlink(imagePath).catch(() => undefined);
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
    close() {
      db.close();
    },
  };
}
