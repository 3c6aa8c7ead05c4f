import { describe, expect, it } from 'vitest';
import { clientAddress, clientKey, parseTrustedProxies, PEER_ADDRESS_HEADER } from './client-address';
import { createRateLimiter } from './rate-limit';

const headers = (peer: string | null, forwarded?: string) =>
  new Headers({ ...(peer !== null ? { [PEER_ADDRESS_HEADER]: peer } : {}), ...(forwarded !== undefined ? { 'x-forwarded-for': forwarded } : {}) });

describe('clientAddress', () => {
  const trusted = parseTrustedProxies('127.0.0.1, ::1, 10.0.0.0/8');

  it('is the TCP peer when the peer is not a trusted proxy, whatever X-Forwarded-For says', () => {
    expect(clientAddress(headers('198.51.100.7', '203.0.113.1'), trusted)).toBe('198.51.100.7');
    expect(clientAddress(headers('::ffff:198.51.100.7'), trusted)).toBe('198.51.100.7');
  });

  it('reads X-Forwarded-For from the right past trusted proxies, so a client cannot name itself', () => {
    // The client sent "1.2.3.4"; nginx appended the real address; a second proxy (10.1.2.3) its own.
    expect(clientAddress(headers('127.0.0.1', '1.2.3.4, 198.51.100.9, 10.1.2.3'), trusted)).toBe('198.51.100.9');
    expect(clientAddress(headers('127.0.0.1', '198.51.100.9'), trusted)).toBe('198.51.100.9');
    // Garbage ends the chain; nothing forwarded leaves the proxy itself.
    expect(clientAddress(headers('127.0.0.1', 'not-an-ip, 198.51.100.9'), trusted)).toBe('198.51.100.9');
    expect(clientAddress(headers('127.0.0.1', '198.51.100.9, junk'), trusted)).toBe('127.0.0.1');
    expect(clientAddress(headers('127.0.0.1'), trusted)).toBe('127.0.0.1');
  });

  it('trusts nobody with an empty TRUSTED_PROXIES, and knows no client without the stamped peer header', () => {
    expect(clientAddress(headers('127.0.0.1', '198.51.100.9'), parseTrustedProxies(''))).toBe('127.0.0.1');
    expect(clientAddress(headers(null, '198.51.100.9'), trusted)).toBe('unknown');
    expect(() => parseTrustedProxies('nginx.local')).toThrow(/TRUSTED_PROXIES/);
  });

  it('counts IPv6 clients by their /64', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('198.51.100.7')).toBe('198.51.100.7');
  });
});

describe('createRateLimiter', () => {
  it('lets a burst through, then one request per 1/rate seconds, per key', () => {
    const limiter = createRateLimiter({ ratePerSecond: 2, burst: 3 });
    const at = (ms: number, key = 'a') => limiter.take(key, ms);
    expect([at(0), at(0), at(0)].every((d) => d.ok)).toBe(true);
    expect(at(0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(at(0, 'b').ok).toBe(true);
    expect(at(499).ok).toBe(false);
    expect(at(501).ok).toBe(true);
    expect(at(600).ok).toBe(false);
  });

  it('is off at rate 0, and forgets the least recently seen keys past maxKeys', () => {
    expect(createRateLimiter({ ratePerSecond: 0, burst: 1 }).take('a', 0)).toEqual({ ok: true });
    const limiter = createRateLimiter({ ratePerSecond: 1, burst: 1, maxKeys: 2 });
    for (const key of ['a', 'b', 'c']) limiter.take(key, 0);
    expect(limiter.size()).toBe(2);
    expect(limiter.take('a', 0).ok).toBe(true); // forgotten: a fresh bucket
    expect(limiter.take('c', 0).ok).toBe(false);
  });
});
