import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './datasets';

/**
 * The app checkout to build and serve: the repo itself, or REKOGNITION_TEST_APP_DIR (e.g. a copy with its
 * own .next, so a run does not share the build directory with other work in progress).
 */
const appDir = process.env.REKOGNITION_TEST_APP_DIR ?? repoRoot;
const NEXT_BIN = join(repoRoot, 'node_modules/next/dist/bin/next');
/** Inputs of the production build; a build older than any of them is rebuilt. */
const BUILD_INPUTS = ['app', 'components', 'lib', 'next.config.mjs', 'package-lock.json', 'postcss.config.mjs'];
/** Serialises builds: helpers and test files share one .next. */
const BUILD_LOCK = '/tmp/cf-next-build.lock';

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), stat.mtimeMs);
}

/** Runs `next build` unless .next already holds a build newer than every source file. */
export function ensureProductionBuild(): void {
  const buildId = join(appDir, '.next/BUILD_ID');
  const sourcesChanged = Math.max(...BUILD_INPUTS.map((input) => newestMtime(join(appDir, input))));
  if (existsSync(buildId) && statSync(buildId).mtimeMs > sourcesChanged) return;
  const result = spawnSync('flock', [BUILD_LOCK, process.execPath, NEXT_BIN, 'build'], {
    cwd: appDir,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error(`next build failed with status ${result.status}`);
}

export interface RunningApp {
  baseUrl: string;
  /** The server's process id (it leads its own process group); for RSS sampling and crash tests. */
  pid: number;
  stop(): Promise<void>;
  /** SIGKILLs the server's process group and waits for the exit: a crash, no draining. */
  kill(): Promise<void>;
}

/** Starts `next start` on 127.0.0.1:port with extra env, resolving once it answers HTTP. */
export async function startApp(port: number, env: Record<string, string>): Promise<RunningApp> {
  const child = spawn(process.execPath, [NEXT_BIN, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: appDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(baseUrl, child);
  } catch (error) {
    await stopChild(child);
    throw new Error(`app on port ${port} did not start: ${(error as Error).message}\n${output}`);
  }
  return { baseUrl, pid: child.pid ?? -1, stop: () => stopChild(child), kill: () => stopChild(child, 'SIGKILL') };
}

async function waitUntilServing(baseUrl: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      await fetch(`${baseUrl}/api/rekognition`, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch {
      await new Promise((done) => setTimeout(done, 250));
    }
  }
  throw new Error(`no answer within ${timeoutMs} ms`);
}

/** Ends the server and anything it spawned (its own process group), waiting for the exit. */
async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((done) => child.once('exit', done));
  process.kill(-child.pid, signal);
  const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
