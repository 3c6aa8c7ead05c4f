/** Process helpers for the deploy smoke test: commands with output on failure, timed steps, free ports. */
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createServer } from 'node:net';

export interface StepTiming {
  name: string;
  seconds: number;
  ok: boolean;
}

export const timings: StepTiming[] = [];

/** Runs one named step, records its duration and whether it passed; the error propagates. */
export async function step<T>(name: string, work: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  process.stdout.write(`smoke: ${name} ...\n`);
  try {
    const value = await work();
    timings.push({ name, seconds: (performance.now() - started) / 1000, ok: true });
    return value;
  } catch (error) {
    timings.push({ name, seconds: (performance.now() - started) / 1000, ok: false });
    throw error;
  }
}

/** Runs a command synchronously; throws with its captured output when it fails. */
export function run(command: string, args: string[], options: SpawnSyncOptions & { quiet?: boolean } = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.error) throw new Error(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${output.slice(-4000)}`);
  }
  return output;
}

/**
 * Runs a command without blocking the event loop (what must happen while this process keeps sending
 * requests, e.g. `pm2 reload` under a request stream); rejects with its output when it fails or outlives `timeoutMs`.
 */
export function runAsync(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${command} could not run: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${output.slice(-4000)}`));
    });
  });
}

/** Runs a command with live output (long builds), rejecting on a non-zero exit. */
export function runLive(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))));
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** First free loopback port in [from, to]; the smoke test keeps to the ranges assigned to it. */
export async function freePort(from: number, to: number): Promise<number> {
  for (let port = from; port <= to; port += 1) {
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port in ${from}-${to}`);
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
