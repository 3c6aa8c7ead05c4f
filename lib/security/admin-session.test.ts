import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ADMIN_COOKIE, SESSION_SECONDS, bearerToken, clearedSessionCookie, cookieFrom, isValidSession, newSessionValue, sessionCookie, tokenMatches,
} from './admin-session';
import { createSignInLimiter } from './sign-in-limiter';

const TOKEN = 'correct-horse-battery-staple-42';
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('admin token', () => {
  it('matches only the exact token, whatever the lengths', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(`${TOKEN} `, TOKEN)).toBe(false);
    expect(tokenMatches('', TOKEN)).toBe(false);
    expect(tokenMatches(TOKEN.toUpperCase(), TOKEN)).toBe(false);
  });

  it('is read from a bearer Authorization header only', () => {
    expect(bearerToken(new Headers({ authorization: `Bearer ${TOKEN}` }))).toBe(TOKEN);
    expect(bearerToken(new Headers({ authorization: `bearer ${TOKEN}` }))).toBe(TOKEN);
    expect(bearerToken(new Headers({ authorization: `Basic ${TOKEN}` }))).toBeNull();
    expect(bearerToken(new Headers())).toBeNull();
  });
});

describe('admin session', () => {
  it('is accepted until it expires, and only under the token that signed it', () => {
    const now = Date.parse('2026-05-01T12:00:00Z');
    const value = newSessionValue(TOKEN, now);
    expect(isValidSession(value, TOKEN, now)).toBe(true);
    expect(isValidSession(value, TOKEN, now + (SESSION_SECONDS - 1) * 1000)).toBe(true);
    expect(isValidSession(value, TOKEN, now + (SESSION_SECONDS + 1) * 1000)).toBe(false);
    expect(isValidSession(value, 'another-token-of-16-chars', now)).toBe(false);
    expect(newSessionValue(TOKEN, now)).not.toBe(value);
  });

  it('refuses a tampered, truncated or forged value', () => {
    const now = Date.now();
    const value = newSessionValue(TOKEN, now);
    const [version, expiry, nonce, signature] = value.split('.');
    const later = `${version}.${Number(expiry) + 86_400}.${nonce}.${signature}`;
    expect(isValidSession(later, TOKEN, now)).toBe(false);
    expect(isValidSession(value.slice(0, -1), TOKEN, now)).toBe(false);
    expect(isValidSession(`${version}.${expiry}.${nonce}.${'A'.repeat(43)}`, TOKEN, now)).toBe(false);
    expect(isValidSession(TOKEN, TOKEN, now)).toBe(false);
    expect(isValidSession(undefined, TOKEN, now)).toBe(false);
  });

  it('travels in an HttpOnly, SameSite=Strict cookie (Secure over HTTPS) that sign-out clears', () => {
    const value = newSessionValue(TOKEN);
    const cookie = sessionCookie(value, false);
    expect(cookie).toMatch(new RegExp(`^${ADMIN_COOKIE}=${value.replace(/\./g, '\\.')}; Path=/; Max-Age=${SESSION_SECONDS}; HttpOnly; SameSite=Strict$`));
    expect(sessionCookie(value, true)).toMatch(/; Secure$/);
    expect(clearedSessionCookie(false)).toMatch(/^cf_admin=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict$/);
    expect(cookieFrom(new Headers({ cookie: `a=1; ${ADMIN_COOKIE}=${value}; b=2` }), ADMIN_COOKIE)).toBe(value);
    expect(cookieFrom(new Headers({ cookie: 'a=1' }), ADMIN_COOKIE)).toBeNull();
  });
});

describe('sign-in limiter', () => {
  it('refuses a client after 5 wrong tries within a minute, until the oldest try is a minute old; other clients are not affected', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-sign-in-'));
    dirs.push(dir);
    const limiter = createSignInLimiter(join(dir, 'admin.sqlite'));
    const t0 = 1_000_000;
    for (let i = 0; i < 5; i++) {
      expect(limiter.check('203.0.113.9', t0 + i * 1000)).toEqual({ ok: true });
      limiter.recordFailure('203.0.113.9', t0 + i * 1000);
    }
    expect(limiter.check('203.0.113.9', t0 + 5_000)).toEqual({ ok: false, retryAfterSeconds: 55 });
    expect(limiter.check('198.51.100.7', t0 + 5_000)).toEqual({ ok: true });
    expect(limiter.check('203.0.113.9', t0 + 60_001)).toEqual({ ok: true });
    limiter.close();
  });

  it('shares the count between processes through its database file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cf-sign-in-'));
    dirs.push(dir);
    const path = join(dir, 'admin.sqlite');
    const workerA = createSignInLimiter(path);
    const workerB = createSignInLimiter(path);
    const now = Date.now();
    for (let i = 0; i < 3; i++) workerA.recordFailure('client', now);
    for (let i = 0; i < 2; i++) workerB.recordFailure('client', now);
    expect(workerA.check('client', now).ok).toBe(false);
    expect(workerB.check('client', now).ok).toBe(false);
    workerA.close();
    workerB.close();
  });
});
