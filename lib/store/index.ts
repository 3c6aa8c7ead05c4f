import 'server-only';
import { getConfig, type AppConfig } from '../config';
import { onShutdown } from '../shutdown';
import { openPgDatabase, type PgDatabase } from './postgres-db';
import { createPostgresObjects } from './postgres-objects';
import { createPostgresStore } from './postgres-store';
import { createS3Objects } from './s3-objects';
import { createSqliteStore } from './sqlite-store';
import type { RecognitionStore } from './types';
import { createSqliteVideoStore } from './video-store';
import type { VideoStore } from './video-types';

export type { NewRecognition, RecognitionStore, StoredImageInfo, StoredRecognition } from './types';
export type { NewVideo, StoredVideo, VideoRecognitionJob, VideoStatus, VideoStore } from './video-types';
export { isRecognitionId } from './ids';

const globalForStore = globalThis as unknown as { recognitionStore?: RecognitionStore; videoStore?: VideoStore; pgDatabase?: PgDatabase };

/** The pool settings of lib/config.ts (PG_*), for the app and for CLIs that reach the same database. */
export function pgSettingsFrom(config: AppConfig): Parameters<typeof openPgDatabase>[0] {
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is not set');
  return {
    url: config.DATABASE_URL,
    poolMax: config.PG_POOL_MAX,
    connectTimeoutMs: config.PG_CONNECT_TIMEOUT_MS,
    idleTimeoutMs: config.PG_IDLE_TIMEOUT_MS,
    statementTimeoutMs: config.PG_STATEMENT_TIMEOUT_MS,
  };
}

/** The process-wide PostgreSQL pool (DATABASE_URL set), or null for the SQLite back end. */
export function getPgDatabase(): PgDatabase | null {
  const config = getConfig();
  if (!config.DATABASE_URL) return null;
  if (!globalForStore.pgDatabase) {
    const db = openPgDatabase(pgSettingsFrom(config));
    // Closed last (registered first): after the stores that use it.
    onShutdown('postgres-pool', () => void db.close().catch(() => undefined));
    globalForStore.pgDatabase = db;
  }
  return globalForStore.pgDatabase;
}

function createConfiguredStore(config: AppConfig): { store: RecognitionStore; name: string } {
  const db = getPgDatabase();
  if (!db) return { store: createSqliteStore(config.DATA_DIR), name: 'sqlite-store' };
  const objects = config.S3_BUCKET
    ? createS3Objects({
      bucket: config.S3_BUCKET,
      prefix: config.S3_PREFIX,
      region: config.AWS_REGION,
      endpoint: config.AWS_ENDPOINT_URL_S3,
      forcePathStyle: config.S3_FORCE_PATH_STYLE === '1',
      timeoutMs: config.S3_TIMEOUT_MS,
      maxAttempts: config.S3_MAX_ATTEMPTS,
    })
    : createPostgresObjects(db);
  // The pool is shared and closed by its own hook.
  return { store: { ...createPostgresStore(db, objects), close: () => undefined }, name: 'postgres-store' };
}

/**
 * The process-wide result store (kept across dev reloads): PostgreSQL (+ S3_BUCKET) when DATABASE_URL is
 * set, else SQLite + files under DATA_DIR (one connection per process).
 */
export function getStore(): RecognitionStore {
  if (!globalForStore.recognitionStore) {
    const { store, name } = createConfiguredStore(getConfig());
    // Closed after in-flight requests drain, so the WAL is checkpointed on a graceful stop or pm2 reload.
    onShutdown(name, () => store.close());
    globalForStore.recognitionStore = store;
  }
  return globalForStore.recognitionStore;
}

/** The process-wide video store (same database file, its own connection and tables; files under DATA_DIR/videos). */
export function getVideoStore(): VideoStore {
  if (!globalForStore.videoStore) {
    const store = createSqliteVideoStore(getConfig().DATA_DIR);
    onShutdown('sqlite-video-store', () => store.close());
    globalForStore.videoStore = store;
  }
  return globalForStore.videoStore;
}
