import { AppError } from '../errors';

/** Seconds a client should wait after Rekognition throttled us (the SDK has already retried by then). */
export const THROTTLE_RETRY_AFTER_SECONDS = 5;

const CONFIGURE_CREDENTIALS =
  'Set AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or an instance role) allowed to call ' +
  'rekognition:RecognizeCelebrities and rekognition:GetCelebrityInfo, or switch to RECOGNIZER=local.';

/** Rekognition error names (`__type` / the SDK exception's `name`) and the AppError each becomes. */
const byServiceName: Record<string, (message: string) => AppError> = {
  InvalidImageFormatException: (m) => new AppError('unsupported_type', `Rekognition cannot read this image: ${m}`),
  ImageTooLargeException: (m) => new AppError('too_large', `The image is too large for Rekognition: ${m}`),
  InvalidParameterException: (m) => new AppError('invalid_input', `Rekognition refused the request: ${m}`),
  ResourceNotFoundException: () => new AppError('not_found', 'No celebrity with this id.'),
  ThrottlingException: throttled,
  ProvisionedThroughputExceededException: throttled,
  LimitExceededException: throttled,
  AccessDeniedException: (m) => new AppError('upstream_config', `Rekognition denied access (${m}). ${CONFIGURE_CREDENTIALS}`),
  UnrecognizedClientException: (m) =>
    new AppError('upstream_config', `Rekognition does not know these credentials (${m}). ${CONFIGURE_CREDENTIALS}`),
  InvalidSignatureException: (m) =>
    new AppError('upstream_config', `Rekognition rejected the request signature (${m}). Check the secret key and the clock.`),
  ExpiredTokenException: (m) => new AppError('upstream_config', `The AWS session token has expired (${m}). ${CONFIGURE_CREDENTIALS}`),
  InternalServerError: () => new AppError('upstream_error', 'Rekognition had an internal error. Please try again.'),
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

function throttled(): AppError {
  return new AppError('busy', 'Rekognition is throttling requests right now. Please try again in a few seconds.', {
    retryAfterSeconds: THROTTLE_RETRY_AFTER_SECONDS,
  });
}

/**
 * Maps anything the Rekognition SDK throws (service exceptions, credential/region problems, timeouts,
 * network failures) to the AppError the app reports; the original error stays as `cause` for the logs.
 */
export function mapRekognitionError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const { name, message, code } = describe(error);
  const mapped = byServiceName[name]?.(message) ?? mapClientSide(name, message, code);
  return new AppError(mapped.code, mapped.message, { cause: error, retryAfterSeconds: mapped.retryAfterSeconds });
}

function mapClientSide(name: string, message: string, code: string | undefined): AppError {
  if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
    return new AppError('upstream_config', `No usable AWS credentials were found. ${CONFIGURE_CREDENTIALS}`);
  }
  if (/region is missing/i.test(message)) {
    return new AppError('upstream_config', 'No AWS region is configured. Set AWS_REGION (e.g. us-east-1) for RECOGNIZER=rekognition.');
  }
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'ETIMEDOUT') {
    return new AppError('upstream_timeout', 'Rekognition did not answer in time. Please try again.');
  }
  if (code !== undefined && NETWORK_CODES.has(code)) {
    return new AppError('upstream_error', `Rekognition could not be reached (${code}). Check AWS_ENDPOINT_URL_REKOGNITION and the network.`);
  }
  return new AppError('upstream_error', 'Rekognition failed to answer. Please try again.');
}

function describe(error: unknown): { name: string; message: string; code: string | undefined } {
  if (!(error instanceof Error)) return { name: 'Unknown', message: String(error), code: undefined };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, code: typeof code === 'string' ? code : undefined };
}
