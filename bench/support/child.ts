/**
 * Peers run in child processes so their WASM heaps and threads neither share our RSS figure nor linger in
 * our process. Parent and child talk over Node's IPC channel: progress ticks, then one result message.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// tsx's loader by absolute URL, so children start the same whatever the working directory.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** What a peer measured: bytes → descriptors latency per photo, the faces it found, its own peak RSS. */
export interface PeerResult {
  runtime: string;
  /** How the runtime was configured (threads, backend, models), printed beside the figures. */
  settings: string;
  /** Photo name → end-to-end ms samples (warm-up excluded). */
  perPhoto: Record<string, number[]>;
  /** Photo name → faces found in the last pass. */
  faces: Record<string, number>;
  /** Optional per-stage ms samples (stage → values). */
  stages?: Record<string, number[]>;
  peakRssMb: number;
}

type Message<T> =
  | { type: 'progress'; done: number; total: number; label: string }
  | { type: 'result'; result: T }
  | { type: 'error'; message: string };

/** Child side: report one progress tick to the parent (no-op when run standalone). */
export function reportProgress(done: number, total: number, label: string): void {
  process.send?.({ type: 'progress', done, total, label } satisfies Message<never>);
}

/** Child side: run with the count given as first argument, send the result or error, then exit. */
export async function runChildMain<T>(run: (count: number) => Promise<T>): Promise<void> {
  const count = Number(process.argv[2] ?? '5');
  try {
    const result = await run(count);
    if (process.send) process.send({ type: 'result', result } satisfies Message<T>, () => process.exit(0));
    else {
      console.log(JSON.stringify(result));
      process.exit(0);
    }
  } catch (err) {
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    if (process.send) process.send({ type: 'error', message } satisfies Message<T>, () => process.exit(1));
    else {
      console.error(message);
      process.exit(1);
    }
  }
}

/**
 * Parent side: fork a child script under tsx with a count argument, relay its progress, resolve with its
 * result. Rejects when the child fails, exits without a result, or exceeds the timeout (then it is killed).
 */
export function runChild<T>(
  script: string,
  count: number,
  onProgress: (done: number, total: number, label: string) => void,
  timeoutMs = 15 * 60_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(script, [String(count)], {
      execArgv: ['--import', tsxLoader],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() => reject(new Error(`${script}: timed out after ${timeoutMs} ms`)));
    }, timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.on('message', (raw) => {
      const msg = raw as Message<T>;
      if (msg.type === 'progress') onProgress(msg.done, msg.total, msg.label);
      else if (msg.type === 'result') finish(() => resolve(msg.result));
      else finish(() => reject(new Error(`${script} failed:\n${msg.message}`)));
    });
    child.on('exit', (code) => {
      finish(() => reject(new Error(`${script} exited (${code}) without a result:\n${stderr}`)));
    });
  });
}

/** Peak resident set size of this process so far, in MB (getrusage ru_maxrss: the kernel's own high-water mark). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
