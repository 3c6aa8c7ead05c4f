import { AppError, type ErrorCode } from '../errors';
import { log } from '../observability/log';

/** The `__type` values this endpoint answers with; all are names the AWS SDK knows for Rekognition. */
export type AwsErrorType =
  | 'InvalidImageFormatException'
  | 'ImageTooLargeException'
  | 'InvalidParameterException'
  | 'ResourceNotFoundException'
  | 'ThrottlingException'
  | 'AccessDeniedException'
  | 'InternalServerError'
  | 'UnknownOperationException'
  | 'SerializationException'
  | 'UnrecognizedClientException'
  | 'InvalidSignatureException'
  | 'InvalidS3ObjectException'
  | 'InvalidPaginationTokenException'
  | 'IdempotentParameterMismatchException'
  | 'VideoTooLargeException';

const statusByType: Partial<Record<AwsErrorType, number>> = {
  InternalServerError: 500,
  UnrecognizedClientException: 403,
  InvalidSignatureException: 403,
  AccessDeniedException: 403,
};

/** An error answered in AWS JSON 1.1's shape: `{"__type": ..., "Message": ...}` with 400, 403 or 500. */
export class AwsError extends Error {
  readonly type: AwsErrorType;
  readonly retryAfterSeconds?: number;
  /** An HTTP status other than the type's own (429 for a per-client limit, 504 past the deadline). */
  private readonly statusOverride?: number;

  constructor(type: AwsErrorType, message: string, options?: { cause?: unknown; retryAfterSeconds?: number; status?: number }) {
    super(message, { cause: options?.cause });
    this.name = 'AwsError';
    this.type = type;
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.statusOverride = options?.status;
  }

  get status(): number {
    return this.statusOverride ?? statusByType[this.type] ?? 400;
  }
}

const typeByCode: Record<ErrorCode, AwsErrorType> = {
  invalid_input: 'InvalidParameterException',
  image_too_small: 'InvalidParameterException',
  unsupported_type: 'InvalidImageFormatException',
  too_large: 'ImageTooLargeException',
  no_face: 'InvalidParameterException',
  no_video_stream: 'InvalidParameterException',
  too_long: 'InvalidParameterException',
  not_found: 'ResourceNotFoundException',
  unauthorized: 'AccessDeniedException',
  forbidden: 'AccessDeniedException',
  conflict: 'InvalidParameterException',
  // The SDK retries ThrottlingException with back-off, which is what a busy server wants.
  rate_limited: 'ThrottlingException',
  body_timeout: 'InvalidParameterException',
  // Past RECOGNITION_DEADLINE_MS: answered 504 (the SDK retries 5xx); the same photo may well pass when the server is quieter.
  deadline: 'InternalServerError',
  cancelled: 'InternalServerError',
  busy: 'ThrottlingException',
  delete_incomplete: 'InternalServerError',
  // A request that waited too long in the recognition queue: the server is overloaded, retry later.
  timeout: 'ThrottlingException',
  upstream_error: 'InternalServerError',
  upstream_config: 'InternalServerError',
  upstream_timeout: 'InternalServerError',
  not_ready: 'InternalServerError',
  internal: 'InternalServerError',
};

const statusByCode: Partial<Record<ErrorCode, number>> = { rate_limited: 429, deadline: 504, cancelled: 499, not_ready: 503 };

/** Turns anything thrown while serving a request into an AwsError; internal details are logged, not sent. */
export function toAwsError(error: unknown): AwsError {
  if (error instanceof AwsError) return error;
  if (error instanceof AppError) {
    const type = typeByCode[error.code];
    // Our own statuses where they say more than the type's (429 per-client limit, 504 deadline, 503 engine restarting).
    const status = statusByCode[error.code];
    const expected = status !== undefined;
    if (type === 'InternalServerError' && !expected) log.error({ err: error }, 'rekognition endpoint: internal error');
    const message = type === 'InternalServerError' && !expected ? 'Internal server error. Please try again.' : error.message;
    return new AwsError(type, message, { cause: error, retryAfterSeconds: error.retryAfterSeconds, ...(expected ? { status } : {}) });
  }
  log.error({ err: error }, 'rekognition endpoint: unexpected error');
  return new AwsError('InternalServerError', 'Internal server error. Please try again.', { cause: error });
}

export const AMZ_JSON = 'application/x-amz-json-1.1';

/** A JSON 1.1 response carrying the request id header AWS puts on every answer. */
export function awsJsonResponse(body: unknown, requestId: string, status = 200, extra?: HeadersInit): Response {
  const headers = new Headers(extra);
  headers.set('content-type', AMZ_JSON);
  headers.set('x-amzn-requestid', requestId);
  return new Response(JSON.stringify(body), { status, headers });
}

/** The AWS-shaped error response; `x-amzn-ErrorType` is sent too, as AWS does. */
export function awsErrorResponse(error: unknown, requestId: string): Response {
  const awsError = toAwsError(error);
  const headers = new Headers({ 'x-amzn-errortype': awsError.type });
  if (awsError.retryAfterSeconds !== undefined) headers.set('retry-after', String(awsError.retryAfterSeconds));
  return awsJsonResponse({ __type: awsError.type, Message: awsError.message }, requestId, awsError.status, headers);
}
