/**
 * The PostgreSQL schema, as numbered migrations applied in order, each once (postgres-db.ts's migrate(),
 * under an advisory lock). Never edit a released migration: add the next number.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'recognitions and stored objects',
    sql: `
      CREATE TABLE recognitions (
        id text PRIMARY KEY,
        created_at timestamptz NOT NULL,
        recognizer text NOT NULL,
        result jsonb NOT NULL,
        image_type text NOT NULL,
        image_width integer NOT NULL,
        image_height integer NOT NULL,
        image_bytes integer NOT NULL,
        -- Key of the photo in the object store (S3, or the objects table below); face crops are derived from it.
        image_key text NOT NULL,
        faces integer NOT NULL,
        -- SHA-256 hex of the uploader's delete token; the token itself is never stored.
        delete_token_hash text
      );
      CREATE INDEX recognitions_created_at ON recognitions (created_at);

      -- Photos and face crops when no S3 bucket is configured: the same keys an S3 bucket would hold.
      CREATE TABLE objects (
        key text PRIMARY KEY,
        content_type text NOT NULL,
        bytes bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      -- JPEGs do not compress: stored out of line without a compression attempt.
      ALTER TABLE objects ALTER COLUMN bytes SET STORAGE EXTERNAL;
      CREATE INDEX objects_created_at ON objects (created_at);
    `,
  },
];
