import 'server-only';
import { join } from 'node:path';
import { getConfig } from '../config';
import { AppError } from '../errors';
import { log } from '../observability/log';
import {
  ADMIN_COOKIE, bearerToken, clearedSessionCookie, cookieFrom, isValidSession, newSessionValue, sessionCookie, tokenMatches,
} from '../security/admin-session';
import { createSignInLimiter, type SignInLimiter } from '../security/sign-in-limiter';
import { onShutdown } from '../shutdown';

export { ADMIN_COOKIE } from '../security/admin-session';

/**
 * Who may use the admin area (docs/admin.md): it exists only when ADMIN_TOKEN is set (else every admin page
 * and API route answers 404); a browser signs in once with the token and holds a session cookie, a program
 * sends the token as a bearer token. Wrong tokens count against the client: 5 a minute, then 429.
 */

const limiterKey = Symbol.for('celebrity-finder.sign-in-limiter');

/** The process's limiter over $DATA_DIR/admin.sqlite (shared by every pm2 worker through the file). */
function limiter(): SignInLimiter {
  const holder = globalThis as unknown as Record<symbol, SignInLimiter | undefined>;
  if (!holder[limiterKey]) {
    const created = createSignInLimiter(join(getConfig().DATA_DIR, 'admin.sqlite'));
    onShutdown('admin-sign-in-limiter', () => created.close());
    holder[limiterKey] = created;
  }
  return holder[limiterKey];
}

/** True when ADMIN_TOKEN is set. */
export function adminEnabled(): boolean {
  return Boolean(getConfig().ADMIN_TOKEN);
}

/** ADMIN_TOKEN, or 404: with it unset, the admin area does not exist. */
function adminToken(): string {
  const token = getConfig().ADMIN_TOKEN;
  if (!token) throw new AppError('not_found', 'Not found.');
  return token;
}

function refuseWhileLimited(client: string): void {
  const decision = limiter().check(client);
  if (!decision.ok) {
    throw new AppError('rate_limited', 'Too many wrong admin tokens from your address. Wait a minute and try again.', { retryAfterSeconds: decision.retryAfterSeconds });
  }
}

/** Counts a wrong token against the client; answers 401 (the 6th wrong try within a minute meets 429 instead). */
function wrongToken(client: string): AppError {
  limiter().recordFailure(client);
  log.warn({ client }, 'admin: wrong token');
  return new AppError('unauthorized', 'That is not the admin token.');
}

/** Signs in with the token: the Set-Cookie header of a new session. Throws 404 (admin off), 429 (limited), 401 (wrong token). */
export function signIn(token: unknown, client: string, secure: boolean): string {
  const expected = adminToken();
  refuseWhileLimited(client);
  if (typeof token !== 'string' || !tokenMatches(token, expected)) throw wrongToken(client);
  log.info({ client }, 'admin: signed in');
  return sessionCookie(newSessionValue(expected), secure);
}

/** The Set-Cookie header that ends the session. */
export function signOut(secure: boolean): string {
  adminToken();
  return clearedSessionCookie(secure);
}

export type AdminAccess = 'off' | 'signed-out' | 'signed-in';

/** For pages: whether the admin area exists, and whether this session cookie value is signed in. */
export function adminAccess(sessionValue: string | undefined): AdminAccess {
  const token = getConfig().ADMIN_TOKEN;
  if (!token) return 'off';
  return isValidSession(sessionValue, token) ? 'signed-in' : 'signed-out';
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A cookie-authenticated change must come from a page of this site: SameSite=Strict keeps other sites'
 * requests from carrying the cookie, and this refuses a request whose Origin names another host anyway.
 */
function fromThisSite(headers: Headers): boolean {
  if (headers.get('sec-fetch-site') === 'cross-site') return false;
  const origin = headers.get('origin');
  if (origin === null) return true;
  try {
    return new URL(origin).host === (headers.get('x-forwarded-host') ?? headers.get('host'));
  } catch {
    return false;
  }
}

/**
 * Every /api/admin route: `Authorization: Bearer <ADMIN_TOKEN>` or a signed-in session cookie, else 401 (a
 * wrong bearer token counts towards the limit); 404 when the admin area is off.
 */
export function requireAdmin(request: Request, client: string): void {
  const expected = adminToken();
  const bearer = bearerToken(request.headers);
  if (bearer !== null) {
    refuseWhileLimited(client);
    if (!tokenMatches(bearer, expected)) throw wrongToken(client);
    return;
  }
  if (isValidSession(cookieFrom(request.headers, ADMIN_COOKIE), expected)) {
    if (!SAFE_METHODS.has(request.method) && !fromThisSite(request.headers)) throw new AppError('forbidden', 'Admin changes are taken only from this site’s own pages.');
    return;
  }
  throw new AppError('unauthorized', 'Sign in at /admin, or send the admin token as "Authorization: Bearer <token>".');
}
