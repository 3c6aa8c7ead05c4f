import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The admin area's credentials: the operator's ADMIN_TOKEN (sent once to sign in, or as a bearer token to
 * the API) and the session cookie a sign-in sets. Sessions are stateless, so every pm2 worker accepts them:
 * `v1.<expiry>.<nonce>.<mac>`, the MAC an HMAC-SHA256 under a key derived from ADMIN_TOKEN, so changing the
 * token signs every session out. Comparisons are constant-time; the token never goes into a URL or a log.
 */
export const ADMIN_COOKIE = 'cf_admin';
/** How long a sign-in lasts. */
export const SESSION_SECONDS = 8 * 60 * 60;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Constant-time comparison of a presented token with ADMIN_TOKEN (both hashed first, so lengths leak nothing either). */
export function tokenMatches(presented: string, adminToken: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(adminToken));
}

/** The token of `Authorization: Bearer <token>`, or null. */
export function bearerToken(headers: Headers): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.get('authorization') ?? '');
  return match ? match[1]! : null;
}

function sessionKey(adminToken: string): Buffer {
  return createHmac('sha256', adminToken).update('celebrity-finder admin session v1').digest();
}

function mac(adminToken: string, payload: string): string {
  return createHmac('sha256', sessionKey(adminToken)).update(payload).digest('base64url');
}

/** A new session value, valid for SESSION_SECONDS from `now` (ms). */
export function newSessionValue(adminToken: string, now = Date.now()): string {
  const payload = `v1.${Math.floor(now / 1000) + SESSION_SECONDS}.${randomBytes(12).toString('base64url')}`;
  return `${payload}.${mac(adminToken, payload)}`;
}

/** True for a session value this ADMIN_TOKEN signed that has not expired. */
export function isValidSession(value: string | null | undefined, adminToken: string, now = Date.now()): boolean {
  const match = /^(v1\.(\d{1,12})\.[A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
  if (!match) return false;
  const expected = Buffer.from(mac(adminToken, match[1]!));
  const given = Buffer.from(match[3]!);
  return given.length === expected.length && timingSafeEqual(given, expected) && Number(match[2]) * 1000 > now;
}

/** The value of cookie `name` in a Cookie header, or null. */
export function cookieFrom(headers: Headers, name: string): string | null {
  for (const part of (headers.get('cookie') ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

/** Set-Cookie for a session: HttpOnly (no script reads it), SameSite=Strict (no other site sends it), Secure over HTTPS. */
export function sessionCookie(value: string, secure: boolean): string {
  return `${ADMIN_COOKIE}=${value}; Path=/; Max-Age=${SESSION_SECONDS}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** Set-Cookie that removes the session (sign-out). */
export function clearedSessionCookie(secure: boolean): string {
  return `${ADMIN_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
