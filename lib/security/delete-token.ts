import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh delete token (256 random bits, base64url) and the SHA-256 hex digest that is stored instead. */
export function newDeleteToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashDeleteToken(token) };
}

/** SHA-256 hex of a token: the only form the store keeps, so a leaked database cannot delete results. */
export function hashDeleteToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether `token` matches the stored hash, compared in constant time. */
export function verifyDeleteToken(token: string, storedHash: string): boolean {
  const given = Buffer.from(hashDeleteToken(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === given.length && timingSafeEqual(given, stored);
}

/** The token from `Authorization: Bearer <token>` or `X-Delete-Token: <token>`, or null when neither is sent. */
export function deleteTokenFromHeaders(headers: Headers): string | null {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.get('authorization') ?? '');
  const token = bearer?.[1] ?? headers.get('x-delete-token')?.trim();
  // Tokens are 43 base64url characters; anything far longer is refused before hashing.
  return token && token.length <= 256 ? token : null;
}
