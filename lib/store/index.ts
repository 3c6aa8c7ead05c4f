import 'server-only';
import { getConfig } from '../config';
import { onShutdown } from '../shutdown';
import { createSqliteStore } from './sqlite-store';
import type { RecognitionStore } from './types';
import { createSqliteVideoStore } from './video-store';
import type { VideoStore } from './video-types';

export type { NewRecognition, RecognitionStore, StoredImageInfo, StoredRecognition } from './types';
export type { NewVideo, StoredVideo, VideoRecognitionJob, VideoStatus, VideoStore } from './video-types';
export { isRecognitionId } from './ids';

const globalForStore = globalThis as unknown as { recognitionStore?: RecognitionStore; videoStore?: VideoStore };

/** The process-wide store under DATA_DIR (one SQLite connection per process, kept across dev reloads). */
export function getStore(): RecognitionStore {
  if (!globalForStore.recognitionStore) {
    const store = createSqliteStore(getConfig().DATA_DIR);
    // Closed after in-flight requests drain, so the WAL is checkpointed on a graceful stop or pm2 reload.
    onShutdown('sqlite-store', () => store.close());
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
