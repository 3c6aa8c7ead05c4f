import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsError } from './aws-error';

/** The one key pair this endpoint accepts when the signature check is on. */
export interface EndpointCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** What the verifier needs from a request: the exact method, path, headers and body bytes as received. */
export interface SignedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: Uint8Array;
}

interface ParsedAuthorization {
  accessKeyId: string;
  shortDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** AWS refuses requests signed more than 15 minutes away from its clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;
const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;

const unrecognized = () => new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
const invalidSignature = (detail: string) =>
  new AwsError(
    'InvalidSignatureException',
    `The request signature we calculated does not match the signature you provided. ${detail}`.trim(),
  );

function parseAuthorization(header: string | null): ParsedAuthorization {
  const match = header ? AUTH_PATTERN.exec(header.trim()) : null;
  if (!match) throw new AwsError('UnrecognizedClientException', 'Missing or malformed SigV4 Authorization header.');
  const [, accessKeyId = '', shortDate = '', region = '', service = '', signedHeaders = '', signature = ''] = match;
  return { accessKeyId, shortDate, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

/** x-amz-date is `YYYYMMDDTHHMMSSZ`. */
function parseAmzDate(value: string | null): Date {
  const match = value ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value) : null;
  if (!match) throw invalidSignature('The request has no valid X-Amz-Date header.');
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
}

/** The signer escapes the path itself, so it gets the path as the client had it before escaping. */
function decodePath(pathname: string): string {
  try {
    return pathname.split('/').map(decodeURIComponent).join('/');
  } catch {
    throw invalidSignature('The request path is not valid percent-encoding.');
  }
}

/** The request as the client signed it: only its signed headers, the decoded path, the query. */
async function toSignableRequest(request: SignedRequest, signedHeaders: string[]): Promise<HttpRequest> {
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers.get(name);
    if (value === null) throw invalidSignature(`Signed header "${name}" is missing.`);
    headers[name] = value;
  }
  // A signed payload hash must describe the body actually received, not whatever the header claims.
  if ('x-amz-content-sha256' in headers) {
    const hash = new Sha256();
    hash.update(request.body);
    headers['x-amz-content-sha256'] = Buffer.from(await hash.digest()).toString('hex');
  }
  const query: Record<string, string> = {};
  request.url.searchParams.forEach((value, key) => {
    query[key] = value;
  });
  return new HttpRequest({
    method: request.method,
    protocol: request.url.protocol,
    hostname: request.url.hostname,
    path: decodePath(request.url.pathname),
    query,
    headers,
    body: request.body,
  });
}

/** Headers every signed request must cover: who it is for (with the port) and which operation it calls. */
const REQUIRED_SIGNED_HEADERS = ['host', 'x-amz-target'] as const;

/**
 * What can be checked before the body is read: a well-formed SigV4 Authorization header with the
 * configured key, covering `host` and `x-amz-target` (unsigned, a captured request could be replayed
 * against another host or as another operation). Throws AwsError; verifySignature checks the rest.
 */
export function checkSignedHeaders(headers: Headers, credentials: EndpointCredentials): void {
  const auth = parseAuthorization(headers.get('authorization'));
  if (auth.accessKeyId !== credentials.accessKeyId) throw unrecognized();
  const missing = REQUIRED_SIGNED_HEADERS.filter((name) => !auth.signedHeaders.includes(name));
  if (missing.length > 0) throw invalidSignature(`SignedHeaders must include ${missing.join(' and ')}.`);
}

/**
 * Checks a SigV4-signed request by re-signing it with the SDK's own signer (@smithy/signature-v4) and the
 * configured secret, then comparing in constant time. Throws AwsError UnrecognizedClientException for an
 * unknown or missing key, InvalidSignatureException for a wrong signature, a stale date or a changed body.
 */
export async function verifySignature(request: SignedRequest, credentials: EndpointCredentials): Promise<void> {
  checkSignedHeaders(request.headers, credentials);
  const auth = parseAuthorization(request.headers.get('authorization'));
  const signingDate = parseAmzDate(request.headers.get('x-amz-date'));
  if (Math.abs(Date.now() - signingDate.getTime()) > MAX_SKEW_MS) {
    throw new AwsError('InvalidSignatureException', 'Signature expired: the request time is more than 15 minutes away from the server time.');
  }
  if (!request.headers.get('x-amz-date')?.startsWith(auth.shortDate)) throw invalidSignature('Credential date does not match X-Amz-Date.');

  const signed = new Set(auth.signedHeaders);
  const signer = new SignatureV4({
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    region: auth.region,
    service: auth.service,
    sha256: Sha256,
    applyChecksum: false,
  });
  const resigned = await signer.sign(await toSignableRequest(request, auth.signedHeaders), {
    signingDate,
    signingRegion: auth.region,
    signingService: auth.service,
    // Sign exactly the headers the client listed: no more (x-amz-date is added by the signer) and no fewer.
    signableHeaders: signed,
    unsignableHeaders: new Set(['x-amz-date', 'x-amz-security-token'].filter((name) => !signed.has(name))),
  });
  const expected = /Signature=([0-9a-f]{64})/.exec(resigned.headers.authorization ?? '')?.[1] ?? '';
  const matches =
    expected.length === auth.signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(auth.signature));
  if (!matches) throw invalidSignature('Check your AWS Secret Access Key and signing method.');
}
