import type { CelebrityPage } from './local-gallery';

export type { CelebrityPage } from './local-gallery';

/** A recognizer that can list its celebrities (the local one; Rekognition has no such API). */
export interface CelebrityCatalog {
  listCelebrities(options?: { query?: string; page?: number; pageSize?: number }): Promise<CelebrityPage>;
}
