import 'server-only';
import { getConfig, type AppConfig } from '../config';
import { onShutdown } from '../shutdown';
import type { OperatorGallery } from '../gallery';
import { objectStorageFor, operatorGalleryFor, sharedPgDatabase } from './configured';
import type { PgDatabase } from './postgres-db';
import { createPostgresStore } from './postgres-store';
import { createSqliteStore } from './sqlite-store';
import type { RecognitionStore } from './types';
import { createPostgresVideoStore } from './postgres-video-store';
import { createSqliteVideoStore } from './video-store';
import type { VideoStore } from './video-types';

export type { NewRecognition, RecognitionStore, StoredImageInfo, StoredRecognition } from './types';
export type { LocalVideoCopy, NewVideo, StoredVideo, StoredVideoFile, VideoRecognitionJob, VideoStatus, VideoStore } from './video-types';
export { isRecognitionId } from './ids';
export { clientBucketFor, operatorGalleryFor, sharedPgDatabase } from './configured';

const globalForStore = globalThis as unknown as {
  recognitionStore?: RecognitionStore; videoStore?: VideoStore; operatorGallery?: OperatorGallery;
};

/** The process-wide PostgreSQL pool (DATABASE_URL set), or null for the SQLite back end. */
export function getPgDatabase(): PgDatabase | null {
  return sharedPgDatabase(getConfig());
}

function createConfiguredStore(config: AppConfig): { store: RecognitionStore; name: string } {
  const db = getPgDatabase();
  if (!db) return { store: createSqliteStore(config.DATA_DIR), name: 'sqlite-store' };
  // The pool is shared and closed by its own hook.
  return { store: { ...createPostgresStore(db, objectStorageFor(config, db)), close: () => undefined }, name: 'postgres-store' };
}

/**
 * The operator's people, their face crops and the opt-out list: in PostgreSQL when DATABASE_URL is set (every
 * host sees every change), else in GALLERY_PATH and GALLERY_OPT_OUT. One per process.
 */
export function getOperatorGallery(): OperatorGallery {
  globalForStore.operatorGallery ??= operatorGalleryFor(getConfig(), getPgDatabase());
  return globalForStore.operatorGallery;
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

/**
 * The process-wide video store: with DATABASE_URL, PostgreSQL + the object storage (S3_BUCKET, or the
 * database), shared by every host; else the results' SQLite file (its own connection and tables) and files
 * under DATA_DIR/videos.
 */
export function getVideoStore(): VideoStore {
  if (!globalForStore.videoStore) {
    const config = getConfig();
    const db = getPgDatabase();
    const store = db ? createPostgresVideoStore(db, objectStorageFor(config, db), config.DATA_DIR) : createSqliteVideoStore(config.DATA_DIR);
    onShutdown(db ? 'postgres-video-store' : 'sqlite-video-store', () => store.close());
    globalForStore.videoStore = store;
  }
  return globalForStore.videoStore;
}
