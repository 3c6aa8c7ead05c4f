/**
 * How stored photos and face crops are cached: only by the viewer's own browser (`private`: no proxy or
 * CDN in between may keep one), and revalidated on every use (`no-cache`) against an ETag, so a DELETE takes
 * effect at once everywhere (the next revalidation gets 404) while an unchanged photo costs a 304 only.
 */
export const PRIVATE_REVALIDATE = 'private, no-cache';

/** Whether If-None-Match names `etag` (or `*`), weak or strong. */
function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').map((tag) => tag.trim().replace(/^W\//, '')).some((tag) => tag === etag || tag === '*');
}

/** A 200 with the bytes, or a bodiless 304 when the browser's copy (If-None-Match) is still this one. */
export function privatelyCached(request: Request, bytes: Uint8Array, etag: string, contentType: string): Response {
  const headers = { etag, 'cache-control': PRIVATE_REVALIDATE, 'x-content-type-options': 'nosniff' };
  if (matches(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });
  return new Response(Buffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength), {
    headers: { ...headers, 'content-type': contentType, 'content-length': String(bytes.byteLength) },
  });
}
