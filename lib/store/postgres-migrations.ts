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
  {
    version: 2,
    name: "the operator's gallery and opt-out list",
    sql: `
      -- One row: the gallery's header, and the versions every host compares to know when to reload.
      CREATE TABLE gallery_state (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        dims integer NOT NULL,
        -- Photo key -> what gallery:import did with it; sample id -> where an admin-added sample came from.
        photos jsonb NOT NULL,
        notes jsonb NOT NULL,
        gallery_version bigint NOT NULL,
        opt_out_version bigint NOT NULL
      );
      INSERT INTO gallery_state (dims, photos, notes, gallery_version, opt_out_version) VALUES (512, '{}', '{}', 0, 0);

      -- The operator's people in matrix order, each with their embedding rows (float32 little-endian [rows, dims]).
      CREATE TABLE gallery_people (
        position integer PRIMARY KEY,
        id text NOT NULL,
        -- name, urls, knownGender, genderVotes, sources, negativeSources, overrides
        person jsonb NOT NULL,
        embeddings bytea NOT NULL,
        negatives bytea
      );
      ALTER TABLE gallery_people ALTER COLUMN embeddings SET STORAGE EXTERNAL;

      -- People never to be named: one id or name a row, as a line of the opt-out file.
      CREATE TABLE gallery_opt_outs (
        entry text PRIMARY KEY,
        note text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 3,
    name: "a result's lookalikes",
    sql: `
      -- Each face's nearest people ("looks a bit like", docs/admin.md), in the result's face order.
      ALTER TABLE recognitions ADD COLUMN lookalikes jsonb;
    `,
  },
  {
    version: 4,
    name: 'videos, their jobs and chunked objects',
    sql: `
      -- One uploaded video and its recognition job (lib/store/postgres-video-store.ts). Every host claims jobs
      -- from here; the lease is kept in the database's clock (lease_until), so hosts' clocks need not agree.
      CREATE TABLE videos (
        id text PRIMARY KEY,
        created_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'processing', 'done', 'failed')),
        status_message text,
        -- Key of the video in the object store (the bucket, or object_chunks below); poster and faces beside it.
        video_key text NOT NULL,
        mime_type text NOT NULL,
        byte_length bigint NOT NULL,
        metadata jsonb NOT NULL,
        interval_ms integer NOT NULL,
        frames_planned integer NOT NULL,
        frames_done integer NOT NULL DEFAULT 0,
        attempts integer NOT NULL DEFAULT 0,
        lease_owner text,
        lease_until timestamptz,
        started_at timestamptz,
        finished_at timestamptz,
        result jsonb,
        face_thumbnails integer NOT NULL DEFAULT 0,
        delete_token_hash text
      );
      CREATE INDEX videos_created_at ON videos (created_at);
      CREATE INDEX videos_waiting ON videos (created_at) WHERE status IN ('queued', 'processing');

      -- Faces of each sampled frame while a job runs (identity vectors as base64 float32), dropped when it ends.
      CREATE TABLE video_frames (
        video_id text NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
        frame_index integer NOT NULL,
        time_ms integer NOT NULL,
        faces jsonb NOT NULL,
        PRIMARY KEY (video_id, frame_index)
      );

      -- Rekognition StartCelebrityRecognition jobs: names for a video's analysis.
      CREATE TABLE video_recognition_jobs (
        job_id text PRIMARY KEY,
        video_id text NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        client_request_token text UNIQUE,
        job_tag text,
        -- The S3 object the job was started on (s3://bucket/key), or null for an upload id.
        source text
      );
      CREATE INDEX video_recognition_jobs_video ON video_recognition_jobs (video_id);

      -- Large objects (videos up to VIDEO_MAX_MB) when no S3 bucket is configured: 1 MiB rows, so no statement
      -- carries a whole video and a Range request reads only the rows it needs.
      CREATE TABLE object_chunks (
        key text NOT NULL,
        n integer NOT NULL,
        bytes bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (key, n)
      );
      ALTER TABLE object_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL;
    `,
  },
];
