import 'server-only';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { getConfig } from '../config';
import { AppError } from '../errors';
import { log } from '../observability/log';
import { clientBucketFor, getVideoStore } from '../store';
import type { VideoJobsPort } from '../rekognition-endpoint/video';
import { queueVideoFile, videoLimits } from './upload-video';
import { getVideo } from './videos';

const S3_URI = /^s3:\/\/([^/]+)\/(.+)$/s;

function parseSource(source: string | null): { bucket: string; name: string } | null {
  const match = source ? S3_URI.exec(source) : null;
  return match ? { bucket: match[1]!, name: match[2]! } : null;
}

/** The longest a client's video may take to arrive from the bucket before StartCelebrityRecognition gives up. */
const FETCH_TIMEOUT_MS = 120_000;

/**
 * StartCelebrityRecognition / GetCelebrityRecognition over our video jobs: a Rekognition job names an
 * uploaded video's analysis (started by the upload), read through getVideo so opted-out people stay unnamed.
 * With S3_BUCKET, a job may name an object of the bucket: it is fetched to this host's disk, checked and
 * queued like an upload (the client's object stays as it is; our copy follows the video's lifetime).
 */
export const videoJobsPort: VideoJobsPort = {
  async start({ videoId, clientRequestToken, jobTag }) {
    const store = getVideoStore();
    if (!(await store.get(videoId))) return null;
    const { job } = await store.createRecognitionJob({ videoId, clientRequestToken, jobTag });
    return { jobId: job.jobId, videoId: job.videoId };
  },
  bucket: () => getConfig().S3_BUCKET ?? null,
  async startFromBucket({ name, clientRequestToken, jobTag }) {
    const client = clientBucketFor(getConfig());
    if (!client) return null;
    const store = getVideoStore();
    if (clientRequestToken) {
      const existing = await store.getRecognitionJobByToken(clientRequestToken);
      if (existing) return { jobId: existing.jobId, source: parseSource(existing.source) };
    }
    const size = await client.objects.size(name);
    if (size === null) return null;
    const maxBytes = videoLimits().maxBytes;
    if (size > maxBytes) throw new AppError('too_large', `The video is ${Math.ceil(size / 1024 / 1024)} MB; the limit is ${Math.round(maxBytes / 1024 / 1024)} MB.`);
    const dot = name.lastIndexOf('.');
    const path = store.incomingPath(dot > 0 ? name.slice(dot + 1).toLowerCase() : 'video');
    const started = performance.now();
    try {
      const pieces = size > 0 ? await client.objects.readRange(name, 0, size - 1) : (async function* empty() {})();
      if (!pieces) return null;
      await pipeline(Readable.from(pieces, { objectMode: false }), createWriteStream(path), { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    } catch (error) {
      await store.discardIncoming(path);
      throw error;
    }
    log.info({ bucket: client.bucket, key: name, bytes: size, ms: Math.round(performance.now() - started) }, 'video: object read from the bucket');
    const video = await queueVideoFile(path, size);
    const source = { bucket: client.bucket, name };
    const { job } = await store.createRecognitionJob({ videoId: video.id, clientRequestToken, jobTag, source: `s3://${source.bucket}/${source.name}` });
    return { jobId: job.jobId, source: parseSource(job.source) };
  },
  async get(jobId) {
    const job = await getVideoStore().getRecognitionJob(jobId);
    const view = job ? await getVideo(job.videoId) : null;
    if (!job || !view) return null;
    return {
      jobId: job.jobId,
      jobTag: job.jobTag,
      videoId: job.videoId,
      status: view.status,
      statusMessage: view.statusMessage,
      metadata: view.video,
      persons: view.persons,
      source: parseSource(job.source),
    };
  },
};
