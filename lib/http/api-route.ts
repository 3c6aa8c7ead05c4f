import { errorResponse } from '../errors';
import { log, withRequestId } from '../observability/log';
import { metrics } from '../observability/metrics';
import { requestIdFor } from './request-id';

/**
 * Wraps a route handler with what every API answer needs: a request id (X-Request-Id on the response, in
 * every log line and error body), errors turned into the JSON error shape, one log line and the latency
 * histogram. `route` is the route's pattern, so metrics do not grow a label per id.
 */
export function apiRoute<Context>(route: string, handler: (request: Request, context: Context) => Promise<Response>) {
  return async (request: Request, context: Context): Promise<Response> => {
    const requestId = requestIdFor(request.headers);
    const started = performance.now();
    const response = await withRequestId(requestId, async () => {
      try {
        return await handler(request, context);
      } catch (error) {
        return errorResponse(error, requestId);
      }
    });
    response.headers.set('x-request-id', requestId);
    const seconds = (performance.now() - started) / 1000;
    metrics().httpDuration.observe({ route, method: request.method, status: String(response.status) }, seconds);
    withRequestId(requestId, () => log.info({ method: request.method, route, status: response.status, ms: Math.round(seconds * 1000) }, 'request'));
    return response;
  };
}
