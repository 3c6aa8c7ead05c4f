import 'server-only';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { mkdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FrameObservations, VideoAnalysis } from '../video/types';
import type { VideoProbe } from '../video/ffmpeg';
import { readFileOrNull, sweepStaleIncoming, writeFileAtomic } from './files';
import { decodeFaces, encodeFaces } from './video-codec';
import { isRecognitionId, newRecognitionId } from './ids';
import type { NewVideo, StoredVideo, VideoRecognitionJob, VideoStatus, VideoStore } from './video-types';

interface Row {
  id: string;
  created_at: string;
  status: string;
  status_message: string | null;
  video_file: string;
  mime_type: string;
  byte_length: number;
  metadata: string;
  interval_ms: number;
  frames_planned: number;
  frames_done: number;
  attempts: number;
  lease_owner: string | null;
  lease_until: number | null;
  started_at: string | null;
  finished_at: string | null;
  result: string | null;
  delete_token_hash: string | null;
}

interface FrameRow {
  frame_index: number;
  time_ms: number;
  faces: string;
}

interface JobRow {
  job_id: string;
  video_id: string;
  created_at: string;
  client_request_token: string | null;
  job_tag: string | null;
  source: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS videos (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL,
  status_message TEXT,
  video_file TEXT NOT NULL,
  mime_type TEXT NOT NULL,
  byte_length INTEGER NOT NULL,
  metadata TEXT NOT NULL,
  interval_ms INTEGER NOT NULL,
  frames_planned INTEGER NOT NULL,
  frames_done INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until INTEGER,
  started_at TEXT,
  finished_at TEXT,
  result TEXT,
  delete_token_hash TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS videos_status ON videos (status, created_at);
CREATE INDEX IF NOT EXISTS videos_created_at ON videos (created_at);
CREATE TABLE IF NOT EXISTS video_frames (
  video_id TEXT NOT NULL,
  frame_index INTEGER NOT NULL,
  time_ms INTEGER NOT NULL,
  faces TEXT NOT NULL,
  PRIMARY KEY (video_id, frame_index)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS video_recognition_jobs (
  job_id TEXT PRIMARY KEY,
  video_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  client_request_token TEXT UNIQUE,
  job_tag TEXT,
  source TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS video_recognition_jobs_video ON video_recognition_jobs (video_id);
`;

const statuses: readonly VideoStatus[] = ['queued', 'processing', 'done', 'failed'];

function toVideo(row: Row): StoredVideo {
  return {
    id: row.id,
    createdAt: row.created_at,
    status: statuses.includes(row.status as VideoStatus) ? (row.status as VideoStatus) : 'failed',
    statusMessage: row.status_message,
    mimeType: row.mime_type,
    byteLength: row.byte_length,
    metadata: JSON.parse(row.metadata) as VideoProbe,
    intervalMs: row.interval_ms,
    framesPlanned: row.frames_planned,
    framesDone: row.frames_done,
    attempts: row.attempts,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    result: row.result ? (JSON.parse(row.result) as VideoAnalysis) : null,
  };
}

/** Files of a video, built only from ids this module made. */
function filesOf(id: string, extension: string) {
  const dir = join('videos', id.slice(0, 2));
  return { video: join(dir, `${id}.${extension}`), poster: join(dir, `${id}.poster.jpg`), face: (n: number) => join(dir, `${id}.face${n}.jpg`) };
}

function extensionOf(videoFile: string): string {
  return videoFile.slice(videoFile.lastIndexOf('.') + 1);
}

const MAX_FACE_THUMBNAILS = 256;

/**
 * Videos beside the photo results: the same database file (`<dataDir>/recognitions.sqlite`, WAL,
 * synchronous=FULL), own tables, files under `<dataDir>/videos/`.
 */
export function createSqliteVideoStore(dataDir: string): VideoStore {
  mkdirSync(join(dataDir, 'videos', 'incoming'), { recursive: true });
  sweepStaleIncoming(join(dataDir, 'videos', 'incoming'));
  const db = new Database(join(dataDir, 'recognitions.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  // Databases made before jobs could name an S3 object gain the column (SQLite has no ADD COLUMN IF NOT EXISTS).
  if (!db.prepare<[], { name: string }>('PRAGMA table_info(video_recognition_jobs)').all().some((c) => c.name === 'source')) {
    db.exec('ALTER TABLE video_recognition_jobs ADD COLUMN source TEXT');
  }

  const select = db.prepare<[string], Row>('SELECT * FROM videos WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO videos (id, created_at, status, video_file, mime_type, byte_length, metadata, interval_ms, frames_planned, delete_token_hash)
     VALUES (@id, @created_at, 'queued', @video_file, @mime_type, @byte_length, @metadata, @interval_ms, @frames_planned, @delete_token_hash)`,
  );
  const claimable = db.prepare<[number], { id: string }>(
    `SELECT id FROM videos WHERE status = 'queued' OR (status = 'processing' AND (lease_until IS NULL OR lease_until < ?)) ORDER BY created_at LIMIT 1`,
  );
  const take = db.prepare(
    `UPDATE videos SET status = 'processing', lease_owner = @owner, lease_until = @until, attempts = attempts + 1, started_at = COALESCE(started_at, @nowIso)
     WHERE id = @id AND (status = 'queued' OR (status = 'processing' AND (lease_until IS NULL OR lease_until < @now)))`,
  );
  const renew = db.prepare(`UPDATE videos SET lease_until = @until WHERE id = @id AND status = 'processing' AND lease_owner = @owner`);
  const insertFrame = db.prepare('INSERT OR REPLACE INTO video_frames (video_id, frame_index, time_ms, faces) VALUES (?, ?, ?, ?)');
  const setProgress = db.prepare(
    `UPDATE videos SET frames_done = MAX(frames_done, @done), lease_until = @until WHERE id = @id AND status = 'processing' AND lease_owner = @owner`,
  );
  const selectFrames = db.prepare<[string], FrameRow>('SELECT frame_index, time_ms, faces FROM video_frames WHERE video_id = ? ORDER BY frame_index');
  const deleteFrames = db.prepare<[string]>('DELETE FROM video_frames WHERE video_id = ?');
  const end = db.prepare(
    `UPDATE videos SET status = @status, status_message = @message, result = @result, finished_at = @nowIso, lease_owner = NULL, lease_until = NULL
     WHERE id = @id AND status = 'processing' AND lease_owner = @owner`,
  );
  const giveBack = db.prepare(`UPDATE videos SET status = 'queued', lease_owner = NULL, lease_until = NULL WHERE id = ? AND status = 'processing' AND lease_owner = ?`);
  const expire = db.prepare(`UPDATE videos SET lease_until = 0 WHERE id = ? AND status = 'processing' AND lease_owner = ?`);
  const owners = db.prepare<[], { id: string; owner: string | null }>(`SELECT id, lease_owner AS owner FROM videos WHERE status = 'processing'`);
  const removeRow = db.prepare<[string]>('DELETE FROM videos WHERE id = ?');
  const removeJobs = db.prepare<[string]>('DELETE FROM video_recognition_jobs WHERE video_id = ?');
  const selectExpired = db.prepare<[string], { id: string }>('SELECT id FROM videos WHERE created_at < ?');
  const insertJob = db.prepare('INSERT INTO video_recognition_jobs (job_id, video_id, created_at, client_request_token, job_tag, source) VALUES (@job_id, @video_id, @created_at, @client_request_token, @job_tag, @source)');
  const jobByToken = db.prepare<[string], JobRow>('SELECT * FROM video_recognition_jobs WHERE client_request_token = ?');
  const jobById = db.prepare<[string], JobRow>('SELECT * FROM video_recognition_jobs WHERE job_id = ?');

  const toJob = (row: JobRow): VideoRecognitionJob => ({
    jobId: row.job_id, videoId: row.video_id, createdAt: row.created_at, clientRequestToken: row.client_request_token, jobTag: row.job_tag, source: row.source,
  });

  const claim = db.transaction((owner: string, leaseMs: number): Row | undefined => {
    const now = Date.now();
    const next = claimable.get(now);
    if (!next) return undefined;
    const taken = take.run({ id: next.id, owner, until: now + leaseMs, now, nowIso: new Date(now).toISOString() }).changes === 1;
    return taken ? select.get(next.id) : undefined;
  });
  const storeFrames = db.transaction((id: string, owner: string, frames: readonly FrameObservations[], leaseMs: number): boolean => {
    const done = frames.reduce((most, f) => Math.max(most, f.index + 1), 0);
    if (setProgress.run({ id, owner, done, until: Date.now() + leaseMs }).changes !== 1) return false;
    for (const frame of frames) insertFrame.run(id, frame.index, frame.timeMs, encodeFaces(frame));
    return true;
  });
  const finishJob = db.transaction((id: string, owner: string, status: VideoStatus, message: string | null, result: string | null): boolean => {
    const changed = end.run({ id, owner, status, message, result, nowIso: new Date().toISOString() }).changes === 1;
    if (changed) deleteFrames.run(id);
    return changed;
  });
  const removeAll = db.transaction((id: string): boolean => {
    deleteFrames.run(id);
    removeJobs.run(id);
    return removeRow.run(id).changes > 0;
  });

  async function removeById(id: string): Promise<boolean> {
    const row = select.get(id);
    if (!row) return false;
    // Row first, then the files: a crash in between leaves orphan files, never a row without its video.
    const removed = removeAll(id);
    const files = filesOf(id, extensionOf(row.video_file));
    await unlink(join(dataDir, row.video_file)).catch(() => undefined);
    await unlink(join(dataDir, files.poster)).catch(() => undefined);
    for (let n = 0; n < MAX_FACE_THUMBNAILS; n += 1) {
      try {
        await unlink(join(dataDir, files.face(n)));
      } catch {
        break;
      }
    }
    return removed;
  }

  return {
    incomingPath(extension) {
      return join(dataDir, 'videos', 'incoming', `${randomBytes(12).toString('hex')}.${extension.replace(/[^a-z0-9]/gi, '') || 'bin'}`);
    },
    async discardIncoming(path) {
      await rm(path, { force: true });
    },
    async create(video: NewVideo) {
      const id = newRecognitionId();
      const extension = extensionOf(video.tempPath);
      const files = filesOf(id, extension);
      await mkdir(join(dataDir, 'videos', id.slice(0, 2)), { recursive: true });
      await writeFileAtomic(join(dataDir, files.poster), video.poster);
      await rename(video.tempPath, join(dataDir, files.video));
      const row = {
        id,
        created_at: new Date().toISOString(),
        video_file: files.video,
        mime_type: video.mimeType,
        byte_length: video.byteLength,
        metadata: JSON.stringify(video.metadata),
        interval_ms: video.intervalMs,
        frames_planned: video.framesPlanned,
        delete_token_hash: video.deleteTokenHash ?? null,
      };
      try {
        insert.run(row);
      } catch (error) {
        await unlink(join(dataDir, files.video)).catch(() => undefined);
        await unlink(join(dataDir, files.poster)).catch(() => undefined);
        throw error;
      }
      return toVideo(select.get(id)!);
    },
    async get(id) {
      if (!isRecognitionId(id)) return null;
      const row = select.get(id);
      return row ? toVideo(row) : null;
    },
    async videoFile(id) {
      const row = isRecognitionId(id) ? select.get(id) : undefined;
      if (!row) return null;
      const path = join(dataDir, row.video_file);
      const size = await stat(path).then((s) => s.size, () => null);
      if (size === null) return null;
      return { mimeType: row.mime_type, byteLength: size, read: async (start, end) => createReadStream(path, { start, end }) };
    },
    async localCopy(id) {
      const row = isRecognitionId(id) ? select.get(id) : undefined;
      if (!row) return null;
      const path = join(dataDir, row.video_file);
      // The stored file itself: nothing to fetch, nothing to clean up.
      return (await stat(path).then(() => true, () => false)) ? { path, release: async () => undefined } : null;
    },
    async readPoster(id) {
      const row = isRecognitionId(id) ? select.get(id) : undefined;
      return row ? readFileOrNull(join(dataDir, filesOf(id, extensionOf(row.video_file)).poster)) : null;
    },
    async saveFaceThumbnails(id, thumbnails) {
      const row = isRecognitionId(id) ? select.get(id) : undefined;
      if (!row) return;
      const files = filesOf(id, extensionOf(row.video_file));
      await Promise.all(thumbnails.slice(0, MAX_FACE_THUMBNAILS).map((bytes, n) => writeFileAtomic(join(dataDir, files.face(n)), bytes, { durable: false })));
    },
    async readFaceThumbnail(id, n) {
      if (!isRecognitionId(id) || !Number.isInteger(n) || n < 0 || n >= MAX_FACE_THUMBNAILS) return null;
      const row = select.get(id);
      return row ? readFileOrNull(join(dataDir, filesOf(id, extensionOf(row.video_file)).face(n))) : null;
    },
    async getDeleteTokenHash(id) {
      if (!isRecognitionId(id)) return null;
      return select.get(id)?.delete_token_hash ?? null;
    },
    async remove(id) {
      return isRecognitionId(id) ? removeById(id) : false;
    },
    async removeOlderThan(cutoff) {
      let removed = 0;
      for (const { id } of selectExpired.all(cutoff.toISOString())) if (await removeById(id)) removed += 1;
      return removed;
    },
    async claimNext(owner, leaseMs) {
      const row = claim.immediate(owner, leaseMs);
      return row ? toVideo(row) : null;
    },
    async processingOwners() {
      return owners.all();
    },
    async expireLease(id, owner) {
      expire.run(id, owner);
    },
    async renewLease(id, owner, leaseMs) {
      return renew.run({ id, owner, until: Date.now() + leaseMs }).changes === 1;
    },
    async saveFrames(id, owner, frames, leaseMs) {
      return storeFrames.immediate(id, owner, frames, leaseMs);
    },
    async readFrames(id) {
      return selectFrames.all(id).map((row) => ({ index: row.frame_index, timeMs: row.time_ms, faces: decodeFaces(row.faces) }));
    },
    async finish(id, owner, result) {
      return finishJob.immediate(id, owner, 'done', null, JSON.stringify(result));
    },
    async fail(id, owner, message) {
      return finishJob.immediate(id, owner, 'failed', message, null);
    },
    async release(id, owner) {
      giveBack.run(id, owner);
    },
    async createRecognitionJob({ videoId, clientRequestToken, jobTag, source }) {
      if (clientRequestToken) {
        const existing = jobByToken.get(clientRequestToken);
        if (existing) return { job: toJob(existing), created: false };
      }
      const row: JobRow = {
        job_id: newRecognitionId(),
        video_id: videoId,
        created_at: new Date().toISOString(),
        client_request_token: clientRequestToken ?? null,
        job_tag: jobTag ?? null,
        source: source ?? null,
      };
      insertJob.run(row);
      return { job: toJob(row), created: true };
    },
    async getRecognitionJob(jobId) {
      if (!isRecognitionId(jobId)) return null;
      const row = jobById.get(jobId);
      return row ? toJob(row) : null;
    },
    async getRecognitionJobByToken(token) {
      const row = jobByToken.get(token);
      return row ? toJob(row) : null;
    },
    close() {
      db.close();
    },
  };
}
