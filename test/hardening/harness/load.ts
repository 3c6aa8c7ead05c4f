import { readPhoto, REAL_PHOTOS } from './images';

export interface LoadFigures {
  durationS: number;
  targetRate: number;
  sustainableRate: number;
  requests: number;
  throughput: number;
  acceptedPerSecond: number;
  latencyAcceptedMs: { p50: number; p95: number; p99: number };
  byStatus: Record<string, number>;
  connectionErrors: number;
  timeouts: number;
  /** Responses with status >= 500 other than 503 (must be 0). */
  unexpected5xx: number;
}

/** Multipart bodies of real photos, built once so the driver spends no time encoding under load. */
async function multipartBodies(): Promise<{ body: Buffer; contentType: string }[]> {
  return Promise.all(
    REAL_PHOTOS.map(async (path) => {
      const form = new FormData();
      form.append('image', new Blob([Buffer.from(await readPhoto(path))], { type: 'image/jpeg' }), 'photo.jpg');
      const request = new Request('http://x/', { method: 'POST', body: form });
      return { body: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type') ?? '' };
    }),
  );
}

/** Requests per second one server sustains: a few sequential uploads give the service time, × concurrency. */
export async function measureSustainableRate(baseUrl: string, concurrency: number, samples = 6): Promise<number> {
  const bodies = await multipartBodies();
  const times: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const { body, contentType } = bodies[i % bodies.length]!;
    const started = performance.now();
    const response = await fetch(`${baseUrl}/api/recognitions`, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': contentType } });
    await response.arrayBuffer();
    if (response.status !== 201) throw new Error(`calibration upload answered ${response.status}`);
    times.push(performance.now() - started);
  }
  const mean = times.slice(1).reduce((a, b) => a + b, 0) / (times.length - 1);
  return (concurrency * 1000) / mean;
}

function percentileMs(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
}

/**
 * Drives POST /api/recognitions with real photos at `factor` × the sustainable rate for `durationS`
 * seconds and tallies answers by status; latency percentiles are of accepted (201) answers only, since
 * refusals are fast by design.
 *
 * Open loop, written here rather than with autocannon: autocannon caps connections at the overall rate
 * and each connection waits for its answer, so it can never hold more requests in flight than the
 * server's slots plus queue and the overload path is never reached. Here a request leaves every
 * 1/rate seconds whatever happened to the previous ones, as real users' requests do.
 */
export async function runLoad(baseUrl: string, options: { durationS: number; sustainableRate: number; factor?: number }): Promise<LoadFigures> {
  const bodies = await multipartBodies();
  const targetRate = Math.max(1, Math.round(options.sustainableRate * (options.factor ?? 4)));
  const acceptedMs: number[] = [];
  const byStatus: Record<string, number> = {};
  const result = { errors: 0, timeouts: 0 };
  const total = Math.round(targetRate * options.durationS);
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / targetRate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const { body, contentType } = bodies[i % bodies.length]!;
    const sent = performance.now();
    inFlight.push(
      fetch(`${baseUrl}/api/recognitions`, {
        method: 'POST',
        body: new Uint8Array(body),
        headers: { 'content-type': contentType },
        signal: AbortSignal.timeout(60_000),
      }).then(
        async (response) => {
          await response.arrayBuffer();
          byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
          if (response.status === 201) acceptedMs.push(performance.now() - sent);
        },
        (error: unknown) => {
          if (error instanceof Error && error.name === 'TimeoutError') result.timeouts += 1;
          else result.errors += 1;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  acceptedMs.sort((a, b) => a - b);
  const unexpected5xx = Object.entries(byStatus).filter(([status]) => Number(status) >= 500 && status !== '503').reduce((n, [, c]) => n + c, 0);
  const answered = Object.values(byStatus).reduce((a, b) => a + b, 0);
  return {
    durationS: options.durationS,
    targetRate,
    sustainableRate: Math.round(options.sustainableRate * 100) / 100,
    requests: answered,
    throughput: Math.round((answered / options.durationS) * 100) / 100,
    acceptedPerSecond: Math.round((acceptedMs.length / options.durationS) * 100) / 100,
    latencyAcceptedMs: { p50: percentileMs(acceptedMs, 50), p95: percentileMs(acceptedMs, 95), p99: percentileMs(acceptedMs, 99) },
    byStatus,
    connectionErrors: result.errors,
    timeouts: result.timeouts,
    unexpected5xx,
  };
}
