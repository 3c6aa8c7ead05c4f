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

describe('background work (video frames)', () => {
  it('runs only in free slots, and a waiting photo goes before every waiting frame', async () => {
    const queue = createBoundedQueue({ concurrency: 2, maxQueued: 4, maxWaitMs: 5_000 });
    const order: string[] = [];
    const frameGates = Array.from({ length: 4 }, deferred);
    const frames = frameGates.map((gate, i) =>
      queue.runBackground(async () => {
        order.push(`frame${i}`);
        await gate.promise;
      }),
    );
    await new Promise((done) => setTimeout(done, 10));
    expect(order).toEqual(['frame0', 'frame1']);
    expect(queue.backgroundStats()).toEqual({ running: 2, queued: 2 });
    const photo = queue.run(async () => {
      order.push('photo');
    });
    frameGates[0]!.resolve();
    await photo;
    // The photo took the first slot a frame gave back, ahead of frames 2 and 3 (frame 2 follows once it is done).
    expect(order.slice(0, 3)).toEqual(['frame0', 'frame1', 'photo']);
    for (const gate of frameGates) gate.resolve();
    await Promise.all(frames);
    expect(order).toEqual(['frame0', 'frame1', 'photo', 'frame2', 'frame3']);
    expect(queue.stats()).toEqual({ running: 0, queued: 0, rejected: 0, timedOut: 0 });
  });

  it('holds at most backgroundConcurrency slots, so photos find one free', async () => {
    const queue = createBoundedQueue({ concurrency: 2, maxQueued: 0, maxWaitMs: 50, backgroundConcurrency: 1 });
    const gate = deferred();
    const frames = [0, 1].map(() => queue.runBackground(() => gate.promise));
    await new Promise((done) => setTimeout(done, 10));
    expect(queue.backgroundStats()).toEqual({ running: 1, queued: 1 });
    // No waiting room at all (maxQueued 0), yet the photo is not refused: a slot is free.
    expect(await queue.run(() => Promise.resolve('photo'))).toBe('photo');
    gate.resolve();
    await Promise.all(frames);
  });
});

describe('tickets: admission before the body is read (issue #21)', () => {
  it('counts a request whose body is still arriving against the queue, and refuses the next one at once', () => {
    const queue = createBoundedQueue({ concurrency: 1, maxQueued: 1, maxWaitMs: 5_000 });
    const reading = [queue.enter(), queue.enter()];
    expect(queue.stats()).toMatchObject({ running: 0, queued: 2 });
    expect(() => queue.enter()).toThrow(expect.objectContaining({ code: 'busy', status: 503 }));
    reading[0]!.release();
    const next = queue.enter();
    expect(queue.stats().queued).toBe(2);
    for (const ticket of [reading[1]!, next]) ticket.release();
    expect(queue.stats()).toMatchObject({ running: 0, queued: 0 });
  });

  it('limits what one client holds at once and how fast it starts, with 429 and Retry-After; other clients are not affected', () => {
    const queue = createBoundedQueue({ concurrency: 2, maxQueued: 50, maxWaitMs: 5_000, perClient: { maxInFlight: 2, ratePerSecond: 1, burst: 3 } });
    const a = [queue.enter({ client: 'a' }), queue.enter({ client: 'a' })];
    expect(() => queue.enter({ client: 'a' })).toThrow(expect.objectContaining({ code: 'rate_limited', status: 429, retryAfterSeconds: 1 }));
    expect(queue.enter({ client: 'b' })).toBeDefined();
    a[0]!.release();
    queue.enter({ client: 'a' }).release(); // third token of the burst
    const overRate = (() => {
      try {
        queue.enter({ client: 'a' });
        return null;
      } catch (error) {
        return error as AppError;
      }
    })();
    expect([overRate?.code, overRate?.status, overRate?.message]).toEqual(['rate_limited', 429, 'Too many photos from your address in a short time. Please wait a moment.']);
    expect(overRate?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('frees the slot at the deadline with 504 and aborts the running task, which the next request then gets', async () => {
    const queue = createBoundedQueue({ concurrency: 1, maxQueued: 4, maxWaitMs: 5_000, deadlineMs: 50 });
    let aborted: unknown = null;
    const stuck = queue.run((signal) => new Promise((resolve) => signal.addEventListener('abort', () => {
      aborted = signal.reason;
      setTimeout(resolve, 200); // notices late: the slot must not wait for it
    })));
    const started = performance.now();
    const after = queue.run(async () => performance.now() - started);
    await expect(stuck).rejects.toMatchObject({ code: 'deadline', status: 504 });
    expect(aborted).toMatchObject({ code: 'deadline' });
    expect(await after).toBeLessThan(150);
  });

  it('cancels a waiting request when its client goes away: it never runs, and its place is free', async () => {
    const queue = createBoundedQueue({ concurrency: 1, maxQueued: 4, maxWaitMs: 5_000 });
    const gate = deferred();
    const first = queue.run(() => gate.promise);
    const client = new AbortController();
    let ran = false;
    const waiting = queue.run(async () => {
      ran = true;
    }, { signal: client.signal });
    expect(queue.stats()).toMatchObject({ running: 1, queued: 1 });
    client.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'cancelled' });
    expect(queue.stats()).toMatchObject({ running: 1, queued: 0 });
    gate.resolve();
    await first;
    expect(ran).toBe(false);
  });

  it('aborts a running task when its client goes away and frees the slot at once', async () => {
    const queue = createBoundedQueue({ concurrency: 1, maxQueued: 4, maxWaitMs: 5_000 });
    const client = new AbortController();
    let sawAbort = false;
    const running = queue.run((signal) => new Promise((resolve) => signal.addEventListener('abort', () => {
      sawAbort = true;
      setTimeout(resolve, 100);
    })), { signal: client.signal });
    await new Promise((done) => setTimeout(done, 10));
    client.abort();
    await expect(running).rejects.toMatchObject({ code: 'cancelled' });
    expect(sawAbort).toBe(true);
    expect(queue.stats()).toMatchObject({ running: 0, queued: 0 });
  });

  it('reports every refusal with its reason', () => {
    const reasons: string[] = [];
    const queue = createBoundedQueue({ concurrency: 1, maxQueued: 0, maxWaitMs: 5_000, perClient: { maxInFlight: 1, ratePerSecond: 0, burst: 1 }, onRefused: (reason) => reasons.push(reason) });
    const held = queue.enter({ client: 'a' });
    expect(() => queue.enter({ client: 'a' })).toThrow();
    expect(() => queue.enter({ client: 'b' })).toThrow();
    held.release();
    expect(reasons).toEqual(['in_flight', 'busy']);
  });
});

describe('a byte bound on the bodies admitted (issue #21 item 2)', () => {
  it('refuses a body that would take the admitted bytes past maxBytes, and always admits one', () => {
    const queue = createBoundedQueue({ concurrency: 2, maxQueued: 16, maxWaitMs: 5_000, maxBytes: 25 });
    const first = queue.enter({ bytes: 100 }); // alone: admitted whatever its size
    expect(() => queue.enter({ bytes: 1 })).toThrow(expect.objectContaining({ code: 'busy' }));
    first.release();
    const held = [queue.enter({ bytes: 10 }), queue.enter({ bytes: 10 })];
    expect(() => queue.enter({ bytes: 10 })).toThrow(expect.objectContaining({ code: 'busy', status: 503 }));
    expect(queue.enter({ bytes: 5 })).toBeDefined();
    for (const ticket of held) ticket.release();
    expect(queue.enter({ bytes: 20 })).toBeDefined();
  });
});
