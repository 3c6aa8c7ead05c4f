import { currentRequestId, log } from './observability/log';

/** Every failure the app reports goes through AppError: a stable code, a fitting HTTP status, a safe message. */
export const errorStatus = {
  invalid_input: 400,
  image_too_small: 400,
  unsupported_type: 415,
  too_large: 413,
  /** An upload in which no face was found: nothing is stored (docs/hardening.md). */
  no_face: 422,
  /** A video container without a video stream (audio only, a cover picture): nothing to look at. */
  no_video_stream: 422,
  /** A video longer than VIDEO_MAX_SECONDS. */
  too_long: 422,
  not_found: 404,
  unauthorized: 401,
  forbidden: 403,
  /** A change that clashes with what is there (admin area: a name another person already has). */
  conflict: 409,
  rate_limited: 429,
  /** The upload's body did not arrive within BODY_READ_TIMEOUT_MS. */
  body_timeout: 408,
  /** The recognition ran past RECOGNITION_DEADLINE_MS: its slot was freed and its work cancelled. */
  deadline: 504,
  /** The client went away while its recognition waited or ran (logged and counted; nobody receives it). */
  cancelled: 499,
  busy: 503,
  /** A DELETE whose files could not all be removed yet: the result is hidden, the removal retried (sweep) — answered 503, not 204. */
  delete_incomplete: 503,
  timeout: 503,
  upstream_error: 502,
  upstream_config: 502,
  upstream_timeout: 504,
  not_ready: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/**
 * Next.js bundles lib/ separately per route and for instrumentation, so one process can hold several
 * copies of this class (e.g. the recognizer warmed up by instrumentation throws its copy's AppError). A
 * process-wide brand makes `instanceof AppError` true for all of them.
 */
const APP_ERROR_BRAND = Symbol.for('celebrity-finder.AppError');

export class AppError extends Error {
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[APP_ERROR_BRAND] === true;
  }

  readonly [APP_ERROR_BRAND] = true;
  readonly code: ErrorCode;
  /** Seconds a client should wait before retrying (sent as Retry-After). */
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, { cause: options?.cause });
    this.name = 'AppError';
    this.code = code;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  get status(): number {
    return errorStatus[this.code];
  }

  /** The JSON error body (docs/webapp.md "Errors"); the request id lets a user's report be found in the logs. */
  toJSON(requestId = currentRequestId()): { error: { code: ErrorCode; message: string; requestId?: string } } {
    return { error: { code: this.code, message: this.message, ...(requestId ? { requestId } : {}) } };
  }
}

/** Turns anything thrown into an AppError; unknown causes become a 500 whose detail is logged, not shown. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  log.error({ err: error }, 'unexpected error');
  return new AppError('internal', 'Something went wrong on our side. Please try again.', { cause: error });
}

/** A Response with the JSON error body, X-Request-Id, and Retry-After where the error carries one. */
export function errorResponse(error: unknown, requestId = currentRequestId()): Response {
  const appError = toAppError(error);
  const headers = new Headers({ 'content-type': 'application/json' });
  if (appError.retryAfterSeconds !== undefined) headers.set('retry-after', String(appError.retryAfterSeconds));
  if (requestId) headers.set('x-request-id', requestId);
  return new Response(JSON.stringify(appError.toJSON(requestId)), { status: appError.status, headers });
}
