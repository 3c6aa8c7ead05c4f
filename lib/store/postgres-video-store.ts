import 'server-only';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { log } from '../observability/log';
import { isProcessAlive } from '../process-alive';
import type { VideoProbe } from '../video/ffmpeg';
import type { VideoAnalysis } from '../video/types';
import { sweepStaleIncoming } from './files';
import { isRecognitionId, newRecognitionId } from './ids';
import type { ObjectStorage } from './objects';
import { removeOrphanObjects } from './orphan-objects';
import type { PgDatabase } from './postgres-db';
import { decodeFaces, encodeFaces } from './video-codec';
import type { NewVideo, StoredVideo, VideoRecognitionJob, VideoStatus, VideoStore } from './video-types';

interface Row {
  id: string;
  created_at: Date;
  status: string;
  status_message: string | null;
  video_key: string;
  mime_type: string;
  byte_length: string;
  metadata: VideoProbe;
  interval_ms: number;
  frames_planned: number;
  frames_done: number;
  attempts: number;
  lease_owner: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  result: VideoAnalysis | null;
  face_thumbnails: number;
  delete_token_hash: string | null;
}

interface JobRow {
  job_id: string;
  video_id: string;
  created_at: Date;
  client_request_token: string | null;
  job_tag: string | null;
  source: string | null;
}

const statuses: readonly VideoStatus[] = ['queued', 'processing', 'done', 'failed'];
const MAX_FACE_THUMBNAILS = 256;
/** Rows removed per statement by the retention sweep (each one's objects go right after). */
const EXPIRY_BATCH = 100;

/** Object keys, built only from ids this module made: the video, its poster and best faces side by side. */
const VIDEOS = 'videos/';
const videoKey = (id: string, extension: string) => `${VIDEOS}${id}/video.${extension}`;
const posterKey = (id: string) => `${VIDEOS}${id}/poster.jpg`;
const faceKey = (id: string, n: number) => `${VIDEOS}${id}/face-${n}.jpg`;
const keysOf = (row: Pick<Row, 'id' | 'video_key' | 'face_thumbnails'>) =>
  [row.video_key, posterKey(row.id), ...Array.from({ length: row.face_thumbnails }, (_, n) => faceKey(row.id, n))];

function idOfKey(key: string): string | null {
  return /^videos\/([A-Za-z0-9_-]{22})\/[a-z0-9.-]+$/.exec(key)?.[1] ?? null;
}

function toVideo(row: Row): StoredVideo {
  return {
    id: row.id,
    createdAt: row.created_at.toISOString(),
    status: statuses.includes(row.status as VideoStatus) ? (row.status as VideoStatus) : 'failed',
    statusMessage: row.status_message,
    mimeType: row.mime_type,
    byteLength: Number(row.byte_length),
    metadata: row.metadata,
    intervalMs: row.interval_ms,
    framesPlanned: row.frames_planned,
    framesDone: row.frames_done,
    attempts: row.attempts,
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    result: row.result,
  };
}

const toJob = (row: JobRow): VideoRecognitionJob => ({
  jobId: row.job_id, videoId: row.video_id, createdAt: row.created_at.toISOString(), clientRequestToken: row.client_request_token, jobTag: row.job_tag, source: row.source,
});

/**
 * Videos shared by every host: rows in PostgreSQL (videos, video_frames, video_recognition_jobs; migration
 * 4), the video, its poster and best faces in the object storage (the S3 bucket, or PostgreSQL's
 * object_chunks/objects). A video is written before its row, as photos are; deletes go row first, then
 * objects; the orphan sweep takes what a crash left between the two.
 *
 * Jobs are claimed with `FOR UPDATE SKIP LOCKED` (two hosts never take the same job) and held by a lease
 * in the database's clock (`lease_until`), renewed by the runner; a job whose lease ran out (its host died)
 * is claimed again by any host and resumed from its stored frames. ffmpeg needs a file: localCopy() fetches
 * the video to `<dataDir>/videos/cache/<pid>/` for the job's length.
 */
export function createPostgresVideoStore(db: PgDatabase, objects: ObjectStorage, dataDir: string): VideoStore {
  const incoming = join(dataDir, 'videos', 'incoming');
  const cacheRoot = join(dataDir, 'videos', 'cache');
  const cache = join(cacheRoot, String(process.pid));
  mkdirSync(incoming, { recursive: true });
  mkdirSync(cache, { recursive: true });
  // Copies left by processes of this host that are gone (a crash): their jobs are fetched again by whoever takes them.
  for (const name of readdirSync(cacheRoot)) {
    if (name !== String(process.pid) && !isProcessAlive(Number(name))) rmSync(join(cacheRoot, name), { recursive: true, force: true });
  }
  sweepStaleIncoming(incoming);

  const select = async (id: string): Promise<Row | null> => (await db.query<Row>('SELECT * FROM videos WHERE id = $1', [id])).rows[0] ?? null;
  const exists = async (id: string) => (await db.query('SELECT 1 FROM videos WHERE id = $1', [id])).rowCount === 1;
  const ms = (value: number) => Math.max(0, Math.round(value));

  const end = (client: PoolClient, id: string, owner: string, status: VideoStatus, message: string | null, result: VideoAnalysis | null) =>
    client.query(
      `UPDATE videos SET status = $3, status_message = $4, result = $5, finished_at = now(), lease_owner = NULL, lease_until = NULL
       WHERE id = $1 AND status = 'processing' AND lease_owner = $2`,
      [id, owner, status, message, result === null ? null : JSON.stringify(result)],
    );

  async function jobByToken(token: string): Promise<VideoRecognitionJob | null> {
    const { rows } = await db.query<JobRow>('SELECT * FROM video_recognition_jobs WHERE client_request_token = $1', [token]);
    return rows[0] ? toJob(rows[0]) : null;
  }

  async function finishJob(id: string, owner: string, status: VideoStatus, message: string | null, result: VideoAnalysis | null): Promise<boolean> {
    return db.transaction(async (client) => {
      const changed = (await end(client, id, owner, status, message, result)).rowCount === 1;
      if (changed) await client.query('DELETE FROM video_frames WHERE video_id = $1', [id]);
      return changed;
    });
  }

  return {
    incomingPath(extension) {
      return join(incoming, `${randomBytes(12).toString('hex')}.${extension.replace(/[^a-z0-9]/gi, '') || 'bin'}`);
    },
    async discardIncoming(path) {
      await rm(path, { force: true });
    },
    async create(video: NewVideo) {
      const id = newRecognitionId();
      const extension = video.tempPath.slice(video.tempPath.lastIndexOf('.') + 1);
      const key = videoKey(id, extension);
      const size = (await stat(video.tempPath)).size;
      // Video and poster first; the row that points to them after (a crash in between leaves orphans for the sweep).
      // Both settled before any cleanup, so a write still on its way cannot land after the remove.
      const written = await Promise.allSettled([objects.putFile(key, video.tempPath, size, video.mimeType), objects.put(posterKey(id), video.poster, 'image/jpeg')]);
      const failed = written.find((w): w is PromiseRejectedResult => w.status === 'rejected');
      if (failed) {
        // One of the two may be stored: taken away now rather than by the sweep an hour later.
        await objects.remove([key, posterKey(id)]).catch(() => undefined);
        throw failed.reason;
      }
      try {
        const { rows } = await db.query<Row>(
          `INSERT INTO videos (id, created_at, status, video_key, mime_type, byte_length, metadata, interval_ms, frames_planned, delete_token_hash)
           VALUES ($1, now(), 'queued', $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
          [id, key, video.mimeType, size, JSON.stringify(video.metadata), video.intervalMs, video.framesPlanned, video.deleteTokenHash ?? null],
        );
        await rm(video.tempPath, { force: true });
        return toVideo(rows[0]!);
      } catch (error) {
        await objects.remove([key, posterKey(id)]).catch(() => undefined);
        throw error;
      }
    },
    async get(id) {
      if (!isRecognitionId(id)) return null;
      const row = await select(id);
      return row ? toVideo(row) : null;
    },
    async videoFile(id) {
      const row = isRecognitionId(id) ? await select(id) : null;
      if (!row) return null;
      return {
        mimeType: row.mime_type,
        byteLength: Number(row.byte_length),
        async read(start, last) {
          const pieces = await objects.readRange(row.video_key, start, last);
          return pieces ?? (async function* gone() {})();
        },
      };
    },
    async localCopy(id) {
      const row = isRecognitionId(id) ? await select(id) : null;
      if (!row) return null;
      const size = Number(row.byte_length);
      const pieces = size > 0 ? await objects.readRange(row.video_key, 0, size - 1) : null;
      if (!pieces) return null;
      const path = join(cache, `${id}-${randomBytes(4).toString('hex')}${row.video_key.slice(row.video_key.lastIndexOf('.'))}`);
      try {
        await pipeline(Readable.from(pieces, { objectMode: false }), createWriteStream(path));
        const fetched = (await stat(path)).size;
        if (fetched !== size) throw new Error(`video ${id}: fetched ${fetched} of ${size} bytes`);
      } catch (error) {
        await rm(path, { force: true });
        throw error;
      }
      return { path, release: () => rm(path, { force: true }) };
    },
    async readPoster(id) {
      return isRecognitionId(id) && (await exists(id)) ? objects.get(posterKey(id)) : null;
    },
    async saveFaceThumbnails(id, thumbnails) {
      if (!isRecognitionId(id) || !(await exists(id))) return;
      const kept = thumbnails.slice(0, MAX_FACE_THUMBNAILS);
      await Promise.all(kept.map((bytes, n) => objects.put(faceKey(id, n), bytes, 'image/jpeg')));
      const { rowCount } = await db.query('UPDATE videos SET face_thumbnails = GREATEST(face_thumbnails, $2) WHERE id = $1', [id, kept.length]);
      // Deleted while they were written: take them away again rather than leave them behind.
      if (rowCount !== 1) await objects.remove(kept.map((_, n) => faceKey(id, n)));
    },
    async readFaceThumbnail(id, n) {
      if (!isRecognitionId(id) || !Number.isInteger(n) || n < 0 || n >= MAX_FACE_THUMBNAILS) return null;
      const row = await select(id);
      return row && n < row.face_thumbnails ? objects.get(faceKey(id, n)) : null;
    },
    async getDeleteTokenHash(id) {
      if (!isRecognitionId(id)) return null;
      return (await select(id))?.delete_token_hash ?? null;
    },
    async remove(id) {
      if (!isRecognitionId(id)) return false;
      // Frames and Rekognition job names go with the row (ON DELETE CASCADE); objects after it.
      const { rows } = await db.query<Row>('DELETE FROM videos WHERE id = $1 RETURNING id, video_key, face_thumbnails', [id]);
      if (rows.length === 0) return false;
      await objects.remove(keysOf(rows[0]!));
      return true;
    },
    async removeOlderThan(cutoff) {
      let removed = 0;
      for (;;) {
        const { rows } = await db.query<Row>(
          `DELETE FROM videos WHERE id IN (SELECT id FROM videos WHERE created_at < $1 ORDER BY created_at LIMIT $2)
           RETURNING id, video_key, face_thumbnails`,
          [cutoff, EXPIRY_BATCH],
        );
        if (rows.length === 0) return removed;
        await objects.remove(rows.flatMap(keysOf));
        removed += rows.length;
      }
    },
    async claimNext(owner, leaseMs) {
      // SKIP LOCKED: a host that is claiming another row at this moment is passed by, never waited for or doubled.
      const { rows } = await db.query<Row>(
        `UPDATE videos SET status = 'processing', lease_owner = $1, lease_until = now() + $2 * interval '1 millisecond',
           attempts = attempts + 1, started_at = COALESCE(started_at, now())
         WHERE id = (
           SELECT id FROM videos
           WHERE status = 'queued' OR (status = 'processing' AND (lease_until IS NULL OR lease_until < now()))
           ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED
         )
         RETURNING *`,
        [owner, ms(leaseMs)],
      );
      return rows[0] ? toVideo(rows[0]) : null;
    },
    async processingOwners() {
      return (await db.query<{ id: string; owner: string | null }>(`SELECT id, lease_owner AS owner FROM videos WHERE status = 'processing'`)).rows;
    },
    async expireLease(id, owner) {
      await db.query(`UPDATE videos SET lease_until = '-infinity' WHERE id = $1 AND status = 'processing' AND lease_owner = $2`, [id, owner]);
    },
    async renewLease(id, owner, leaseMs) {
      const { rowCount } = await db.query(
        `UPDATE videos SET lease_until = now() + $3 * interval '1 millisecond' WHERE id = $1 AND status = 'processing' AND lease_owner = $2`,
        [id, owner, ms(leaseMs)],
      );
      return rowCount === 1;
    },
    async saveFrames(id, owner, frames, leaseMs) {
      const done = frames.reduce((most, f) => Math.max(most, f.index + 1), 0);
      return db.transaction(async (client) => {
        const { rowCount } = await client.query(
          `UPDATE videos SET frames_done = GREATEST(frames_done, $3), lease_until = now() + $4 * interval '1 millisecond'
           WHERE id = $1 AND status = 'processing' AND lease_owner = $2`,
          [id, owner, done, ms(leaseMs)],
        );
        if (rowCount !== 1) return false;
        if (frames.length > 0) {
          await client.query(
            `INSERT INTO video_frames (video_id, frame_index, time_ms, faces)
             SELECT $1, * FROM unnest($2::integer[], $3::integer[], $4::jsonb[])
             ON CONFLICT (video_id, frame_index) DO UPDATE SET time_ms = EXCLUDED.time_ms, faces = EXCLUDED.faces`,
            [id, frames.map((f) => f.index), frames.map((f) => Math.round(f.timeMs)), frames.map(encodeFaces)],
          );
        }
        return true;
      });
    },
    async readFrames(id) {
      const { rows } = await db.query<{ frame_index: number; time_ms: number; faces: Parameters<typeof decodeFaces>[0] }>(
        'SELECT frame_index, time_ms, faces FROM video_frames WHERE video_id = $1 ORDER BY frame_index', [id],
      );
      return rows.map((row) => ({ index: row.frame_index, timeMs: row.time_ms, faces: decodeFaces(row.faces) }));
    },
    finish: (id, owner, result) => finishJob(id, owner, 'done', null, result),
    fail: (id, owner, message) => finishJob(id, owner, 'failed', message, null),
    async release(id, owner) {
      await db.query(`UPDATE videos SET status = 'queued', lease_owner = NULL, lease_until = NULL WHERE id = $1 AND status = 'processing' AND lease_owner = $2`, [id, owner]);
    },
    async createRecognitionJob({ videoId, clientRequestToken, jobTag, source }) {
      const jobId = newRecognitionId();
      // A repeated token (from any host, at the same moment too) answers the first job.
      const { rows } = await db.query<JobRow>(
        `INSERT INTO video_recognition_jobs (job_id, video_id, created_at, client_request_token, job_tag, source)
         VALUES ($1, $2, now(), $3, $4, $5) ON CONFLICT (client_request_token) DO NOTHING RETURNING *`,
        [jobId, videoId, clientRequestToken ?? null, jobTag ?? null, source ?? null],
      );
      if (rows[0]) return { job: toJob(rows[0]), created: true };
      const existing = await jobByToken(clientRequestToken!);
      if (!existing) throw new Error('a recognition job with this ClientRequestToken was removed meanwhile');
      return { job: existing, created: false };
    },
    async getRecognitionJob(jobId) {
      if (!isRecognitionId(jobId)) return null;
      const { rows } = await db.query<JobRow>('SELECT * FROM video_recognition_jobs WHERE job_id = $1', [jobId]);
      return rows[0] ? toJob(rows[0]) : null;
    },
    getRecognitionJobByToken: jobByToken,
    async sweepOrphans(writtenBefore) {
      const removed = await removeOrphanObjects(db, objects, { prefixes: [VIDEOS], table: 'videos', idOfKey }, writtenBefore);
      if (removed > 0) log.info({ removed, objects: objects.description }, 'store: video objects without a row removed');
      return removed;
    },
    close() {
      // The pool is shared and closed by its own hook; the cache folder goes with the process.
      rmSync(cache, { recursive: true, force: true });
    },
  };
}
