import { describe, expect, it } from 'vitest';
import { hashDeleteToken, newDeleteToken, verifyDeleteToken, deleteTokenFromHeaders } from './delete-token';

describe('delete tokens', () => {
  it('are random, stored only as SHA-256, and verified in constant time', () => {
    const first = newDeleteToken();
    const second = newDeleteToken();
    expect(first.token).not.toBe(second.token);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.hash).toBe(hashDeleteToken(first.token));
    expect(verifyDeleteToken(first.token, first.hash)).toBe(true);
    expect(verifyDeleteToken(second.token, first.hash)).toBe(false);
    expect(verifyDeleteToken(first.hash, first.hash)).toBe(false);
    expect(verifyDeleteToken(first.token, 'not-hex')).toBe(false);
  });

  it('are read from Authorization: Bearer or X-Delete-Token', () => {
    expect(deleteTokenFromHeaders(new Headers({ authorization: 'Bearer abc' }))).toBe('abc');
    expect(deleteTokenFromHeaders(new Headers({ 'x-delete-token': 'def' }))).toBe('def');
    expect(deleteTokenFromHeaders(new Headers({ authorization: 'Basic abc' }))).toBeNull();
    expect(deleteTokenFromHeaders(new Headers({ 'x-delete-token': 'x'.repeat(300) }))).toBeNull();
    expect(deleteTokenFromHeaders(new Headers())).toBeNull();
  });
});
