/** HTTP traffic for the deploy smoke test: uploads through nginx and a bounded request stream. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { send, uploadFrom } from '../hardening/harness/clients';

export interface Upload {
  status: number;
  contentType: string;
  server: string;
  body: string;
}

/** POSTs `bytes` as the multipart field `image`, as the upload form does. */
export async function upload(base: string, bytes: Uint8Array<ArrayBuffer>, filename: string, type = 'image/jpeg'): Promise<Upload> {
  const form = new FormData();
  form.set('image', new Blob([bytes], { type }), filename);
  const response = await fetch(`${base}/api/recognitions`, { method: 'POST', body: form, signal: AbortSignal.timeout(60_000) });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    server: response.headers.get('server') ?? '',
    body: await response.text(),
  };
}

export function uploadFile(base: string, path: string): Promise<Upload> {
  return upload(base, new Uint8Array(readFileSync(path)), basename(path));
}

export interface StreamReport {
  total: number;
  failures: number;
  byKind: Record<string, { ok: number; failed: number }>;
  samples: string[];
  seconds: number;
  /** Slowest single request, in seconds (a stall during reload shows here even without failures). */
  slowest: number;
  /** The slowest request: its kind, lane and when it was sent (s after the stream began). */
  slowestRequest: string;
  /** Requests answered while `during` was still running (a stream that stalled behind it proves nothing). */
  answeredDuring: number;
}

type Probe = { kind: string; upload?: boolean; send: (from: string) => Promise<{ ok: boolean; status: number; body: string }> };

/**
 * Each lane is its own client (source address 127.0.0.41, .42, …) and keeps to what the site's per-client
 * limits allow one client (docs/hardening.md): a request at most every 60 ms, an upload at most every 700 ms.
 */
const LANE_MIN_GAP_MS = 60;
const LANE_UPLOAD_GAP_MS = 700;

const get = (url: string) => async (from: string) => {
  const answer = await send(url, { from });
  return { ok: answer.status >= 200 && answer.status < 300, status: answer.status, body: answer.body };
};

/**
 * Sends requests from `lanes` parallel loops (page, health, result page, real recognition uploads) until
 * `during` settles plus `tailMs`, at most `maxRequests`. Any non-2xx answer or network error is a failure.
 */
export async function streamDuring(
  base: string, photos: string[], resultId: string, during: () => Promise<void>,
  options = { lanes: 4, tailMs: 2000, maxRequests: 3000 },
): Promise<StreamReport> {
  const probes: Probe[] = [
    { kind: 'GET /', send: get(`${base}/`) },
    { kind: 'GET /api/health', send: get(`${base}/api/health`) },
    { kind: 'GET /r/{id}', send: get(`${base}/r/${resultId}`) },
    ...photos.map((path): Probe => {
      const bytes = new Uint8Array(readFileSync(path));
      return {
        kind: 'POST /api/recognitions',
        upload: true,
        send: async (from) => {
          const answer = await uploadFrom(base, bytes, from);
          return { ok: answer.status === 201, status: answer.status, body: answer.body };
        },
      };
    }),
  ];
  const report: StreamReport = { total: 0, failures: 0, byKind: {}, samples: [], seconds: 0, slowest: 0, slowestRequest: '', answeredDuring: 0 };
  let duringSettled = false;
  const started = performance.now();
  let stopped = false;
  const lane = async (offset: number) => {
    const from = `127.0.0.${41 + offset}`;
    let lastSent = 0, lastUpload = -LANE_UPLOAD_GAP_MS;
    for (let i = offset; !stopped && report.total < options.maxRequests; i += 1) {
      const probe = probes[i % probes.length]!;
      if (probe.upload && performance.now() - lastUpload < LANE_UPLOAD_GAP_MS) continue;
      const gap = lastSent + LANE_MIN_GAP_MS - performance.now();
      if (gap > 0) await new Promise((resolve) => setTimeout(resolve, gap));
      const counts = (report.byKind[probe.kind] ??= { ok: 0, failed: 0 });
      report.total += 1;
      const sent = performance.now();
      lastSent = sent;
      if (probe.upload) lastUpload = sent;
      try {
        const response = await probe.send(from);
        if (response.ok) counts.ok += 1;
        else fail(counts, `${probe.kind} -> ${response.status} ${response.body.slice(0, 120)}`);
      } catch (error) {
        fail(counts, `${probe.kind} -> ${(error as Error).message}`);
      }
      if (!duringSettled) report.answeredDuring += 1;
      const took = (performance.now() - sent) / 1000;
      if (took > report.slowest) {
        report.slowest = took;
        report.slowestRequest = `${probe.kind} from ${from} sent at +${((sent - started) / 1000).toFixed(1)} s`;
      }
    }
  };
  const fail = (counts: { failed: number }, sample: string) => {
    counts.failed += 1;
    report.failures += 1;
    if (report.samples.length < 5) report.samples.push(sample);
  };
  const lanes = Array.from({ length: options.lanes }, (_, index) => lane(index));
  try {
    await during();
    duringSettled = true;
    await new Promise((resolve) => setTimeout(resolve, options.tailMs));
  } finally {
    stopped = true;
    await Promise.all(lanes);
    report.seconds = (performance.now() - started) / 1000;
  }
  return report;
}
