/**
 * An S3-compatible server on the loopback for tests and benchmarks: s3rver (npm, MIT), a Koa server that
 * speaks S3's REST/XML protocol (path-style PutObject, GetObject, DeleteObjects, ListObjectsV2 with
 * continuation tokens, NoSuchKey errors) and keeps objects in a folder. It stands in for S3 only: the app
 * talks to it through the real @aws-sdk/client-s3, exactly as to AWS. Known limits: it checks the access
 * key id of a SigV4 request but not the signature, and it has no versioning or lifecycle rules.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface S3Server {
  endpoint: string;
  bucket: string;
  /** s3rver's built-in account. */
  accessKeyId: string;
  secretAccessKey: string;
  /** Environment for the app: the AWS SDK's settings plus ours. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startS3(options: { bucket?: string; parent?: string } = {}): Promise<S3Server> {
  const bucket = options.bucket ?? 'celebrity-photos';
  const directory = mkdtempSync(join(options.parent ?? tmpdir(), 'cf-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const accessKeyId = 'S3RVER';
  const secretAccessKey = 'S3RVER';
  return {
    endpoint,
    bucket,
    accessKeyId,
    secretAccessKey,
    env: {
      S3_BUCKET: bucket, AWS_ENDPOINT_URL_S3: endpoint, S3_FORCE_PATH_STYLE: '1', AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey,
    },
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
