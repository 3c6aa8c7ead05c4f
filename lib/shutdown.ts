import { log } from './observability/log';
/**
 * Graceful-shutdown registry. Modules that hold resources (the SQLite store, file handles) register a
 * close hook here; hooks run once, after the server has drained.
 *
 * Who runs them: in production server/start-standalone.mjs, on SIGINT/SIGTERM, stops accepting, waits
 * for in-flight requests (recognitions included), then calls `run` on this registry. Everywhere else
 * (`next start`, Next's own server.js, CLIs, tests) they run at process 'exit', which Next's server also
 * reaches only after draining. Hooks are synchronous so they can run at 'exit'; better-sqlite3's close()
 * is synchronous and checkpoints the WAL.
 *
 * The registry lives on globalThis under Symbol.for('celebrity-finder.shutdown') because Next bundles
 * this module separately into the instrumentation hook and each route (all copies must share one list),
 * and because start-standalone.mjs, outside the bundle, calls its `run`.
 */

/** A synchronous close function; it must not throw for an already closed resource. */
export type ShutdownHook = () => void;

interface Registry {
  hooks: Map<string, ShutdownHook>;
  /** runShutdownHooks, reachable from outside the bundle (start-standalone.mjs). */
  run: (reason: string) => string[];
  shuttingDown: boolean;
  exitListenerInstalled: boolean;
  signalListenersInstalled: boolean;
}

const registryKey = Symbol.for('celebrity-finder.shutdown');

function getRegistry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  holder[registryKey] ??= {
    hooks: new Map(),
    run: runShutdownHooks,
    shuttingDown: false,
    exitListenerInstalled: false,
    signalListenersInstalled: false,
  };
  return holder[registryKey];
}

/**
 * Registers `hook` under `name` (a later registration with the same name replaces it) to run when the
 * process exits. Returns a function that unregisters it, for resources closed earlier by their owner.
 */
export function onShutdown(name: string, hook: ShutdownHook): () => void {
  const registry = getRegistry();
  registry.hooks.set(name, hook);
  installExitListener(registry);
  return () => {
    if (registry.hooks.get(name) === hook) registry.hooks.delete(name);
  };
}

function installExitListener(registry: Registry): void {
  if (registry.exitListenerInstalled) return;
  registry.exitListenerInstalled = true;
  process.once('exit', (code) => {
    if (registry.hooks.size === 0) return;
    const ran = runShutdownHooks(`exit ${code}`);
    log.info({ exitCode: code, closed: ran }, 'shutdown: exit');
  });
}

/**
 * Runs every registered hook once, newest first (a resource closes before what it depends on), logging
 * and continuing past a failing hook so one bad close cannot keep the database open. Returns the names run.
 */
export function runShutdownHooks(reason: string): string[] {
  const registry = getRegistry();
  const entries = [...registry.hooks.entries()].reverse();
  registry.hooks.clear();
  const ran: string[] = [];
  for (const [name, hook] of entries) {
    try {
      hook();
      ran.push(name);
    } catch (error) {
      log.error({ err: error, hook: name, reason }, 'shutdown: closing failed');
    }
  }
  return ran;
}

/**
 * Marks the process as draining when SIGINT/SIGTERM arrives, without taking over the signal: the server
 * (Next.js) still owns draining and exit. Only for the server process; a CLI keeps Node's default signals.
 */
export function watchShutdownSignals(): void {
  const registry = getRegistry();
  if (registry.signalListenersInstalled) return;
  registry.signalListenersInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // `on`: a `once` listener is removed before signal-exit (proper-lockfile) counts listeners (start-standalone.mjs).
    process.on(signal, () => {
      registry.shuttingDown = true;
    });
  }
}

/** True once a shutdown signal arrived; /api/health can answer 503 so balancers stop sending work. */
export function isShuttingDown(): boolean {
  return getRegistry().shuttingDown;
}
