/**
 * A private nginx for the smoke test: the repository's site config rendered for test ports, under its own
 * prefix, pid and log files. The system nginx (if any) is never started, stopped or reconfigured.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './run';

export const nginxBinary = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'].find(existsSync);

/** Installs Debian's nginx when it is missing (CI runs as root on a fresh Debian machine). */
export function ensureNginx(): string {
  if (nginxBinary) return nginxBinary;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args: string[]) => {
    const [command, ...rest] = [...(process.getuid?.() === 0 ? [] : ['sudo']), 'apt-get', ...args];
    run(command!, rest, { env });
  };
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', 'nginx']);
  if (!existsSync('/usr/sbin/nginx')) throw new Error('apt-get installed nginx but /usr/sbin/nginx is missing');
  return '/usr/sbin/nginx';
}

function replaceOnce(text: string, from: string, to: string): string {
  const count = text.split(from).length - 1;
  if (count !== 1) throw new Error(`deploy/nginx/celebrity-finder.conf: expected "${from}" once, found ${count} times`);
  return text.replace(from, to);
}

/** The production site config with only its listen address and upstream port changed. */
export function renderSite(siteConf: string, listenPort: number, appPort: number): string {
  let text = replaceOnce(siteConf, '    listen 80;', `    listen 127.0.0.1:${listenPort};`);
  text = replaceOnce(text, '    listen [::]:80;\n', '');
  return replaceOnce(text, 'server 127.0.0.1:3000;', `server 127.0.0.1:${appPort};`);
}

/** client_max_body_size of the site config in bytes (k/m suffixes as nginx reads them). */
export function clientMaxBodyBytes(siteConf: string): number {
  const match = /client_max_body_size\s+(\d+)([kKmM]?);/.exec(siteConf);
  if (!match) throw new Error('client_max_body_size not found in the site config');
  const unit = { '': 1, k: 1024, m: 1024 * 1024 }[match[2]!.toLowerCase() as '' | 'k' | 'm'];
  return Number(match[1]) * unit;
}

export interface PrivateNginx {
  prefix: string;
  conf: string;
  errorLog: string;
  accessLog: string;
  start(): void;
  stop(): void;
}

/** Writes nginx.conf + site.conf under `prefix`; start() tests the config (`nginx -t`) and starts it. */
export function createPrivateNginx(binary: string, prefix: string, site: string): PrivateNginx {
  const temp = join(prefix, 'temp');
  mkdirSync(temp, { recursive: true });
  chmodSync(temp, 0o777); // worker processes run as an unprivileged user when the master is root
  const conf = join(prefix, 'nginx.conf');
  const errorLog = join(prefix, 'error.log');
  const accessLog = join(prefix, 'access.log');
  writeFileSync(join(prefix, 'site.conf'), site);
  writeFileSync(conf, [
    'worker_processes 1;',
    `pid ${join(prefix, 'nginx.pid')};`,
    `error_log ${errorLog} warn;`,
    'events { worker_connections 512; }',
    'http {',
    '  include /etc/nginx/mime.types;',
    '  default_type application/octet-stream;',
    `  access_log ${accessLog};`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${join(temp, kind)};`),
    `  include ${join(prefix, 'site.conf')};`,
    '}',
    '',
  ].join('\n'));
  const base = ['-p', prefix, '-c', conf];
  return {
    prefix, conf, errorLog, accessLog,
    start() {
      run(binary, [...base, '-t']);
      run(binary, base);
    },
    stop() {
      const pidFile = join(prefix, 'nginx.pid');
      if (!existsSync(pidFile)) return;
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        return; // already gone
      }
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && isAlive(pid)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    },
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
