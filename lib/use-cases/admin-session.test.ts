/**
 * Who may use the admin area, as the routes and pages ask it: off without ADMIN_TOKEN, a bearer token or a
 * session cookie otherwise, wrong tokens limited per client, cookie-borne changes only from this site.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

const TOKEN = 'unit-test-admin-token-123';
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** The use case module as a fresh process with this environment would load it (the config is read once per process). */
async function load(env: Record<string, string | undefined>) {
  const dataDir = await mkdtemp(join(tmpdir(), 'cf-admin-session-'));
  dirs.push(dataDir);
  vi.resetModules();
  vi.stubEnv('DATA_DIR', dataDir);
  vi.stubEnv('ADMIN_TOKEN', env.ADMIN_TOKEN);
  return import('./admin-session');
}

const request = (method: string, headers: Record<string, string> = {}) => new Request('http://app.test/api/admin/people', { method, headers: { host: 'app.test', ...headers } });

beforeEach(() => {
  vi.unstubAllEnvs();
});

describe('admin area switched off (no ADMIN_TOKEN)', () => {
  it('answers 404 to every admin request and sign-in, and pages see it off', async () => {
    const admin = await load({ ADMIN_TOKEN: undefined });
    expect(admin.adminEnabled()).toBe(false);
    expect(admin.adminAccess('anything')).toBe('off');
    expect(() => admin.requireAdmin(request('GET', { authorization: `Bearer ${TOKEN}` }), 'c')).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(() => admin.signIn(TOKEN, 'c', false)).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});

describe('admin area switched on', () => {
  it('takes the bearer token, and refuses a missing or wrong one with 401', async () => {
    const admin = await load({ ADMIN_TOKEN: TOKEN });
    expect(() => admin.requireAdmin(request('POST', { authorization: `Bearer ${TOKEN}` }), 'c1')).not.toThrow();
    expect(() => admin.requireAdmin(request('POST'), 'c1')).toThrow(expect.objectContaining({ code: 'unauthorized' }));
    expect(() => admin.requireAdmin(request('POST', { authorization: 'Bearer wrong-token-000000000' }), 'c1')).toThrow(expect.objectContaining({ code: 'unauthorized' }));
  });

  it('signs in with the token (a session cookie pages and the API accept), never with another', async () => {
    const admin = await load({ ADMIN_TOKEN: TOKEN });
    const cookie = admin.signIn(TOKEN, 'c2', false);
    const value = /^cf_admin=([^;]+);/.exec(cookie)![1]!;
    expect(admin.adminAccess(value)).toBe('signed-in');
    expect(admin.adminAccess(undefined)).toBe('signed-out');
    expect(() => admin.requireAdmin(request('GET', { cookie: `cf_admin=${value}` }), 'c2')).not.toThrow();
    expect(() => admin.signIn('nope', 'c2', false)).toThrow(expect.objectContaining({ code: 'unauthorized' }));
    expect(admin.signOut(false)).toMatch(/^cf_admin=; .*Max-Age=0/);
  });

  it('takes cookie-borne changes only from this site', async () => {
    const admin = await load({ ADMIN_TOKEN: TOKEN });
    const value = /^cf_admin=([^;]+);/.exec(admin.signIn(TOKEN, 'c3', false))![1]!;
    const cookie = `cf_admin=${value}`;
    expect(() => admin.requireAdmin(request('DELETE', { cookie, origin: 'http://app.test' }), 'c3')).not.toThrow();
    expect(() => admin.requireAdmin(request('DELETE', { cookie }), 'c3')).not.toThrow(); // a non-browser client sends no Origin
    expect(() => admin.requireAdmin(request('DELETE', { cookie, origin: 'https://evil.example' }), 'c3')).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => admin.requireAdmin(request('DELETE', { cookie, 'sec-fetch-site': 'cross-site' }), 'c3')).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => admin.requireAdmin(request('GET', { cookie, origin: 'https://evil.example' }), 'c3')).not.toThrow();
  });

  it('answers 429 from the 6th wrong token a minute, for sign-in and bearer tokens alike, even to the right token then', async () => {
    const admin = await load({ ADMIN_TOKEN: TOKEN });
    for (let i = 0; i < 3; i++) expect(() => admin.signIn(`wrong-${i}`, 'guesser', false)).toThrow(expect.objectContaining({ code: 'unauthorized' }));
    for (let i = 0; i < 2; i++) expect(() => admin.requireAdmin(request('GET', { authorization: `Bearer wrong-${i}` }), 'guesser')).toThrow(expect.objectContaining({ code: 'unauthorized' }));
    const limited = (() => {
      try {
        admin.signIn(TOKEN, 'guesser', false);
        return null;
      } catch (error) {
        return error as { code: string; retryAfterSeconds?: number };
      }
    })();
    expect(limited).toMatchObject({ code: 'rate_limited' });
    expect(limited!.retryAfterSeconds).toBeGreaterThan(50);
    expect(() => admin.requireAdmin(request('GET', { authorization: `Bearer ${TOKEN}` }), 'guesser')).toThrow(expect.objectContaining({ code: 'rate_limited' }));
    expect(() => admin.signIn(TOKEN, 'someone-else', false)).not.toThrow();
  });
});
