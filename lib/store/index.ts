import 'server-only';
import { getConfig } from '../config';
import { onShutdown } from '../shutdown';
import { createSqliteStore } from './sqlite-store';
import type { RecognitionStore } from './types';

export type { NewRecognition, RecognitionStore, StoredImageInfo, StoredRecognition } from './types';
export { isRecognitionId } from './ids';

const globalForStore = globalThis as unknown as { recognitionStore?: RecognitionStore };

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
