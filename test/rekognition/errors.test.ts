import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AccessDeniedException,
  ImageTooLargeException,
  InternalServerError,
  InvalidImageFormatException,
  InvalidParameterException,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-rekognition';
import { CredentialsProviderError } from '@smithy/core/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, errorResponse } from '@/lib/errors';
import { createRekognitionRecognizer } from '@/lib/recognizer/rekognition';
import { mapRekognitionError } from '@/lib/recognizer/rekognition-errors';
import { readDatasetFile } from './datasets';

const meta = { $metadata: {} };

describe('mapRekognitionError with the SDK exception classes', () => {
  it.each([
    [new InvalidImageFormatException({ message: 'Request has invalid image format', ...meta }), 'unsupported_type', 415],
    [new ImageTooLargeException({ message: 'Image size is too large', ...meta }), 'too_large', 413],
    [new InvalidParameterException({ message: 'Request has invalid parameters', ...meta }), 'invalid_input', 400],
    [new ResourceNotFoundException({ message: 'Celebrity not found', ...meta }), 'not_found', 404],
    [new AccessDeniedException({ message: 'not authorized', ...meta }), 'upstream_config', 502],
    [new InternalServerError({ message: 'oops', ...meta }), 'upstream_error', 502],
  ])('%s → %s', (sdkError, code, status) => {
    const mapped = mapRekognitionError(sdkError);
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped.code).toBe(code);
    expect(mapped.status).toBe(status);
    expect(mapped.cause).toBe(sdkError);
  });

  it.each([
    new ThrottlingException({ message: 'Rate exceeded', ...meta }),
    new ProvisionedThroughputExceededException({ message: 'Provisioned rate exceeded', ...meta }),
  ])('throttling (%s) becomes 503 with Retry-After', async (sdkError) => {
    const response = errorResponse(mapRekognitionError(sdkError));
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await response.json()).error.code).toBe('busy');
  });

  it('says what to configure when access is denied or credentials are missing', () => {
    for (const error of [
      new AccessDeniedException({ message: 'User is not authorized to perform: rekognition:RecognizeCelebrities', ...meta }),
      new CredentialsProviderError('Could not load credentials from any providers'),
    ]) {
      const mapped = mapRekognitionError(error);
      expect(mapped.status).toBe(502);
      expect(mapped.message).toMatch(/AWS_ACCESS_KEY_ID/);
      expect(mapped.message).toMatch(/rekognition:RecognizeCelebrities/);
    }
  });

  it('names AWS_REGION when the region is missing', () => {
    const mapped = mapRekognitionError(new Error('Region is missing'));
    expect(mapped.code).toBe('upstream_config');
    expect(mapped.message).toMatch(/AWS_REGION/);
  });
});

/** A local HTTP server standing in for a misbehaving Rekognition, so the real SDK produces the errors. */
describe('gateway errors produced by the real SDK', () => {
  let server: Server;
  let endpoint: string;
  const answers: Record<string, (res: import('node:http').ServerResponse) => void> = {
    '/hang/': () => undefined,
    '/throttle/': (res) => {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r1' });
      res.end(JSON.stringify({ __type: 'ThrottlingException', Message: 'Rate exceeded' }));
    },
  };

  const savedEnv = { ...process.env };
  beforeAll(async () => {
    // The SDK signs every request, so the default chain needs some credentials; these never leave the machine.
    process.env.AWS_ACCESS_KEY_ID = 'AKIDLOCALTEST';
    process.env.AWS_SECRET_ACCESS_KEY = 'local-test-secret';
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => answers[req.url ?? '']?.(res));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    process.env = savedEnv;
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });

  const recognizerFor = (path: string, timeoutMs = 5_000) =>
    createRekognitionRecognizer({
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_REKOGNITION: `${endpoint}${path}`,
      REKOGNITION_TIMEOUT_MS: timeoutMs,
      REKOGNITION_MAX_ATTEMPTS: 1,
    });

  it('a request timeout becomes 504', async () => {
    const photo = await readDatasetFile('raw/face_recognition_ageitgey/examples/obama.jpg');
    const started = Date.now();
    await expect(recognizerFor('/hang', 400).recognizeCelebrities(photo)).rejects.toMatchObject({ code: 'upstream_timeout', status: 504 });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a ThrottlingException answer becomes 503 busy', async () => {
    await expect(recognizerFor('/throttle').getCelebrityInfo('1XY2Z')).rejects.toMatchObject({ code: 'busy', status: 503 });
  });

  it('a refused connection becomes 502', async () => {
    const dead = createRekognitionRecognizer({
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_REKOGNITION: 'http://127.0.0.1:1',
      REKOGNITION_TIMEOUT_MS: 2_000,
      REKOGNITION_MAX_ATTEMPTS: 1,
    });
    await expect(dead.getCelebrityInfo('1XY2Z')).rejects.toMatchObject({ code: 'upstream_error', status: 502 });
  });
});
