import 'server-only';
import { randomUUID } from 'node:crypto';
import { currentRequestId } from '../observability/log';
import type { z } from 'zod';
import { limits } from '../limits';
import type { AppConfig } from '../config';
import { AppError } from '../errors';
import { celebrityInfoSchema, recognizeCelebritiesResultSchema } from '../contract/rekognition';
import { inspectUpload } from '../images/normalize';
import type { Recognizer } from '../recognizer/types';
import { AwsError, awsErrorResponse, awsJsonResponse } from './aws-error';
import { readBodyLimited } from './body';
import { getCelebrityInfoRequestSchema, recognizeCelebritiesRequestSchema } from './schema';
import {
  getCelebrityRecognition, getCelebrityRecognitionRequestSchema, startCelebrityRecognition, startCelebrityRecognitionRequestSchema, type VideoJobsPort,
} from './video';
import { checkSignedHeaders, verifySignature, type EndpointCredentials } from './signature';

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif';

export interface EndpointOptions {
  getRecognizer: () => Promise<Recognizer>;
  /** The video jobs behind StartCelebrityRecognition / GetCelebrityRecognition (absent: those operations are unknown). */
  videos?: VideoJobsPort;
  /** When both keys are set, only requests SigV4-signed with this key pair are served. */
  config: Pick<AppConfig, 'REKOGNITION_ACCESS_KEY_ID' | 'REKOGNITION_SECRET_ACCESS_KEY'>;
  /**
   * Serve requests without a signature when no keys are set (default false: 403 AccessDeniedException).
   * The use case opens it outside production, or with REKOGNITION_ALLOW_UNSIGNED=1.
   */
  allowUnsigned?: boolean;
  /**
   * Called with the operation once the request may be served and before its body is read: the use case takes
   * the request's place in the recognition queue here, so a refusal costs nothing but the headers.
   */
  beforeBody?: (operation: string) => void;
  /** Largest decoded Image.Bytes, bytes (Rekognition: 5 MB). */
  maxImageBytes?: number;
  /** Formats Image.Bytes may have (Rekognition: JPEG and PNG). */
  formats?: readonly ImageFormat[];
}

const TARGET_PREFIX = 'RekognitionService.';
/** Room for the base64 of a somewhat-too-large image, so it still gets ImageTooLargeException after decoding. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Serves one AWS JSON 1.1 request (`X-Amz-Target: RekognitionService.<Operation>`) the way Rekognition
 * does: same request and response shapes, errors as `{"__type", "Message"}`, `x-amzn-RequestId` on every
 * answer. Never throws.
 */
export async function handleRekognitionRequest(request: Request, options: EndpointOptions): Promise<Response> {
  // The same id as X-Request-Id and the log lines, so a client's x-amzn-RequestId finds them.
  const requestId = currentRequestId() ?? randomUUID();
  try {
    if (request.method !== 'POST') {
      throw new AwsError('UnknownOperationException', 'Rekognition operations are called with POST.');
    }
    const credentials = endpointCredentialsFromConfig(options.config);
    if (!credentials && !options.allowUnsigned) {
      throw new AwsError('AccessDeniedException', 'This endpoint is closed: the server has no REKOGNITION_ACCESS_KEY_ID/REKOGNITION_SECRET_ACCESS_KEY to check signatures with, and REKOGNITION_ALLOW_UNSIGNED is not set.');
    }
    // Before the body: a request that cannot pass the signature check is refused without reading it.
    if (credentials) checkSignedHeaders(request.headers, credentials);
    const operation = (request.headers.get('x-amz-target') ?? '').replace(TARGET_PREFIX, '');
    options.beforeBody?.(operation);
    const body = await readBodyLimited(request, MAX_BODY_BYTES);
    if (credentials) {
      await verifySignature({ method: request.method, url: new URL(request.url), headers: request.headers, body }, credentials);
    }
    const payload = parseJson(body);
    if (operation === 'RecognizeCelebrities') return awsJsonResponse(await recognizeCelebrities(payload, options), requestId);
    if (operation === 'GetCelebrityInfo') return awsJsonResponse(await getCelebrityInfo(payload, options), requestId);
    if (options.videos && operation === 'StartCelebrityRecognition') {
      return awsJsonResponse(await startCelebrityRecognition(parseWith(startCelebrityRecognitionRequestSchema, payload), options.videos), requestId);
    }
    if (options.videos && operation === 'GetCelebrityRecognition') {
      return awsJsonResponse(await getCelebrityRecognition(parseWith(getCelebrityRecognitionRequestSchema, payload), options.videos), requestId);
    }
    const supported = ['RecognizeCelebrities', 'GetCelebrityInfo', ...(options.videos ? ['StartCelebrityRecognition', 'GetCelebrityRecognition'] : [])];
    throw new AwsError('UnknownOperationException', `Unknown operation "${request.headers.get('x-amz-target') ?? ''}". Supported: ${supported.join(', ')}.`);
  } catch (error) {
    return awsErrorResponse(error, requestId);
  }
}

function parseJson(body: Uint8Array): unknown {
  if (body.byteLength === 0) return {};
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new AwsError('SerializationException', 'The request body is not valid JSON.');
  }
}

function parseWith<T>(schema: z.ZodType<T>, payload: unknown): T {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
  throw new AwsError('InvalidParameterException', `Request has invalid parameters: ${problems}`);
}

async function recognizeCelebrities(payload: unknown, options: EndpointOptions) {
  const { Image } = parseWith(recognizeCelebritiesRequestSchema, payload);
  if (Image.S3Object) {
    throw new AwsError('InvalidParameterException', 'Image.S3Object is not supported by this server: send the photo as Image.Bytes.');
  }
  if (Image.Bytes === undefined) throw new AwsError('InvalidParameterException', 'Image.Bytes is required.');
  const bytes = new Uint8Array(Buffer.from(Image.Bytes, 'base64'));
  const maxBytes = options.maxImageBytes ?? limits.maxRekognitionBytes;
  if (bytes.byteLength > maxBytes) {
    throw new AwsError('ImageTooLargeException', `Image size ${bytes.byteLength} bytes exceeds the ${maxBytes}-byte limit.`);
  }
  const format = sniffFormat(bytes);
  const formats = options.formats ?? ['jpeg', 'png'];
  if (!format || !formats.includes(format)) {
    throw new AwsError('InvalidImageFormatException', `Request has invalid image format: use ${formats.map((format) => format.toUpperCase()).join(' or ')}.`);
  }
  // The uploads' checks from the header, before any decode: the pixel budget, 80 px a side, sane JPEG scans.
  await inspectUpload(bytes);
  const recognizer = await options.getRecognizer();
  // Parsing strips anything beyond Rekognition's fields, so the answer is exactly its shape.
  return recognizeCelebritiesResultSchema.parse(await recognizer.recognizeCelebrities(bytes));
}

async function getCelebrityInfo(payload: unknown, options: EndpointOptions) {
  const { Id } = parseWith(getCelebrityInfoRequestSchema, payload);
  const recognizer = await options.getRecognizer();
  return celebrityInfoSchema.parse(await recognizer.getCelebrityInfo(Id));
}

/**
 * The key pair for the optional signature check: both variables set turns it on, neither leaves it off,
 * and only one of them is a configuration mistake that must not silently open the endpoint.
 */
export function endpointCredentialsFromConfig(
  config: Pick<AppConfig, 'REKOGNITION_ACCESS_KEY_ID' | 'REKOGNITION_SECRET_ACCESS_KEY'>,
): EndpointCredentials | undefined {
  const { REKOGNITION_ACCESS_KEY_ID: accessKeyId, REKOGNITION_SECRET_ACCESS_KEY: secretAccessKey } = config;
  if (accessKeyId && secretAccessKey) return { accessKeyId, secretAccessKey };
  if (accessKeyId || secretAccessKey) {
    throw new AppError('internal', 'Set both REKOGNITION_ACCESS_KEY_ID and REKOGNITION_SECRET_ACCESS_KEY, or neither.');
  }
  return undefined;
}

/** Identifies the format by magic bytes, never by what the client claims. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  const ascii = (start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (ascii(0, 4) === 'GIF8') return 'gif';
  if (ascii(4, 8) === 'ftyp' && /^avi[fs]$/.test(ascii(8, 12))) return 'avif';
  return undefined;
}
