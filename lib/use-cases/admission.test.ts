import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { createBoundedQueue } from './admission';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('createBoundedQueue', () => {
  it('runs at most `concurrency` tasks at once and the rest in order', async () => {
    const queue = createBoundedQueue({ concurrency: 2, maxQueued: 10, maxWaitMs: 5_000 });
    const gates = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    let peak = 0;
    const runs = gates.map((gate, i) =>
      queue.run(async () => {
        started.push(i);
        peak = Math.max(peak, queue.stats().running);
        await gate.promise;
        return i;
      }),
    );
    await new Promise((done) => setTimeout(done, 10));
    expect(started).toEqual([0, 1]);
    expect(queue.stats()).toMatchObject({ running: 2, queued: 3 });
    for (const gate of gates) gate.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('refuses at once with busy (503, Retry-After) when the line is full', async () => {
    const queue = createBoundedQueue({ concurrency: 1, maxQueued: 1, maxWaitMs: 5_000 });
    const gate = deferred();
    const first = queue.run(() => gate.promise);
    const second = queue.run(() => Promise.resolve('second'));
    const third = queue.run(() => Promise.resolve('third')).catch((error: unknown) => error);
    const refused = await third;
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('busy');
    expect((refused as AppError).status).toBe(503);
    expect((refused as AppError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    gate.resolve();
    await first;
    expect(await second).toBe('second');
    expect(queue.stats()).toEqual({ running: 0, queued: 0, rejected: 1, timedOut: 0 });
  });

  it('times a waiting request out cleanly and keeps serving', async () => {
    const queue = createBoundedQueue({ concurrency: 1, maxQueued: 4, maxWaitMs: 50 });
    const gate = deferred();
    const first = queue.run(() => gate.promise);
    const waited = await queue.run(() => Promise.resolve('late')).catch((error: unknown) => error);
    expect((waited as AppError).code).toBe('timeout');
    expect((waited as AppError).status).toBe(503);
    gate.resolve();
    await first;
    expect(await queue.run(() => Promise.resolve('after'))).toBe('after');
    expect(queue.stats()).toEqual({ running: 0, queued: 0, rejected: 0, timedOut: 1 });
  });

  it('frees the slot when a task fails', async () => {
    const queue = createBoundedQueue({ concurrency: 1, maxQueued: 0, maxWaitMs: 50 });
    await expect(queue.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await queue.run(() => Promise.resolve(7))).toBe(7);
  });
});
