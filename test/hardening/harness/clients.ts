/**
 * Distinct clients on one machine: every address of 127.0.0.0/8 reaches the loopback interface, so a
 * request sent from 127.0.0.21 is, to the server (and to nginx), another client than one from 127.0.0.22.
 * Plain node:http, because fetch cannot choose its source address.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface Answer {
  status: number;
  /** `error.code` of the app's JSON errors, `__type` of AWS-shaped ones, null otherwise. */
  code: string | null;
  retryAfter: string | null;
  headers: IncomingHttpHeaders;
  body: string;
  ms: number;
}

function codeOf(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: string }; __type?: string };
    return parsed.error?.code ?? parsed.__type ?? null;
  } catch {
    return null;
  }
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Source address (127.0.0.x): which client this is. */
  from?: string;
  timeoutMs?: number;
}

/** One request from `from`; resolves with the whole answer. */
export function send(url: string, options: SendOptions = {}): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers, ...(options.body ? { 'content-length': String(options.body.byteLength) } : {}) };
    const req = httpRequest(url, { method: options.method ?? 'GET', headers, localAddress: options.from, timeout: options.timeoutMs ?? 60_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, code: codeOf(body), retryAfter: response.headers['retry-after'] ?? null, headers: response.headers, body, ms: performance.now() - started });
      });
      response.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${options.timeoutMs ?? 60_000} ms`)));
    req.on('error', reject);
    req.end(options.body ? Buffer.from(options.body) : undefined);
  });
}

/** A multipart body with `photo` in the field `image`, as browsers send it. */
export async function multipart(photo: Uint8Array, field = 'image'): Promise<{ body: Uint8Array; contentType: string }> {
  const form = new FormData();
  form.append(field, new Blob([Buffer.from(photo)], { type: 'image/jpeg' }), 'photo.jpg');
  const request = new Request('http://x/', { method: 'POST', body: form });
  return { body: new Uint8Array(await request.arrayBuffer()), contentType: request.headers.get('content-type') ?? '' };
}

/** POST /api/recognitions of `photo` from `from`. */
export async function uploadFrom(baseUrl: string, photo: Uint8Array, from?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const { body, contentType } = await multipart(photo);
  return send(`${baseUrl}/api/recognitions`, { method: 'POST', body, from, headers: { 'content-type': contentType, ...headers } });
}

/** POST /api/rekognition RecognizeCelebrities (unsigned) of `photo` from `from`. */
export function rekognitionFrom(baseUrl: string, photo: Uint8Array, from?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const body = new TextEncoder().encode(JSON.stringify({ Image: { Bytes: Buffer.from(photo).toString('base64') } }));
  return send(`${baseUrl}/api/rekognition`, {
    method: 'POST', body, from,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RekognitionService.RecognizeCelebrities', ...headers },
  });
}

export interface HeldUpload {
  /** Bytes of the body sent so far. */
  sent(): number;
  /** The answer, whenever it comes (possibly before the body is sent). */
  answer: Promise<Answer>;
  /** Sends the rest of the body. */
  finish(): void;
  /** Drops the connection (the client goes away). */
  abort(): void;
}

/**
 * Starts an upload that declares `declaredBytes` of body (Content-Length) and sends only its first
 * `firstBytes`, then waits: a server that admits before it reads can answer it (or refuse it) without the
 * rest; one that reads first waits for bytes that never come.
 */
export async function holdUpload(baseUrl: string, photo: Uint8Array, options: { from?: string; firstBytes?: number; padTo?: number } = {}): Promise<HeldUpload> {
  const padded = new Uint8Array(Math.max(options.padTo ?? 0, photo.byteLength));
  padded.set(photo);
  const { body, contentType } = await multipart(padded);
  const first = Math.min(options.firstBytes ?? 0, body.byteLength);
  let sent = 0;
  const started = performance.now();
  let req: ReturnType<typeof httpRequest>;
  const answer = new Promise<Answer>((resolve, reject) => {
    req = httpRequest(`${baseUrl}/api/recognitions`, {
      method: 'POST', localAddress: options.from,
      headers: { 'content-type': contentType, 'content-length': String(body.byteLength) },
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, code: codeOf(text), retryAfter: response.headers['retry-after'] ?? null, headers: response.headers, body: text, ms: performance.now() - started });
      });
    });
    req.on('error', reject);
    req.flushHeaders();
    if (first > 0) req.write(Buffer.from(body.subarray(0, first)));
    sent = first;
  });
  answer.catch(() => undefined);
  return {
    sent: () => sent,
    answer,
    finish() {
      req.end(Buffer.from(body.subarray(first)));
      sent = body.byteLength;
    },
    abort() {
      req.destroy();
    },
  };
}

/** Resolves with the answer if it comes within `ms`, else null (the request is left as it is). */
export function within(answer: Promise<Answer>, ms: number): Promise<Answer | null> {
  return Promise.race([answer, new Promise<null>((resolve) => setTimeout(resolve, ms, null))]);
}

/** A metric's value from /metrics text (sum over samples matching `labels`), 0 when absent. */
export async function metricValue(baseUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** An AWS JSON 1.1 call SigV4-signed as the SDK signs it (host with its port, x-amz-target), sent from `from`. */
export async function signedRekognitionFrom(
  baseUrl: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  target: string,
  payload: unknown,
  options: { from?: string; unsigned?: string[] } = {},
): Promise<Answer> {
  const [{ Sha256 }, { HttpRequest }, { SignatureV4 }] = await Promise.all([import('@aws-crypto/sha256-js'), import('@smithy/protocol-http'), import('@smithy/signature-v4')]);
  const url = new URL(`${baseUrl}/api/rekognition`);
  const body = JSON.stringify(payload);
  const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 'rekognition', sha256: Sha256 });
  const signed = await signer.sign(new HttpRequest({
    method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname,
    headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `RekognitionService.${target}` }, body,
  }), { unsignableHeaders: new Set(options.unsigned ?? []) });
  const headers = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name !== 'host' && name !== 'content-length')) as Record<string, string>;
  return send(url.href, { method: 'POST', body: new TextEncoder().encode(body), from: options.from, headers });
}
