/**
 * The production stack as deploy/README.md sets it up, for tests and benchmarks: the standalone release
 * (rebuilt when its sources changed), pm2 with ecosystem.config.js in cluster mode under a private
 * PM2_HOME, and a private nginx with deploy/nginx/celebrity-finder.conf in front.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createPrivateNginx, ensureNginx, renderSite, type PrivateNginx } from './nginx';
import { createPm2, type Pm2 } from './pm2';
import { freePort, run, runLive, waitFor } from './run';

export const repoRoot = resolve(import.meta.dirname, '../..');

/** Runs server/build-standalone.mjs unless build/current already holds a release of these sources. */
export async function buildIfStale(env: NodeJS.ProcessEnv): Promise<string> {
  const hash = run('node', ['server/build-standalone.mjs', '--print-hash'], { cwd: repoRoot }).trim();
  const info = join(repoRoot, 'build', 'current', 'BUILD_INFO.json');
  const fresh = existsSync(info) && (JSON.parse(readFileSync(info, 'utf8')) as { sourceHash: string }).sourceHash === hash;
  if (fresh && process.env.SMOKE_REBUILD !== '1') return `reused build of ${hash}`;
  await runLive('node', ['server/build-standalone.mjs'], env, repoRoot);
  return `built ${hash}`;
}

export interface Stack {
  /** nginx's address: http://127.0.0.1:PORT */
  base: string;
  /** The app's own port behind nginx (its /metrics is not served through nginx). */
  app: string;
  pm2: Pm2;
  nginx: PrivateNginx;
  stop(): void;
}

/** Builds if stale, starts pm2 (WEB_CONCURRENCY workers, default 2) and nginx in `work`, waits for health. */
export async function startStack(work: string, extraEnv: Record<string, string> = {}): Promise<Stack> {
  mkdirSync(work, { recursive: true });
  chmodSync(work, 0o755); // nginx workers run unprivileged and must reach their temp dirs inside
  const binary = ensureNginx();
  await buildIfStale(process.env);
  const appPort = await freePort(3400, 3449);
  const nginxPort = await freePort(8400, 8449);
  const appName = `cf-stack-${process.pid}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env, PM2_HOME: join(work, 'pm2'), PM2_APP_NAME: appName, PORT: String(appPort),
    DATA_DIR: join(work, 'data'), LOG_DIR: join(work, 'logs'), RECOGNIZER: 'local', ...extraEnv,
  };
  const pm2 = createPm2(repoRoot, env, appName);
  pm2.start();
  const nginx = createPrivateNginx(binary, join(work, 'nginx'), renderSite(readFileSync(join(repoRoot, 'deploy/nginx/celebrity-finder.conf'), 'utf8'), nginxPort, appPort));
  const stop = () => {
    try {
      pm2.kill();
    } finally {
      nginx.stop();
    }
  };
  try {
    nginx.start();
    const base = `http://127.0.0.1:${nginxPort}`;
    await waitFor('/api/health 200 through nginx', async () => (await fetch(`${base}/api/health`)).ok, 120_000);
    return { base, app: `http://127.0.0.1:${appPort}`, pm2, nginx, stop };
  } catch (error) {
    stop();
    throw error;
  }
}
