/** The project's own pm2 (node_modules/.bin/pm2) with a private PM2_HOME, driven through ecosystem.config.js. */
import { join } from 'node:path';
import { run, runAsync } from './run';

export interface WorkerInfo {
  pmId: number;
  pid: number;
  status: string;
  memoryBytes: number;
  restarts: number;
}

export interface Pm2 {
  start(): void;
  /** Resolves when pm2 has replaced every worker; the caller's event loop keeps running meanwhile. */
  reload(): Promise<void>;
  workers(): WorkerInfo[];
  kill(): void;
}

interface JlistEntry {
  name: string;
  pm_id: number;
  pid: number;
  monit?: { memory?: number };
  pm2_env?: { status?: string; restart_time?: number };
}

/** pm2 commands for one app name; `env` carries PM2_HOME, PORT, DATA_DIR, LOG_DIR and PM2_APP_NAME. */
export function createPm2(root: string, env: NodeJS.ProcessEnv, appName: string): Pm2 {
  const binary = join(root, 'node_modules', '.bin', 'pm2');
  const pm2 = (args: string[]) => run(binary, args, { cwd: root, env, timeout: 180_000 });
  return {
    start: () => void pm2(['start', 'ecosystem.config.js']),
    // --update-env: the reloaded workers take this run's PORT/DATA_DIR, as a deploy's reload takes new settings.
    reload: async () => {
      await runAsync(binary, ['reload', 'ecosystem.config.js', '--update-env'], { cwd: root, env, timeoutMs: 180_000 });
    },
    workers() {
      const list = JSON.parse(pm2(['jlist']).trim().split('\n').pop() ?? '[]') as JlistEntry[];
      return list.filter((entry) => entry.name === appName).map((entry) => ({
        pmId: entry.pm_id,
        pid: entry.pid,
        status: entry.pm2_env?.status ?? 'unknown',
        memoryBytes: entry.monit?.memory ?? 0,
        restarts: entry.pm2_env?.restart_time ?? 0,
      }));
    },
    kill() {
      run(binary, ['kill'], { cwd: root, env, timeout: 60_000 });
    },
  };
}
