import { describe, expect, it } from 'vitest';
import type { VideoPerson } from '../video/types';
import { AppError } from '../errors';
import { AwsError } from './aws-error';
import { celebrityRecognitionPage, getCelebrityRecognition, startCelebrityRecognition, UPLOADS_BUCKET, type CelebrityRecognitionJob, type VideoJobsPort } from './video';

const box = (left: number) => ({ Left: left, Top: 0.1, Width: 0.2, Height: 0.3 });

function person(id: string, name: string, times: number[][]): VideoPerson {
  return {
    kind: 'celebrity', id, name, urls: [`https://www.imdb.com/name/${id}/`], knownGender: 'Female', confidence: 97, bestFace: { timeMs: times[0]![0]!, box: box(0.1) },
    appearances: times.map((t) => ({
      startMs: t[0]! - 250, endMs: t.at(-1)! + 250, boundingBox: box(0.1), confidence: 97,
      sightings: t.map((timeMs, i) => ({ timeMs, box: box(0.1 + i / 100), confidence: 99.5, matchConfidence: i === 0 ? 96 : null })),
    })),
  };
}

const job: CelebrityRecognitionJob = {
  jobId: 'job1', jobTag: 'tag-1', videoId: 'video1', status: 'done', statusMessage: null, source: null,
  metadata: { container: 'mp4', format: 'mov,mp4,m4a,3gp,3g2,mj2', codec: 'h264', durationMs: 10_000, width: 1280, height: 720, frameRate: 30, colorRange: 'LIMITED' },
  persons: [
    person('zB', 'Bea', [[1000, 1500], [6000]]),
    person('aA', 'Abe', [[500, 1000, 1500]]),
    { ...person('unknown-1', 'Unknown person 1', [[2000, 2500]]), kind: 'unknown', urls: [] },
  ],
};

describe('GetCelebrityRecognition', () => {
  it('lists every sighting of a named person, by time then id (TIMESTAMP, the default), unknown persons left out', () => {
    const page = celebrityRecognitionPage(job, { JobId: 'job1' });
    expect(page.Celebrities.map((c) => [c.Timestamp, c.Celebrity.Id])).toEqual([[500, 'aA'], [1000, 'aA'], [1000, 'zB'], [1500, 'aA'], [1500, 'zB'], [6000, 'zB']]);
    expect(page).toMatchObject({
      JobId: 'job1', JobStatus: 'SUCCEEDED', JobTag: 'tag-1', Video: { S3Object: { Bucket: UPLOADS_BUCKET, Name: 'video1' } },
      VideoMetadata: { Codec: 'h264', DurationMillis: 10_000, Format: 'mov,mp4,m4a,3gp,3g2,mj2', FrameRate: 30, FrameHeight: 720, FrameWidth: 1280, ColorRange: 'LIMITED' },
    });
    expect(page.NextToken).toBeUndefined();
    expect(page.Celebrities[0]).toEqual({
      Timestamp: 500,
      Celebrity: {
        Urls: ['https://www.imdb.com/name/aA/'], Name: 'Abe', Id: 'aA', Confidence: 96, BoundingBox: box(0.1),
        Face: { BoundingBox: box(0.1), Confidence: 99.5 }, KnownGender: { Type: 'Female' },
      },
    });
    // A frame that did not match on its own carries its appearance's confidence.
    expect(page.Celebrities[1]!.Celebrity.Confidence).toBe(97);
  });

  it('sorts by celebrity id then time with SortBy ID', () => {
    const page = celebrityRecognitionPage(job, { JobId: 'job1', SortBy: 'ID' });
    expect(page.Celebrities.map((c) => [c.Celebrity.Id, c.Timestamp])).toEqual([['aA', 500], ['aA', 1000], ['aA', 1500], ['zB', 1000], ['zB', 1500], ['zB', 6000]]);
  });

  it('pages with MaxResults and NextToken until the last page, which has no token', () => {
    const seen: number[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = celebrityRecognitionPage(job, { JobId: 'job1', SortBy: 'ID', MaxResults: 4, ...(token ? { NextToken: token } : {}) });
      seen.push(...page.Celebrities.map((c) => c.Timestamp));
      token = page.NextToken;
      pages += 1;
    } while (token);
    expect(pages).toBe(2);
    expect(seen).toEqual([500, 1000, 1500, 1000, 1500, 6000]);
  });

  it('refuses a token of another job or sort order', () => {
    const first = celebrityRecognitionPage(job, { JobId: 'job1', MaxResults: 2 });
    expect(() => celebrityRecognitionPage(job, { JobId: 'job1', SortBy: 'ID', NextToken: first.NextToken! })).toThrow(AwsError);
    expect(() => celebrityRecognitionPage({ ...job, jobId: 'job2' }, { JobId: 'job2', NextToken: first.NextToken! })).toThrow(/NextToken/);
    expect(() => celebrityRecognitionPage(job, { JobId: 'job1', NextToken: 'garbage' })).toThrow(/NextToken/);
  });

  it('answers IN_PROGRESS without celebrities while the job runs, and FAILED with its message', () => {
    expect(celebrityRecognitionPage({ ...job, status: 'processing' }, { JobId: 'job1' })).toMatchObject({ JobStatus: 'IN_PROGRESS', Celebrities: [] });
    expect(celebrityRecognitionPage({ ...job, status: 'queued' }, { JobId: 'job1' }).JobStatus).toBe('IN_PROGRESS');
    expect(celebrityRecognitionPage({ ...job, status: 'failed', statusMessage: 'damaged' }, { JobId: 'job1' })).toMatchObject({ JobStatus: 'FAILED', StatusMessage: 'damaged', Celebrities: [] });
  });
});

describe('StartCelebrityRecognition', () => {
  const port: VideoJobsPort = {
    start: async ({ videoId, clientRequestToken }) => (videoId === 'video1' ? { jobId: `job-${clientRequestToken ?? 'x'}`, videoId: clientRequestToken === 'used' ? 'other' : videoId } : null),
    get: async (jobId) => (jobId === 'job1' ? job : null),
    bucket: () => null,
    startFromBucket: async () => {
      throw new Error('no bucket');
    },
  };
  const typeOf = (promise: Promise<unknown>) => promise.then(() => 'resolved', (error: unknown) => (error as AwsError).type);

  it('starts a job on an uploaded video named as an object of the uploads bucket', async () => {
    expect(await startCelebrityRecognition({ Video: { S3Object: { Bucket: UPLOADS_BUCKET, Name: 'video1' } }, ClientRequestToken: 't1' }, port)).toEqual({ JobId: 'job-t1' });
  });

  it('refuses other buckets, unknown uploads, a token reused for another video and notification channels', async () => {
    expect(await typeOf(startCelebrityRecognition({ Video: { S3Object: { Bucket: 'my-bucket', Name: 'video1' } } }, port))).toBe('InvalidS3ObjectException');
    expect(await typeOf(startCelebrityRecognition({ Video: { S3Object: { Bucket: UPLOADS_BUCKET, Name: 'nope' } } }, port))).toBe('InvalidS3ObjectException');
    expect(await typeOf(startCelebrityRecognition({ Video: { S3Object: { Bucket: UPLOADS_BUCKET, Name: 'video1' } }, ClientRequestToken: 'used' }, port))).toBe('IdempotentParameterMismatchException');
    expect(await typeOf(startCelebrityRecognition({ Video: { S3Object: { Bucket: UPLOADS_BUCKET, Name: 'video1' } }, NotificationChannel: { SNSTopicArn: 'a', RoleArn: 'b' } }, port))).toBe('InvalidParameterException');
    expect(await typeOf(getCelebrityRecognition({ JobId: 'missing' }, port))).toBe('ResourceNotFoundException');
  });
});

describe('StartCelebrityRecognition with an S3 bucket configured', () => {
  const started: string[] = [];
  const port: VideoJobsPort = {
    start: async ({ videoId }) => (videoId === 'video1' ? { jobId: 'upload-job', videoId } : null),
    get: async (jobId) => (jobId === 'job1' ? { ...job, source: { bucket: 'finder-videos', name: 'in/clip.mp4' } } : null),
    bucket: () => 'finder-videos',
    async startFromBucket({ name, clientRequestToken }) {
      started.push(name);
      if (name === 'in/missing.mp4') return null;
      if (name === 'in/big.mp4') throw new AppError('too_large', 'The video is 300 MB; the limit is 200 MB.');
      if (name === 'in/song.mp3') throw new AppError('unsupported_type', 'This file is not a video we can read.');
      if (clientRequestToken === 'used') return { jobId: 'first', source: { bucket: 'finder-videos', name: 'in/other.mp4' } };
      return { jobId: 's3-job', source: { bucket: 'finder-videos', name } };
    },
  };
  const s3 = (Bucket: string, Name: string) => ({ Video: { S3Object: { Bucket, Name } } });
  const typeOf = (promise: Promise<unknown>) => promise.then(() => 'resolved', (error: unknown) => (error as AwsError).type);

  it('reads an object of the configured bucket, and still takes upload ids', async () => {
    expect(await startCelebrityRecognition(s3('finder-videos', 'in/clip.mp4'), port)).toEqual({ JobId: 's3-job' });
    expect(await startCelebrityRecognition(s3(UPLOADS_BUCKET, 'video1'), port)).toEqual({ JobId: 'upload-job' });
    expect(celebrityRecognitionPage((await port.get('job1'))!, { JobId: 'job1' }).Video).toEqual({ S3Object: { Bucket: 'finder-videos', Name: 'in/clip.mp4' } });
  });

  it("answers as AWS does: another bucket, a missing key, the server's own objects, a too large or unreadable video, a reused token", async () => {
    started.length = 0;
    expect(await typeOf(startCelebrityRecognition(s3('someone-elses', 'in/clip.mp4'), port))).toBe('AccessDeniedException');
    expect(await typeOf(startCelebrityRecognition(s3('finder-videos', 'in/missing.mp4'), port))).toBe('InvalidS3ObjectException');
    expect(await typeOf(startCelebrityRecognition(s3('finder-videos', 'photos/abc.jpg'), port))).toBe('AccessDeniedException');
    expect(await typeOf(startCelebrityRecognition(s3('finder-videos', 'in/big.mp4'), port))).toBe('VideoTooLargeException');
    expect(await typeOf(startCelebrityRecognition(s3('finder-videos', 'in/song.mp3'), port))).toBe('InvalidParameterException');
    expect(await typeOf(startCelebrityRecognition({ ...s3('finder-videos', 'in/clip.mp4'), ClientRequestToken: 'used' }, port))).toBe('IdempotentParameterMismatchException');
    // Neither another bucket nor the server's own keys were read.
    expect(started).toEqual(['in/missing.mp4', 'in/big.mp4', 'in/song.mp3', 'in/clip.mp4']);
  });
});
