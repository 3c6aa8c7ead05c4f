import { metricsText } from '@/lib/use-cases/health';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * Prometheus metrics of the process that answers (label `worker`). The public nginx site refuses this
 * path; scrape it on the app's own port or METRICS_PORT (docs/deploy.md "Metrics").
 */
export async function GET(): Promise<Response> {
  const { body, contentType } = await metricsText();
  return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
}
