/** A per-key token bucket: what nginx's limit_req does, for deployments without nginx in front. */
export interface RateLimitOptions {
  /** Tokens added per second (the sustained rate); 0 turns the limiter off. */
  ratePerSecond: number;
  /** Bucket size: requests a key may send at once after being idle. */
  burst: number;
  /** Keys remembered at most; the least recently seen are forgotten first (default 100,000: a few MB). */
  maxKeys?: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  /** performance.now() of the last refill. */
  at: number;
}

export interface RateLimiter {
  /** Takes one token for `key`: ok, or how many seconds until the next token. */
  take(key: string, now?: number): RateDecision;
  /** Keys currently remembered (for tests and metrics). */
  size(): number;
}

export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const maxKeys = options.maxKeys ?? 100_000;
  const { ratePerSecond, burst } = options;
  return {
    take(key, now = performance.now()) {
      if (ratePerSecond <= 0) return { ok: true };
      const previous = buckets.get(key);
      const tokens = previous ? Math.min(burst, previous.tokens + ((now - previous.at) / 1000) * ratePerSecond) : burst;
      // Re-inserted so the map's order is least recently seen first: eviction drops idle keys.
      buckets.delete(key);
      if (tokens >= 1) {
        buckets.set(key, { tokens: tokens - 1, at: now });
        if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value as string);
        return { ok: true };
      }
      buckets.set(key, { tokens, at: now });
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / ratePerSecond)) };
    },
    size: () => buckets.size,
  };
}
