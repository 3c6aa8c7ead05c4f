import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The abort signal of the recognition the current async work belongs to. The admission queue runs every
 * recognition inside `withCancellation` (aborted at RECOGNITION_DEADLINE_MS or when the client goes away),
 * and long-running layers (the engine between its stages, the AWS call) check it, so abandoned work stops
 * without every layer in between passing a signal along.
 */
const holder = globalThis as unknown as { celebrityFinderCancellation?: AsyncLocalStorage<AbortSignal> };
holder.celebrityFinderCancellation ??= new AsyncLocalStorage<AbortSignal>();
const storage = holder.celebrityFinderCancellation;

/** Runs `work` with `signal` as the current recognition's signal. */
export function withCancellation<T>(signal: AbortSignal, work: () => T): T {
  return storage.run(signal, work);
}

/** The current recognition's signal, if the work runs inside one. */
export function currentSignal(): AbortSignal | undefined {
  return storage.getStore();
}

/** Throws the signal's reason (an AppError: deadline or cancelled) when the current recognition was stopped. */
export function throwIfCancelled(): void {
  storage.getStore()?.throwIfAborted();
}
