import type { AppConfig } from '../config';
import { createGalleryFolder, type OperatorGallery } from '../gallery';
import { onShutdown } from '../shutdown';
import type { ObjectStorage } from './objects';
import { openPgDatabase, type PgDatabase, type PgSettings } from './postgres-db';
import { createPostgresGallery } from './postgres-gallery';
import { createPostgresObjects } from './postgres-objects';
import { createS3Objects } from './s3-objects';

/**
 * The back ends the configuration names, for the server (lib/store/index.ts, one pool per process) and the
 * gallery CLIs (their own pool): PostgreSQL when DATABASE_URL is set, photos in S3_BUCKET when set.
 * No 'server-only' here: the CLIs run outside Next.
 */

/** The pool settings of lib/config.ts (PG_*). */
export function pgSettingsFrom(config: AppConfig): PgSettings {
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is not set');
  return {
    url: config.DATABASE_URL,
    poolMax: config.PG_POOL_MAX,
    connectTimeoutMs: config.PG_CONNECT_TIMEOUT_MS,
    idleTimeoutMs: config.PG_IDLE_TIMEOUT_MS,
    statementTimeoutMs: config.PG_STATEMENT_TIMEOUT_MS,
  };
}

/** Where photos and face crops go beside PostgreSQL: the S3 bucket, or the database itself. */
export function objectStorageFor(config: AppConfig, db: PgDatabase): ObjectStorage {
  if (!config.S3_BUCKET) return createPostgresObjects(db);
  return createS3Objects({
    bucket: config.S3_BUCKET,
    prefix: config.S3_PREFIX,
    region: config.AWS_REGION,
    endpoint: config.AWS_ENDPOINT_URL_S3,
    forcePathStyle: config.S3_FORCE_PATH_STYLE === '1',
    timeoutMs: config.S3_TIMEOUT_MS,
    maxAttempts: config.S3_MAX_ATTEMPTS,
  });
}

/**
 * The whole bucket (S3_BUCKET, no S3_PREFIX), for reading objects a client names by their full key
 * (Rekognition's Video.S3Object); null without a bucket.
 */
export function clientBucketFor(config: AppConfig): { bucket: string; objects: ObjectStorage } | null {
  if (!config.S3_BUCKET) return null;
  return {
    bucket: config.S3_BUCKET,
    objects: createS3Objects({
      bucket: config.S3_BUCKET,
      prefix: '',
      region: config.AWS_REGION,
      endpoint: config.AWS_ENDPOINT_URL_S3,
      forcePathStyle: config.S3_FORCE_PATH_STYLE === '1',
      timeoutMs: config.S3_TIMEOUT_MS,
      maxAttempts: config.S3_MAX_ATTEMPTS,
    }),
  };
}

/**
 * The operator's gallery where the configuration keeps it: PostgreSQL (shared by every host; GALLERY_OPT_OUT's
 * file honoured beside the table) or GALLERY_PATH and GALLERY_OPT_OUT.
 */
export function operatorGalleryFor(config: AppConfig, db: PgDatabase | null): OperatorGallery {
  return db ? createPostgresGallery(db, objectStorageFor(config, db), config.GALLERY_OPT_OUT) : createGalleryFolder(config.GALLERY_PATH, config.GALLERY_OPT_OUT);
}

/** For a CLI: the operator's gallery with its own connection pool (close() when done). */
export function openOperatorGallery(config: AppConfig): { gallery: OperatorGallery; close(): Promise<void> } {
  const db = config.DATABASE_URL ? openPgDatabase({ ...pgSettingsFrom(config), poolMax: 2, applicationName: 'celebrity-finder-cli' }) : null;
  return { gallery: operatorGalleryFor(config, db), close: async () => db?.close() };
}

const pools = ((globalThis as unknown as { celebrityFinderPools?: Map<string, PgDatabase> }).celebrityFinderPools ??= new Map());

/**
 * The process's PostgreSQL pool for DATABASE_URL (one per URL, shared by the result store, the gallery and
 * every Next bundle copy of this module; closed at shutdown), or null without DATABASE_URL.
 */
export function sharedPgDatabase(config: AppConfig): PgDatabase | null {
  if (!config.DATABASE_URL) return null;
  let db = pools.get(config.DATABASE_URL);
  if (!db) {
    const opened = openPgDatabase(pgSettingsFrom(config));
    // Registered before the stores that use it, so it closes after them (hooks run newest first).
    onShutdown(`postgres-pool-${pools.size}`, () => void opened.close().catch(() => undefined));
    pools.set(config.DATABASE_URL, opened);
    db = opened;
  }
  return db;
}
