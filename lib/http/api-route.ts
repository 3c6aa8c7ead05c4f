import { getConfig } from '../config';
import { AppError, errorResponse } from '../errors';
import { log, withRequestId } from '../observability/log';
import { metrics } from '../observability/metrics';
import { robustnessMetrics } from '../observability/robustness-metrics';
import { clientOf } from './client-address';
import { createRateLimiter, type RateLimiter } from './rate-limit';
import { requestIdFor } from './request-id';

export interface ApiRouteOptions {
  /** How this route answers an error (default: the app's JSON error body); /api/rekognition answers AWS's shape. */
  errorResponse?: (error: unknown, requestId: string) => Response;
}

const limiterKey = Symbol.for('celebrity-finder.api-rate-limiter');

/** The process-wide per-client limiter of every API route (CLIENT_API_RATE, CLIENT_API_BURST). */
function apiLimiter(): RateLimiter {
  const holder = globalThis as unknown as Record<symbol, RateLimiter | undefined>;
  const config = getConfig();
  holder[limiterKey] ??= createRateLimiter({ ratePerSecond: config.CLIENT_API_RATE, burst: config.CLIENT_API_BURST });
  return holder[limiterKey];
}

/** The client a request counts against for per-client limits: its address (via trusted proxies only), IPv6 by /64. */
export function requestClient(request: Request): string {
  return clientOf(request.headers, getConfig().TRUSTED_PROXIES);
}

/** Longest an error answer waits for a body nobody will read, ms (see drainUnread). */
const DRAIN_MS = 250;
/** Bodies drained at most: the largest any route accepts (/api/rekognition's 16 MB); nginx forwards nothing bigger. */
const DRAIN_MAX_BYTES = 17 * 1024 * 1024;
/**
 * Declared bytes drained at once, per process: every drained chunk is garbage until the next collection, and
 * a flood of refused 10 MB uploads drained all together held ~150 MB of it. Past this a refusal is answered
 * without draining (behind nginx it may then arrive as 502: still a refusal, and memory stays bounded).
 */
const DRAIN_BUDGET_BYTES = 24 * 1024 * 1024;
let draining = 0;

/**
 * Before an error answer to a request whose body was never read (refused from its headers: over a limit,
 * queue full, too large): reads and drops what arrives within DRAIN_MS, nothing kept. Closing a connection
 * with unread bytes resets it, and nginx, still sending the body it buffered, then answers 502 instead of
 * passing the refusal on; a client that is slow to send is answered after DRAIN_MS all the same.
 */
async function drainUnread(request: Request): Promise<void> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  // Chunked or larger than any route accepts: answered at once (only a client, never nginx, sends those).
  if (!request.body || request.bodyUsed || request.body.locked || !(declared > 0 && declared <= DRAIN_MAX_BYTES)) return;
  if (draining + declared > DRAIN_BUDGET_BYTES) return;
  draining += declared;
  const reader = request.body.getReader();
  const stop = setTimeout(() => void reader.cancel().catch(() => undefined), DRAIN_MS);
  try {
    while (!(await reader.read()).done);
  } catch {
    // Cancelled at DRAIN_MS, or the client went away: either way nothing more to wait for.
  } finally {
    clearTimeout(stop);
    draining -= declared;
  }
}

/** Refuses a client over CLIENT_API_RATE with 429 rate_limited and Retry-After, before the route reads anything. */
function checkApiRate(request: Request): void {
  const decision = apiLimiter().take(requestClient(request));
  if (decision.ok) return;
  robustnessMetrics().rateLimited.inc({ limit: 'api_rate' });
  throw new AppError('rate_limited', 'Too many requests from your address. Please wait a moment and try again.', { retryAfterSeconds: decision.retryAfterSeconds });
}

/**
 * Wraps a route handler with what every API answer needs: the per-client request limit, a request id
 * (X-Request-Id on the response, in every log line and error body), errors turned into the JSON error
 * shape, one log line and the latency histogram. `route` is the route's pattern, so metrics do not grow a
 * label per id.
 */
export function apiRoute<Context>(route: string, handler: (request: Request, context: Context) => Promise<Response>, options: ApiRouteOptions = {}) {
  const respondWithError = options.errorResponse ?? errorResponse;
  return async (request: Request, context: Context): Promise<Response> => {
    const requestId = requestIdFor(request.headers);
    const started = performance.now();
    const response = await withRequestId(requestId, async () => {
      let answer: Response;
      try {
        checkApiRate(request);
        answer = await handler(request, context);
      } catch (error) {
        answer = respondWithError(error, requestId);
      }
      if (answer.status >= 400) await drainUnread(request);
      return answer;
    });
    response.headers.set('x-request-id', requestId);
    const seconds = (performance.now() - started) / 1000;
    metrics().httpDuration.observe({ route, method: request.method, status: String(response.status) }, seconds);
    withRequestId(requestId, () => log.info({ method: request.method, route, status: response.status, ms: Math.round(seconds * 1000) }, 'request'));
    return response;
  };
}
