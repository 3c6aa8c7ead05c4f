/**
 * Contract tests: the real @aws-sdk/client-rekognition against this app's /api/rekognition, served by a
 * production build (`next start`) with the local engine and a tiny gallery built by the import CLI.
 * The signature check is on, so every call here is also a SigV4 round trip with the SDK's own signer.
 */
import {
  type Celebrity,
  type ComparedFace,
  EmotionName,
  GetCelebrityInfoCommand,
  ImageTooLargeException,
  InvalidImageFormatException,
  InvalidParameterException,
  KnownGenderType,
  LandmarkType,
  RecognizeCelebritiesCommand,
  RekognitionClient,
  RekognitionServiceException,
  ResourceNotFoundException,
} from '@aws-sdk/client-rekognition';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureProductionBuild, startApp, type RunningApp } from './app-server';
import { readDatasetFile } from './datasets';
import { signedFetch } from './signed-fetch';
import { buildTinyGallery, PEOPLE } from './tiny-gallery';

const PORT = 3201;
const DATA_DIR = '/tmp/cf-rekognition/contract';
const KEYS = { accessKeyId: 'AKIDCONTRACTTEST', secretAccessKey: 'contract-test-secret' };

let app: RunningApp;

function client(secretAccessKey = KEYS.secretAccessKey, accessKeyId = KEYS.accessKeyId): RekognitionClient {
  return new RekognitionClient({
    region: 'us-east-1',
    endpoint: `${app.baseUrl}/api/rekognition`,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
}

async function recognize(bytes: Uint8Array) {
  return client().send(new RecognizeCelebritiesCommand({ Image: { Bytes: bytes } }));
}

/** Catches what the SDK throws so the test can assert its class. */
async function thrownBy(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected the call to fail'),
    (error: unknown) => error,
  );
}

function expectComparedFace(face: ComparedFace | undefined): void {
  expect(face).toBeDefined();
  const box = face!.BoundingBox!;
  for (const value of [box.Width, box.Height, box.Left, box.Top]) expect(typeof value).toBe('number');
  expect(box.Width).toBeGreaterThan(0);
  expect(box.Width).toBeLessThanOrEqual(1);
  expect(box.Height).toBeGreaterThan(0);
  expect(box.Height).toBeLessThanOrEqual(1);
  expect(face!.Confidence).toBeGreaterThanOrEqual(0);
  expect(face!.Confidence).toBeLessThanOrEqual(100);
  for (const landmark of face!.Landmarks ?? []) {
    expect(Object.values(LandmarkType)).toContain(landmark.Type);
    expect(typeof landmark.X).toBe('number');
    expect(typeof landmark.Y).toBe('number');
  }
  for (const emotion of face!.Emotions ?? []) expect(Object.values(EmotionName)).toContain(emotion.Type);
  // Optional in the SDK model: absent is valid, present must be in range.
  expect(Object.values(face!.Pose ?? {}).every((angle) => typeof angle === 'number' && Math.abs(angle) <= 180)).toBe(true);
}

function expectCelebrity(celebrity: Celebrity): void {
  expect(typeof celebrity.Name).toBe('string');
  expect(celebrity.Id).toMatch(/^[0-9A-Za-z]+$/);
  expect(Array.isArray(celebrity.Urls)).toBe(true);
  for (const url of celebrity.Urls!) expect(typeof url).toBe('string');
  expect(celebrity.MatchConfidence).toBeGreaterThanOrEqual(0);
  expect(celebrity.MatchConfidence).toBeLessThanOrEqual(100);
  // Optional in Rekognition's model; the import leaves it out when the gender votes tie.
  expect([undefined, ...Object.values(KnownGenderType)]).toContain(celebrity.KnownGender?.Type);
  expectComparedFace(celebrity.Face);
}

beforeAll(async () => {
  ensureProductionBuild();
  await buildTinyGallery(DATA_DIR);
  app = await startApp(PORT, {
    RECOGNIZER: 'local',
    DATA_DIR,
    REKOGNITION_ACCESS_KEY_ID: KEYS.accessKeyId,
    REKOGNITION_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
  });
}, 900_000);

afterAll(async () => {
  await app?.stop();
});

describe('RecognizeCelebrities through the AWS SDK', () => {
  it.each([
    ['face_recognition_ageitgey/examples/knn_examples/test/obama_and_biden.jpg', ['Barack Obama', 'Joe Biden']],
    ['face_recognition_ageitgey/examples/knn_examples/test/kit_with_rose.jpg', ['Kit Harington', 'Rose Leslie']],
    ['face_recognition_ageitgey/examples/knn_examples/test/obama1.jpg', ['Barack Obama']],
  ])('%s names %j with SDK-typed fields', async (photo, names) => {
    const result = await recognize(await readDatasetFile(`raw/${photo}`));
    expect(result.$metadata.httpStatusCode).toBe(200);
    expect(result.$metadata.requestId).toMatch(/\S/);
    const found = result.CelebrityFaces!.map((celebrity) => celebrity.Name).sort();
    expect(found).toEqual(expect.arrayContaining(names));
    result.CelebrityFaces!.forEach(expectCelebrity);
    result.UnrecognizedFaces!.forEach(expectComparedFace);
  });

  it('accepts a PNG', async () => {
    // A clear face as lossless PNG: the answer must not depend on the container. (alex-lacamoire.png's face
    // scores 0.421, just under the default threshold, so it says more about the threshold than about PNG.)
    const png = await sharp(await readDatasetFile('raw/face_recognition_ageitgey/examples/knn_examples/test/obama1.jpg')).png().toBuffer();
    const result = await recognize(new Uint8Array(png));
    expect(result.CelebrityFaces!.map((celebrity) => celebrity.Name)).toContain('Barack Obama');
  });

  it('answers a text file with InvalidImageFormatException', async () => {
    const error = await thrownBy(recognize(new TextEncoder().encode('this is not a photo, just text\n')));
    expect(error).toBeInstanceOf(InvalidImageFormatException);
    expect((error as RekognitionServiceException).$metadata.httpStatusCode).toBe(400);
  });

  it('answers a 6 MB image with ImageTooLargeException', async () => {
    const photo = await readDatasetFile('raw/face_recognition_ageitgey/examples/obama.jpg');
    const sixMegabytes = new Uint8Array(6 * 1024 * 1024);
    sixMegabytes.set(photo);
    const error = await thrownBy(recognize(sixMegabytes));
    expect(error).toBeInstanceOf(ImageTooLargeException);
  });

  it('answers an S3Object with InvalidParameterException', async () => {
    const error = await thrownBy(
      client().send(new RecognizeCelebritiesCommand({ Image: { S3Object: { Bucket: 'photos', Name: 'a.jpg' } } })),
    );
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect((error as Error).message).toMatch(/S3Object/);
  });
});

describe('GetCelebrityInfo through the AWS SDK', () => {
  it('returns the name and URLs of a celebrity found in a photo', async () => {
    const result = await recognize(await readDatasetFile('raw/face_recognition_ageitgey/examples/knn_examples/test/kit_with_rose.jpg'));
    const kit = result.CelebrityFaces!.find((celebrity) => celebrity.Name === 'Kit Harington');
    const info = await client().send(new GetCelebrityInfoCommand({ Id: kit!.Id! }));
    expect(info.Name).toBe('Kit Harington');
    expect(info.Urls).toContain(PEOPLE.find((person) => person.name === 'Kit Harington')!.url);
  });

  it('answers an unknown id with ResourceNotFoundException', async () => {
    const error = await thrownBy(client().send(new GetCelebrityInfoCommand({ Id: 'Zz9NoSuchCelebrity' })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('signature check (REKOGNITION_ACCESS_KEY_ID / REKOGNITION_SECRET_ACCESS_KEY set)', () => {
  it('refuses a wrong secret with InvalidSignatureException (403)', async () => {
    const error = await thrownBy(client('not-the-secret').send(new GetCelebrityInfoCommand({ Id: 'Zz9NoSuchCelebrity' })));
    // Neither signature error has a class of its own in Rekognition's SDK: they arrive as its base exception.
    expect(error).toBeInstanceOf(RekognitionServiceException);
    expect((error as Error).name).toBe('InvalidSignatureException');
    expect((error as RekognitionServiceException).$metadata.httpStatusCode).toBe(403);
  });

  it('refuses an unknown access key with UnrecognizedClientException (403)', async () => {
    const error = await thrownBy(
      client(KEYS.secretAccessKey, 'AKIDSOMEONEELSE').send(new GetCelebrityInfoCommand({ Id: 'Zz9NoSuchCelebrity' })),
    );
    expect(error).toBeInstanceOf(RekognitionServiceException);
    expect((error as Error).name).toBe('UnrecognizedClientException');
    expect((error as RekognitionServiceException).$metadata.httpStatusCode).toBe(403);
  });

  it('accepts the right secret', async () => {
    const result = await recognize(await readDatasetFile('raw/face_recognition_ageitgey/examples/knn_examples/test/obama1.jpg'));
    expect(result.$metadata.httpStatusCode).toBe(200);
  });

  it('refuses an unsigned request', async () => {
    const response = await fetch(`${app.baseUrl}/api/rekognition/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RekognitionService.GetCelebrityInfo' },
      body: JSON.stringify({ Id: 'abc' }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-requestid')).toMatch(/\S/);
    expect((await response.json()).__type).toBe('UnrecognizedClientException');
  });
});

describe('AWS JSON 1.1 wire protocol', () => {
  const send = (target: string, body: string) => signedFetch(`${app.baseUrl}/api/rekognition/`, KEYS, target, body);

  it('answers an unknown X-Amz-Target with UnknownOperationException and a request id', async () => {
    const response = await send('RekognitionService.DetectFaces', '{}');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/\S/);
    const body = await response.json();
    expect(body.__type).toBe('UnknownOperationException');
    expect(typeof body.Message).toBe('string');
  });

  it('answers a body that is not JSON with SerializationException', async () => {
    const response = await send('RekognitionService.GetCelebrityInfo', '{"Id": ');
    expect(response.status).toBe(400);
    expect((await response.json()).__type).toBe('SerializationException');
  });

  it('answers invalid Image.Bytes with InvalidParameterException', async () => {
    const response = await send('RekognitionService.RecognizeCelebrities', JSON.stringify({ Image: { Bytes: '***' } }));
    expect(response.status).toBe(400);
    expect((await response.json()).__type).toBe('InvalidParameterException');
  });
});
