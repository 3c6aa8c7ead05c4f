import type { CelebrityPage } from './local-gallery';
import type { Recognizer } from './types';

export type { CelebrityPage } from './local-gallery';

/** A recognizer that can list its celebrities (the local one; Rekognition has no such API). */
export interface CelebrityCatalog {
  listCelebrities(options?: { query?: string; page?: number; pageSize?: number }): Promise<CelebrityPage>;
}

/**
 * Narrows getRecognizer()'s result for the /celebrities page without importing the engine:
 * `if (hasCelebrityCatalog(recognizer)) await recognizer.listCelebrities({ query, page })`.
 */
export function hasCelebrityCatalog(recognizer: Recognizer): recognizer is Recognizer & CelebrityCatalog {
  return typeof (recognizer as Partial<CelebrityCatalog>).listCelebrities === 'function';
}
