import { getConfig } from '@/lib/config';
import { getRecognizer } from '@/lib/recognizer';
import type { Recognizer } from '@/lib/recognizer/types';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** How long a health probe waits for models to load before answering "starting". */
const PROBE_WAIT_MS = 2_000;

type Health = { status: 'ok' | 'starting' | 'error'; recognizer: string; gallery: { celebrities: number | null } };

async function recognizerWithin(ms: number): Promise<Recognizer | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((done) => (timer = setTimeout(() => done(null), ms)));
  try {
    return await Promise.race([getRecognizer(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** 200 {status: "ok", recognizer, gallery: {celebrities}} once models are loaded; 503 before (and on failure). */
export async function GET(): Promise<Response> {
  const kind = getConfig().RECOGNIZER;
  const answer = (health: Health, status: number) =>
    Response.json(health, { status, headers: { 'cache-control': 'no-store', ...(status === 503 ? { 'retry-after': '2' } : {}) } });
  try {
    const recognizer = await recognizerWithin(PROBE_WAIT_MS);
    if (!recognizer) return answer({ status: 'starting', recognizer: kind, gallery: { celebrities: null } }, 503);
    const health = await recognizer.health();
    return answer({ status: health.ready ? 'ok' : 'starting', recognizer: recognizer.kind, gallery: { celebrities: health.celebrities } }, health.ready ? 200 : 503);
  } catch (error) {
    console.error('health check failed', error);
    return answer({ status: 'error', recognizer: kind, gallery: { celebrities: null } }, 503);
  }
}
