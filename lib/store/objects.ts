/**
 * Where a PostgreSQL-backed store keeps photos and face crops: an S3 bucket (s3-objects.ts) or, without
 * one, a table of the same database (postgres-objects.ts). Keys are built by the store from ids it made.
 */
export interface ObjectListing {
  key: string;
  lastModified: Date;
}

export interface ObjectStorage {
  /** Stores `bytes` under `key`; resolves once the object is durable. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The object's bytes, or null when there is none. */
  get(key: string): Promise<Uint8Array | null>;
  /**
   * Stores the file at `path` (`size` bytes) under `key` a piece at a time (videos of hundreds of MB): S3
   * multipart parts of 8 MiB, or 1 MiB rows of `object_chunks`. Never holds the whole file in memory.
   */
  putFile(key: string, path: string, size: number, contentType: string): Promise<void>;
  /** The object's size in bytes, or null when there is none. */
  size(key: string): Promise<number | null>;
  /** Bytes `start`..`end` (both included) of the object, a piece at a time; null when there is none. */
  readRange(key: string, start: number, end: number): Promise<AsyncIterable<Uint8Array> | null>;
  /** Deletes the objects (missing ones are fine). */
  remove(keys: readonly string[]): Promise<void>;
  /** Every object under `prefix`, a page at a time (for the orphan sweep). */
  list(prefix: string): AsyncIterable<ObjectListing[]>;
  /** What it is, for logs: `s3://bucket/prefix` or `postgres`. */
  readonly description: string;
}
