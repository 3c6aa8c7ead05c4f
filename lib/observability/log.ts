import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type Logger } from 'pino';

/** What one request carries through its async work: its id and a logger that stamps every line with it. */
interface RequestContext {
  requestId: string;
  log: Logger;
}

// One root logger and one context store per process, even when Next bundles this module several times.
const holder = globalThis as unknown as { celebrityFinderLog?: { root: Logger; context: AsyncLocalStorage<RequestContext> } };
holder.celebrityFinderLog ??= {
  // JSON lines on stdout (pm2 keeps them in logs/app-out.log); LOG_LEVEL=debug for more, silent for none.
  root: pino({ level: process.env.LOG_LEVEL ?? 'info', base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }),
  context: new AsyncLocalStorage<RequestContext>(),
};
const { root, context } = holder.celebrityFinderLog;

/** The logger for the current request (its lines carry `reqId`), or the process logger outside one. */
export const log: Pick<Logger, 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = {
  debug: (...args: Parameters<Logger['debug']>) => current().debug(...args),
  info: (...args: Parameters<Logger['info']>) => current().info(...args),
  warn: (...args: Parameters<Logger['warn']>) => current().warn(...args),
  error: (...args: Parameters<Logger['error']>) => current().error(...args),
  fatal: (...args: Parameters<Logger['fatal']>) => current().fatal(...args),
} as Pick<Logger, 'debug' | 'info' | 'warn' | 'error' | 'fatal'>;

function current(): Logger {
  return context.getStore()?.log ?? root;
}

/** The current request's id, if any (it is also sent as X-Request-Id and in error bodies). */
export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}

/** Runs `work` as request `requestId`: every log line inside carries it. */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return context.run({ requestId, log: root.child({ reqId: requestId }) }, work);
}
