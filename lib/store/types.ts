import type { FaceLookalikes } from '../contract/lookalikes';
import type { RecognizeCelebritiesResult, RecognizerKind } from '../contract/rekognition';

/** The stored photo's facts; the bytes themselves are read with RecognitionStore.readImage. */
export interface StoredImageInfo {
  mimeType: string;
  width: number;
  height: number;
  byteLength: number;
}

/** One recognition as kept by the store: the Rekognition-shaped result and the photo it was made from. */
export interface StoredRecognition {
  /** URL-safe, unguessable (nanoid, 22 characters = 132 bits). */
  id: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  recognizer: RecognizerKind;
  result: RecognizeCelebritiesResult;
  image: StoredImageInfo;
  /** "Looks a bit like": each face's nearest people, in the result's face order (local recognizer only). */
  lookalikes?: FaceLookalikes;
}

export interface NewRecognition {
  recognizer: RecognizerKind;
  result: RecognizeCelebritiesResult;
  image: { bytes: Uint8Array; mimeType: string; width: number; height: number };
  /** SHA-256 hex of the uploader's delete token (lib/security/delete-token); the token itself is never stored. */
  deleteTokenHash?: string;
  /** Each face's nearest people, in the result's face order, kept for the result page. */
  lookalikes?: FaceLookalikes;
  /** Face crops (JPEG) in the result's face order, written beside the photo before the row (readThumbnail). */
  thumbnails?: readonly Uint8Array[];
}

/**
 * Where results and photos live: SQLite + files on one host (lib/store/sqlite-store), or PostgreSQL with
 * photos in S3 or in PostgreSQL, shared by many hosts (lib/store/postgres-store). Both pass the same
 * contract tests (store-contract.test.ts).
 */
export interface RecognitionStore {
  /** Persists photo then result; resolves only once both are durable. */
  save(recognition: NewRecognition): Promise<StoredRecognition>;
  /** The recognition, or null for an unknown or malformed id. */
  get(id: string): Promise<StoredRecognition | null>;
  /** The stored photo, or null for an unknown or malformed id. */
  readImage(id: string): Promise<{ bytes: Uint8Array; mimeType: string } | null>;
  /**
   * Keeps the face thumbnails of a stored result (JPEG, in the stored result's face order: celebrities
   * first, then unrecognized faces). Best effort, made after the result: nothing if the result is gone.
   */
  saveThumbnails(id: string, thumbnails: readonly Uint8Array[]): Promise<void>;
  /** Thumbnail `n` (stored order), or null when none was kept. */
  readThumbnail(id: string, n: number): Promise<Uint8Array | null>;
  /**
   * Replaces a stored result after an admin named one of its faces or rejected a name (the photo was
   * recognized again): result, lookalikes and the face crops, which follow the result's face order. The
   * old crops go first, so a crash midway leaves a result without crops (made again when viewed), never
   * crops of other faces. Null for an unknown id.
   */
  replaceResult(id: string, change: { result: RecognizeCelebritiesResult; lookalikes?: FaceLookalikes; thumbnails?: readonly Uint8Array[] }): Promise<StoredRecognition | null>;
  /** The stored delete-token hash, or null (unknown id, or a result stored without a token). */
  getDeleteTokenHash(id: string): Promise<string | null>;
  /**
   * Removes result, photo and thumbnails; false when there was nothing to remove, true only once they are
   * all gone. Throws AppError `delete_incomplete` when a file stays (the SQLite store hides the result at
   * once, retries each removal, and sweepOrphans keeps retrying; calling remove again retries too).
   */
  remove(id: string): Promise<boolean>;
  /** Removes every result created before `cutoff` (retention), as remove does; resolves to how many went for good. */
  removeOlderThan(cutoff: Date): Promise<number>;
  /**
   * Runs scheduled work (retention, clean-up) on one process of the whole deployment at a time: resolves to
   * null without running it while another process, on any host, runs the same job. A store that serves one
   * host only may leave this out (its work is idempotent and local).
   */
  runScheduled?<T>(job: string, work: () => Promise<T>): Promise<T | null>;
  /**
   * Removes stored photos and face crops written before `writtenBefore` whose result row never came (a
   * crash between the photo and its row) or is gone; resolves to how many objects went. The SQLite store
   * also removes temporary files written before then (a crash mid-write) and retries the files of deletes
   * that could not remove them.
   */
  sweepOrphans?(writtenBefore: Date): Promise<number>;
  close(): void;
}
