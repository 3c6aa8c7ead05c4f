/**
 * The origin people reach the app at, for absolute share URLs and Open Graph tags. Behind nginx the
 * request's own URL is the loopback address, so X-Forwarded-Host/-Proto (set by our proxy config) win.
 */
export function publicOrigin(headers: Headers, fallback = 'http://localhost:3000'): string {
  const host = headers.get('x-forwarded-host') ?? headers.get('host');
  if (!host || !/^[A-Za-z0-9.\-:[\]]+$/.test(host)) return fallback;
  const forwardedProto = headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
  const proto = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : 'http';
  return `${proto}://${host}`;
}

/** Path of a result's shareable page. */
export function resultPath(id: string): string {
  return `/r/${id}`;
}

/** Path of a video's result page. */
export function videoPath(id: string): string {
  return `/v/${id}`;
}
