import 'server-only';
import { getConfig } from '../config';
import { createSqliteStore } from './sqlite-store';
import type { RecognitionStore } from './types';

export type { NewRecognition, RecognitionStore, StoredImageInfo, StoredRecognition } from './types';
export { isRecognitionId } from './ids';

const globalForStore = globalThis as unknown as { recognitionStore?: RecognitionStore };

/** The process-wide store under DATA_DIR (one SQLite connection per process, kept across dev reloads). */
export function getStore(): RecognitionStore {
  globalForStore.recognitionStore ??= createSqliteStore(getConfig().DATA_DIR);
  return globalForStore.recognitionStore;
}
