import { z } from 'zod';
import type { BoundingBox } from '../contract/rekognition';
import type { VideoProbe } from '../video/ffmpeg';
import type { VideoPerson } from '../video/types';
import { AppError } from '../errors';
import { AwsError } from './aws-error';

/**
 * Rekognition's stored-video celebrity API, StartCelebrityRecognition and GetCelebrityRecognition, over our
 * video jobs. `Video.S3Object` names either an object of the server's S3 bucket (S3_BUCKET, when set: the
 * server reads it, checks it and queues its analysis, as AWS reads a video from S3), or an upload: Bucket
 * `uploads` and Name = the id POST /api/videos gave. A job is a name for that video's analysis (which the
 * upload already started), so starting several jobs on one video costs nothing more.
 */
export const UPLOADS_BUCKET = 'uploads';

/** AWS's own limits: JobId 1-64 of [a-zA-Z0-9-_], MaxResults 1-1000, NextToken ≤ 255 characters. */
export const MAX_RESULTS = 1000;

export const startCelebrityRecognitionRequestSchema = z.object({
  Video: z.object({
    S3Object: z.object({ Bucket: z.string().min(3).max(255).optional(), Name: z.string().min(1).max(1024).optional(), Version: z.string().optional() }).optional(),
  }),
  ClientRequestToken: z.string().regex(/^[a-zA-Z0-9-_]{1,64}$/, 'ClientRequestToken must be 1-64 of [a-zA-Z0-9-_]').optional(),
  NotificationChannel: z.object({ SNSTopicArn: z.string(), RoleArn: z.string() }).optional(),
  JobTag: z.string().regex(/^[a-zA-Z0-9_.\-:+=/]{1,1024}$/, 'JobTag must be 1-1024 of [a-zA-Z0-9_.-:+=/]').optional(),
});

export const getCelebrityRecognitionRequestSchema = z.object({
  JobId: z.string().regex(/^[a-zA-Z0-9-_]{1,64}$/, 'JobId must be 1-64 of [a-zA-Z0-9-_]'),
  MaxResults: z.number().int().min(1).optional(),
  NextToken: z.string().max(255).optional(),
  SortBy: z.enum(['ID', 'TIMESTAMP']).optional(),
});

export type JobStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';

/** A job as the endpoint needs it, from lib/use-cases (the video's analysis, opted-out people already unnamed). */
export interface CelebrityRecognitionJob {
  jobId: string;
  jobTag: string | null;
  videoId: string;
  status: 'queued' | 'processing' | 'done' | 'failed';
  statusMessage: string | null;
  metadata: VideoProbe;
  persons: VideoPerson[];
  /** The S3 object the job was started on, or null for an upload id. */
  source: { bucket: string; name: string } | null;
}

/** What the endpoint asks of the app for the two operations (lib/use-cases/rekognition-api implements it). */
export interface VideoJobsPort {
  /** Null when no video has this id. `created: false` for a repeated ClientRequestToken, with the first job's video id. */
  start(request: { videoId: string; clientRequestToken?: string; jobTag?: string }): Promise<{ jobId: string; videoId: string } | null>;
  get(jobId: string): Promise<CelebrityRecognitionJob | null>;
  /** The S3 bucket videos are read from (S3_BUCKET), or null without one. */
  bucket(): string | null;
  /**
   * A job on the object `name` of bucket(): read, checked and queued by the app (AppError for a video it
   * cannot take). Null when the bucket has no such object. For a repeated ClientRequestToken, the first
   * job and the object it was started on.
   */
  startFromBucket(request: { name: string; clientRequestToken?: string; jobTag?: string }): Promise<{ jobId: string; source: { bucket: string; name: string } | null } | null>;
}

/** Names under which the app keeps its own objects in the bucket: never read as a client's video. */
const OWN_PREFIXES = ['photos/', 'faces/', 'videos/', 'gallery-faces/'];

/** AppErrors of reading a client's video, as AWS names them for StartCelebrityRecognition. */
function videoAwsError(error: unknown, bucket: string, name: string): unknown {
  if (!(error instanceof AppError)) return error;
  const where = `s3://${bucket}/${name}`;
  if (error.code === 'too_large') return new AwsError('VideoTooLargeException', `${where}: ${error.message}`, { cause: error });
  if (['unsupported_type', 'no_video_stream', 'too_long', 'invalid_input'].includes(error.code)) {
    return new AwsError('InvalidParameterException', `${where}: ${error.message}`, { cause: error });
  }
  return error;
}

async function startFromBucket(request: z.infer<typeof startCelebrityRecognitionRequestSchema>, port: VideoJobsPort, bucket: string, name: string): Promise<{ JobId: string }> {
  if (OWN_PREFIXES.some((prefix) => name.startsWith(prefix))) {
    throw new AwsError('AccessDeniedException', `The objects under ${OWN_PREFIXES.join(', ')} of s3://${bucket} are this server's own: put the video under another key.`);
  }
  let started: Awaited<ReturnType<VideoJobsPort['startFromBucket']>>;
  try {
    started = await port.startFromBucket({ name, clientRequestToken: request.ClientRequestToken, jobTag: request.JobTag });
  } catch (error) {
    throw videoAwsError(error, bucket, name);
  }
  // AWS's own words for an object it cannot find.
  if (!started) throw new AwsError('InvalidS3ObjectException', `Unable to get object metadata from S3. Check object key, region and/or access permissions. (s3://${bucket}/${name})`);
  if (started.source?.bucket !== bucket || started.source.name !== name) {
    throw new AwsError('IdempotentParameterMismatchException', 'This ClientRequestToken was used to start a job on another video.');
  }
  return { JobId: started.jobId };
}

/** One CelebrityRecognition: a named person as seen in one sampled frame. */
export interface CelebrityRecognition {
  Timestamp: number;
  Celebrity: {
    Urls: string[];
    Name: string;
    Id: string;
    Confidence: number;
    BoundingBox: BoundingBox;
    Face: { BoundingBox: BoundingBox; Confidence: number };
    KnownGender?: { Type: string };
  };
}

export interface GetCelebrityRecognitionResponse {
  JobId: string;
  JobStatus: JobStatus;
  StatusMessage?: string;
  VideoMetadata: { Codec: string; DurationMillis: number; Format: string; FrameRate: number; FrameHeight: number; FrameWidth: number; ColorRange: 'FULL' | 'LIMITED' };
  Video: { S3Object: { Bucket: string; Name: string } };
  JobTag?: string;
  Celebrities: CelebrityRecognition[];
  NextToken?: string;
}

export async function startCelebrityRecognition(request: z.infer<typeof startCelebrityRecognitionRequestSchema>, port: VideoJobsPort): Promise<{ JobId: string }> {
  const object = request.Video.S3Object;
  if (request.NotificationChannel) {
    throw new AwsError('InvalidParameterException', 'NotificationChannel is not supported by this server: poll GetCelebrityRecognition until JobStatus is SUCCEEDED or FAILED.');
  }
  const bucket = port.bucket();
  if (!object?.Name) throw new AwsError('InvalidParameterException', 'Video.S3Object.Bucket and Video.S3Object.Name are required.');
  if (bucket && object.Bucket === bucket) return startFromBucket(request, port, bucket, object.Name);
  if (object.Bucket !== UPLOADS_BUCKET) {
    if (bucket) {
      throw new AwsError('AccessDeniedException', `This server reads videos only from its bucket "${bucket}" (or an upload id with the bucket "${UPLOADS_BUCKET}"); it has no access to "${object.Bucket ?? ''}".`);
    }
    throw new AwsError('InvalidS3ObjectException', `This server has no S3 bucket: set Video.S3Object.Bucket to "${UPLOADS_BUCKET}" and Name to the id POST /api/videos answered.`);
  }
  const started = await port.start({ videoId: object.Name, clientRequestToken: request.ClientRequestToken, jobTag: request.JobTag });
  if (!started) throw new AwsError('InvalidS3ObjectException', `No uploaded video with the id "${object.Name}".`);
  if (started.videoId !== object.Name) {
    throw new AwsError('IdempotentParameterMismatchException', 'This ClientRequestToken was used to start a job on another video.');
  }
  return { JobId: started.jobId };
}

const jobStatus: Record<CelebrityRecognitionJob['status'], JobStatus> = { queued: 'IN_PROGRESS', processing: 'IN_PROGRESS', done: 'SUCCEEDED', failed: 'FAILED' };

/** Every named person's sightings as AWS lists them: one CelebrityRecognition per person per sampled frame. */
export function celebrityRecognitions(persons: readonly VideoPerson[]): CelebrityRecognition[] {
  return persons
    .filter((person) => person.kind === 'celebrity')
    .flatMap((person) => person.appearances.flatMap((appearance) => appearance.sightings.map((s): CelebrityRecognition => ({
      Timestamp: s.timeMs,
      Celebrity: {
        Urls: [...person.urls],
        Name: person.name,
        Id: person.id,
        Confidence: round(s.matchConfidence ?? appearance.confidence),
        BoundingBox: s.box,
        Face: { BoundingBox: s.box, Confidence: round(s.confidence) },
        ...(person.knownGender ? { KnownGender: { Type: person.knownGender } } : {}),
      },
    }))));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** TIMESTAMP (AWS's default): by time, then id; ID: by celebrity id, then time. */
export function sortRecognitions(items: CelebrityRecognition[], sortBy: 'ID' | 'TIMESTAMP'): CelebrityRecognition[] {
  const byTime = (a: CelebrityRecognition, b: CelebrityRecognition) => a.Timestamp - b.Timestamp;
  const byId = (a: CelebrityRecognition, b: CelebrityRecognition) => (a.Celebrity.Id < b.Celebrity.Id ? -1 : a.Celebrity.Id > b.Celebrity.Id ? 1 : 0);
  return [...items].sort(sortBy === 'ID' ? (a, b) => byId(a, b) || byTime(a, b) : (a, b) => byTime(a, b) || byId(a, b));
}

interface PageToken {
  j: string;
  s: 'ID' | 'TIMESTAMP';
  o: number;
}

export function encodeNextToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeNextToken(value: string, jobId: string, sortBy: 'ID' | 'TIMESTAMP'): number {
  try {
    const token = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<PageToken>;
    if (token.j === jobId && token.s === sortBy && Number.isInteger(token.o) && token.o! > 0) return token.o!;
  } catch {
    // Refused below.
  }
  throw new AwsError('InvalidPaginationTokenException', 'NextToken is not one this job gave with this SortBy.');
}

/** One page of a job's celebrities, shaped as GetCelebrityRecognition answers. */
export function celebrityRecognitionPage(job: CelebrityRecognitionJob, request: z.infer<typeof getCelebrityRecognitionRequestSchema>): GetCelebrityRecognitionResponse {
  const sortBy = request.SortBy ?? 'TIMESTAMP';
  const maxResults = Math.min(request.MaxResults ?? MAX_RESULTS, MAX_RESULTS);
  const offset = request.NextToken ? decodeNextToken(request.NextToken, job.jobId, sortBy) : 0;
  const status = jobStatus[job.status];
  const all = status === 'SUCCEEDED' ? sortRecognitions(celebrityRecognitions(job.persons), sortBy) : [];
  const page = all.slice(offset, offset + maxResults);
  const next = offset + maxResults < all.length ? encodeNextToken({ j: job.jobId, s: sortBy, o: offset + maxResults }) : undefined;
  const { metadata } = job;
  return {
    JobId: job.jobId,
    JobStatus: status,
    ...(status === 'FAILED' && job.statusMessage ? { StatusMessage: job.statusMessage } : {}),
    VideoMetadata: {
      Codec: metadata.codec,
      DurationMillis: metadata.durationMs,
      Format: metadata.format,
      FrameRate: metadata.frameRate,
      FrameHeight: metadata.height,
      FrameWidth: metadata.width,
      ColorRange: metadata.colorRange,
    },
    Video: { S3Object: job.source ? { Bucket: job.source.bucket, Name: job.source.name } : { Bucket: UPLOADS_BUCKET, Name: job.videoId } },
    ...(job.jobTag ? { JobTag: job.jobTag } : {}),
    Celebrities: page,
    ...(next ? { NextToken: next } : {}),
  };
}

export async function getCelebrityRecognition(request: z.infer<typeof getCelebrityRecognitionRequestSchema>, port: VideoJobsPort): Promise<GetCelebrityRecognitionResponse> {
  const job = await port.get(request.JobId);
  if (!job) throw new AwsError('ResourceNotFoundException', `No job with the id "${request.JobId}".`);
  return celebrityRecognitionPage(job, request);
}
