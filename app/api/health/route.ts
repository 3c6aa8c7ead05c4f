import { checkHealth } from '@/lib/use-cases/health';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** How long a health probe waits for models to load before answering "starting". */
const PROBE_WAIT_MS = 2_000;

/** 200 {status: "ok", recognizer, gallery: {celebrities}} once models are loaded; 503 before (and on failure). */
export async function GET(): Promise<Response> {
  const health = await checkHealth(PROBE_WAIT_MS);
  const ok = health.status === 'ok';
  return Response.json(health, { status: ok ? 200 : 503, headers: { 'cache-control': 'no-store', ...(ok ? {} : { 'retry-after': '2' }) } });
}
