import { request as httpRequest } from 'node:http';
import type { CorpusCase } from './corpus';
import { groupMemoryMb } from './rss';

export interface CorpusRow {
  name: string;
  expected: { status: number; code: string | null };
  status: number;
  code: string | null;
  ms: number;
}

/** The error code of an answer: `error.code` (app API), `__type` (AWS shape), or null when not JSON. */
function errorCodeOf(text: string): string | null {
  try {
    const body = JSON.parse(text) as { error?: { code?: string }; __type?: string };
    return body.error?.code ?? body.__type ?? null;
  } catch {
    return null;
  }
}

/** Sends every case in turn; returns one row per case and the server's memory before and after. */
export async function runCorpus(baseUrl: string, cases: CorpusCase[], serverPid: number) {
  const before = groupMemoryMb(serverPid);
  const rows: CorpusRow[] = [];
  for (const testCase of cases) {
    const started = performance.now();
    const response = await fetch(`${baseUrl}${testCase.request.path}`, {
      method: testCase.request.method ?? 'GET',
      headers: testCase.request.headers,
      body: testCase.request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    const ms = Math.round(performance.now() - started);
    const code = response.status === 201 ? null : errorCodeOf(text);
    rows.push({ name: testCase.name, expected: { status: testCase.status, code: testCase.code }, status: response.status, code, ms });
  }
  return { rows, before, after: groupMemoryMb(serverPid) };
}

/**
 * Streams an endless upload (chunked, no Content-Length, or with a huge declared Content-Length) and
 * reports the answer and how many bytes had been sent when it came: a server that stops reading early
 * answers 413 after a few MB, one that buffers everything never answers before `capBytes`.
 */
export function streamOversized(baseUrl: string, options: { declaredLength?: number; capBytes: number }): Promise<{ status: number; sentBytes: number; ms: number }> {
  const url = new URL('/api/recognitions', baseUrl);
  const chunk = Buffer.alloc(256 * 1024, 0x41);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const headers: Record<string, string | number> = { 'content-type': 'multipart/form-data; boundary=x' };
    if (options.declaredLength !== undefined) headers['content-length'] = options.declaredLength;
    const req = httpRequest(url, { method: 'POST', headers }, (response) => {
      answered = true;
      response.resume();
      resolve({ status: response.statusCode ?? 0, sentBytes: sent, ms: Math.round(performance.now() - started) });
      req.destroy();
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && sent < options.capBytes) {
        sent += chunk.byteLength;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}
