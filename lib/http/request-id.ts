import { randomUUID } from 'node:crypto';

/** nginx's $request_id (32 hex) or a UUID; anything else from a client is replaced, not trusted into logs. */
const acceptedRequestId = /^[A-Za-z0-9-]{16,64}$/;

/** The request's id: the proxy's X-Request-Id when it looks like one, else a new UUID. */
export function requestIdFor(headers: Headers): string {
  const given = headers.get('x-request-id');
  return given && acceptedRequestId.test(given) ? given : randomUUID();
}
