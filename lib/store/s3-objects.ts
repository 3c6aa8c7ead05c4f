import { open } from 'node:fs/promises';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, DeleteObjectsCommand, GetObjectCommand,
  HeadObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException, UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { ObjectListing, ObjectStorage } from './objects';

/**
 * The S3 gateway: the only module that talks to S3 (@aws-sdk/client-s3). Region, credentials and the
 * endpoint come from the AWS SDK's usual chain (AWS_REGION, an instance role or AWS_ACCESS_KEY_ID/…,
 * AWS_ENDPOINT_URL_S3 for an S3-compatible store). Objects are private: the app reads them and serves
 * them itself, so the bucket needs no public access and no presigned URLs leave the server.
 */
export interface S3Settings {
  bucket: string;
  /** Prepended to every key ('' or ending in '/'). */
  prefix: string;
  region?: string;
  endpoint?: string;
  forcePathStyle: boolean;
  timeoutMs: number;
  maxAttempts: number;
  /** Explicit credentials (tests); otherwise the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Multipart parts of large files (videos): S3's minimum part is 5 MiB; each part is retried on its own. */
export const PART_BYTES = 8 * 1024 * 1024;

function isMissing(error: unknown): boolean {
  return error instanceof NoSuchKey || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404);
}

export function createS3Objects(settings: S3Settings): ObjectStorage {
  const client = new S3Client({
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    forcePathStyle: settings.forcePathStyle,
    maxAttempts: settings.maxAttempts,
    requestHandler: { requestTimeout: settings.timeoutMs, connectionTimeout: settings.timeoutMs },
  });
  const { bucket, prefix } = settings;
  const full = (key: string) => prefix + key;

  return {
    description: `s3://${bucket}/${prefix}`,
    async put(key, bytes, contentType) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: full(key), Body: bytes, ContentType: contentType, ContentLength: bytes.byteLength }));
    },
    async putFile(key, path, size, contentType) {
      const file = await open(path, 'r');
      const read = async (offset: number, length: number) => {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await file.read(buffer, 0, length, offset);
        if (bytesRead !== length) throw new Error(`${path} is shorter than ${size} bytes`);
        return buffer;
      };
      try {
        if (size <= PART_BYTES) {
          await client.send(new PutObjectCommand({ Bucket: bucket, Key: full(key), Body: await read(0, size), ContentType: contentType, ContentLength: size }));
          return;
        }
        // A part in memory at a time, each a Buffer the SDK can send again on a retry (a stream could not be).
        const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: full(key), ContentType: contentType }));
        try {
          const parts: Array<{ ETag: string | undefined; PartNumber: number }> = [];
          for (let offset = 0, part = 1; offset < size; offset += PART_BYTES, part += 1) {
            const length = Math.min(PART_BYTES, size - offset);
            const { ETag } = await client.send(new UploadPartCommand({ Bucket: bucket, Key: full(key), UploadId, PartNumber: part, Body: await read(offset, length), ContentLength: length }));
            parts.push({ ETag, PartNumber: part });
          }
          await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: full(key), UploadId, MultipartUpload: { Parts: parts } }));
        } catch (error) {
          // No half-uploaded parts left to bill: the upload is aborted (a lifecycle rule catches a crash here).
          await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: full(key), UploadId })).catch(() => undefined);
          throw error;
        }
      } finally {
        await file.close();
      }
    },
    async size(key) {
      try {
        return (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: full(key) }))).ContentLength ?? 0;
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async readRange(key, start, end) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: full(key), Range: `bytes=${start}-${end}` }));
        // In Node the body is the HTTP response itself: read as it arrives, with its backpressure.
        return (object.Body as AsyncIterable<Uint8Array> | undefined) ?? (async function* none() {})();
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async get(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: full(key) }));
        return object.Body ? await object.Body.transformToByteArray() : new Uint8Array(0);
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async remove(keys) {
      // DeleteObjects takes at most 1,000 keys a request.
      for (let start = 0; start < keys.length; start += 1000) {
        const batch = keys.slice(start, start + 1000);
        const answer = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((key) => ({ Key: full(key) })), Quiet: true } }));
        const failed = answer.Errors?.filter((e) => e.Code !== 'NoSuchKey') ?? [];
        if (failed.length > 0) throw new Error(`S3 refused to delete ${failed.length} objects: ${failed[0]?.Code} ${failed[0]?.Message}`);
      }
    },
    async *list(listPrefix) {
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: full(listPrefix), ContinuationToken: token }));
        const items: ObjectListing[] = (page.Contents ?? [])
          .filter((o) => o.Key !== undefined)
          .map((o) => ({ key: o.Key!.slice(prefix.length), lastModified: o.LastModified ?? new Date(0) }));
        yield items;
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
  };
}
