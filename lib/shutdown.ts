/**
 * Graceful-shutdown registry. Modules that hold resources (the SQLite store, file handles) register a
 * close hook here; hooks run once when the process exits.
 *
 * Why at 'exit': on SIGINT/SIGTERM Next.js 16's own server (standalone server.js and `next start`) stops
 * accepting connections, waits for in-flight requests (recognitions included) to finish, then calls
 * process.exit. Running hooks at 'exit' therefore closes the database only after the last request that
 * could use it, and works the same in CLIs and tests that simply end. 'exit' handlers must be
 * synchronous, which suits better-sqlite3 (close() is synchronous and checkpoints the WAL).
 *
 * The registry lives on globalThis because Next bundles this module separately into the instrumentation
 * hook and each route, and all copies must share one list.
 */

/** A synchronous close function; it must not throw for an already closed resource. */
export type ShutdownHook = () => void;

interface Registry {
  hooks: Map<string, ShutdownHook>;
  shuttingDown: boolean;
  exitListenerInstalled: boolean;
  signalListenersInstalled: boolean;
}

const registryKey = Symbol.for('celebrity-finder.shutdown');

function getRegistry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  holder[registryKey] ??= {
    hooks: new Map(),
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
  process.once('exit', (code) => runShutdownHooks(`exit ${code}`));
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
      console.error(`shutdown: closing ${name} failed`, error);
    }
  }
  console.log(`shutdown: pid ${process.pid} ${reason}, closed [${ran.join(', ')}]`);
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
  // Always log the exit line in the server, so operators (and the smoke test) see a drained, clean exit.
  installExitListener(registry);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      registry.shuttingDown = true;
      console.log(`shutdown: pid ${process.pid} got ${signal}, finishing in-flight requests`);
    });
  }
}

/** True once a shutdown signal arrived; /api/health can answer 503 so balancers stop sending work. */
export function isShuttingDown(): boolean {
  return getRegistry().shuttingDown;
}
