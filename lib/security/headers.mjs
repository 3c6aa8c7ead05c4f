/**
 * Security headers for every page and API answer (wired in next.config.mjs). Plain .mjs so next.config
 * can import it without a TypeScript step.
 *
 * script-src needs 'unsafe-inline': the App Router streams its hydration data as inline scripts and this
 * app has no per-request nonce middleware. Everything else is same-origin only; blob:/data: images cover
 * the upload preview and pasted photos.
 */
export function contentSecurityPolicy(dev = false) {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? ' ws: wss:' : ''}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** @param {boolean} dev */
export function securityHeaders(dev = false) {
  return [
    { key: 'Content-Security-Policy', value: contentSecurityPolicy(dev) },
    { key: 'X-Content-Type-Options', value: 'nosniff' },
    { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
    { key: 'X-Frame-Options', value: 'DENY' },
    { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
  ];
}
