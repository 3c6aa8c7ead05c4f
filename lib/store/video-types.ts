import type { FrameObservations, VideoAnalysis } from '../video/types';
import type { VideoProbe } from '../video/ffmpeg';

export type VideoStatus = 'queued' | 'processing' | 'done' | 'failed';

/** One uploaded video and its recognition job, as the store keeps it. */
export interface StoredVideo {
  /** nanoid(22), like recognition ids. */
  id: string;
  createdAt: string;
  status: VideoStatus;
  /** Why a job failed, in words for people. */
  statusMessage: string | null;
  mimeType: string;
  byteLength: number;
  metadata: VideoProbe;
  intervalMs: number;
  framesPlanned: number;
  framesDone: number;
  /** Times a process took the job on (a restart that resumes it counts again). */
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  /** Set once the job is done. */
  result: VideoAnalysis | null;
}

export interface NewVideo {
  /** The uploaded file, moved into the store (same file system: DATA_DIR). */
  tempPath: string;
  mimeType: string;
  byteLength: number;
  metadata: VideoProbe;
  intervalMs: number;
  framesPlanned: number;
  /** A JPEG frame for the player and link previews. */
  poster: Uint8Array;
  deleteTokenHash?: string;
}

/** A Rekognition StartCelebrityRecognition job: a name for one video's analysis. */
export interface VideoRecognitionJob {
  jobId: string;
  videoId: string;
  createdAt: string;
  clientRequestToken: string | null;
  jobTag: string | null;
  /** The S3 object the job was started on (`s3://bucket/key`), or null when it named an upload id. */
  source: string | null;
}

/** A stored video's bytes for the player: any range, a piece at a time, from whichever host answers. */
export interface StoredVideoFile {
  mimeType: string;
  byteLength: number;
  /** Bytes `start`..`end` (both included). */
  read(start: number, end: number): Promise<AsyncIterable<Uint8Array>>;
}

/** The video as a file on this host's disk, for ffmpeg; release() when the job is done with it. */
export interface LocalVideoCopy {
  path: string;
  release(): Promise<void>;
}

/**
 * Videos, their jobs' progress and per-frame faces, durable so that a restart resumes a job where it
 * stopped: SQLite + files under DATA_DIR (video-store.ts, one host), or PostgreSQL + the object storage
 * (postgres-video-store.ts, every host). A job is held through a lease its runner renews; a lease left to
 * run out (a crashed process or host) lets another runner take the job over.
 */
export interface VideoStore {
  /** A fresh path under DATA_DIR to stream an upload into (then create() or discardIncoming()). */
  incomingPath(extension: string): string;
  discardIncoming(path: string): Promise<void>;
  create(video: NewVideo): Promise<StoredVideo>;
  get(id: string): Promise<StoredVideo | null>;
  /** The stored video's bytes, for streaming to the player (Range requests). */
  videoFile(id: string): Promise<StoredVideoFile | null>;
  /** The video as a local file for ffmpeg (the stored file, or a copy fetched from the object storage). */
  localCopy(id: string): Promise<LocalVideoCopy | null>;
  readPoster(id: string): Promise<Uint8Array | null>;
  saveFaceThumbnails(id: string, thumbnails: readonly Uint8Array[]): Promise<void>;
  readFaceThumbnail(id: string, n: number): Promise<Uint8Array | null>;
  getDeleteTokenHash(id: string): Promise<string | null>;
  /** Removes the row, its frames and files; false when there was nothing. */
  remove(id: string): Promise<boolean>;
  removeOlderThan(cutoff: Date): Promise<number>;

  /** Takes the oldest waiting job, or one whose lease ran out; null when there is none. */
  claimNext(owner: string, leaseMs: number): Promise<StoredVideo | null>;
  /** Jobs being processed and who holds them (to take over those of a dead process at once). */
  processingOwners(): Promise<Array<{ id: string; owner: string | null }>>;
  /** Ends `owner`'s lease on the job now (its process is gone). */
  expireLease(id: string, owner: string): Promise<void>;
  /** Keeps the job `owner`'s for leaseMs more; false when it is not (deleted, or taken over). */
  renewLease(id: string, owner: string, leaseMs: number): Promise<boolean>;
  /** Stores sampled frames' faces and the progress in one transaction (renewing the lease); false as renewLease. */
  saveFrames(id: string, owner: string, frames: readonly FrameObservations[], leaseMs: number): Promise<boolean>;
  /** Every stored frame of the job, in order. */
  readFrames(id: string): Promise<FrameObservations[]>;
  /** Done: keeps the result, drops the per-frame faces (identity vectors are not kept once a job is done). */
  finish(id: string, owner: string, result: VideoAnalysis): Promise<boolean>;
  /** Failed, with a message for people; drops the per-frame faces. */
  fail(id: string, owner: string, message: string): Promise<boolean>;
  /** Back to the queue (a graceful stop): the next runner resumes from the stored frames. */
  release(id: string, owner: string): Promise<void>;

  /** A new job id for the video, or the existing one for a repeated ClientRequestToken. */
  createRecognitionJob(job: { videoId: string; clientRequestToken?: string; jobTag?: string; source?: string }): Promise<{ job: VideoRecognitionJob; created: boolean }>;
  getRecognitionJob(jobId: string): Promise<VideoRecognitionJob | null>;
  getRecognitionJobByToken(clientRequestToken: string): Promise<VideoRecognitionJob | null>;
  /** Removes stored objects older than `writtenBefore` whose video row never came or is gone (object storage only). */
  sweepOrphans?(writtenBefore: Date): Promise<number>;
  close(): void;
}
