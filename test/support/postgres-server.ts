/**
 * A real PostgreSQL server from Debian's packages for tests and benchmarks: `initdb` into a temporary folder
 * as an unprivileged user (the `postgres` system user when the tests run as root, else the caller), on its
 * own loopback port and its own socket folder, with a password (scram-sha-256). Nothing of the machine's own
 * clusters is touched. server/install-system-deps.sh installs the package.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostgresServer {
  /** postgres://… of the `celebrity` superuser's database `celebrity`. */
  url: string;
  port: number;
  dir: string;
  /** A new, empty database on the same server; resolves to its URL. */
  createDatabase(name: string): string;
  stop(): void;
}

/** initdb, pg_ctl: Debian keeps them out of PATH under /usr/lib/postgresql/<version>/bin. */
export function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error('PostgreSQL is not installed: run server/install-system-deps.sh (apt-get install postgresql)');
  return join(root, versions[0]!, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function userIds(name: string): { uid: number; gid: number } | null {
  const result = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const group = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  return result.status === 0 && group.status === 0 ? { uid: Number(result.stdout.trim()), gid: Number(group.stdout.trim()) } : null;
}

const PASSWORD = 'celebrity-test';

/**
 * Starts a private cluster; `stop()` shuts it down (fast) and removes its folder unless `keep`. Run as root,
 * `parent` must be reachable by the postgres user (mode 755 on every folder above it).
 */
export async function startPostgres(options: { parent?: string; keep?: boolean; settings?: Record<string, string> } = {}): Promise<PostgresServer> {
  const bin = postgresBin();
  const parent = options.parent ?? tmpdir();
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'cf-pg-'));
  const data = join(dir, 'data');
  const sockets = join(dir, 'sockets');
  mkdirSync(sockets);
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${PASSWORD}\n`);
  // PostgreSQL refuses to run as root: hand the folder to the postgres (or nobody) user and run as them.
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? (userIds('postgres') ?? userIds('nobody')) : null;
  if (asRoot && !owner) throw new Error('no unprivileged user (postgres or nobody) to run PostgreSQL as');
  chmodSync(dir, 0o755);
  if (owner) for (const path of [dir, sockets, pwfile]) chownSync(path, owner.uid, owner.gid);
  const as = (command: string, args: string[]) => {
    const [file, argv] = owner ? ['setpriv', ['--reuid', String(owner.uid), '--regid', String(owner.gid), '--clear-groups', command, ...args]] : [command, args];
    const result = spawnSync(file, argv, { encoding: 'utf8', cwd: dir, env: { ...process.env, LC_ALL: 'C.UTF-8', PGPASSWORD: PASSWORD } });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stdout}${result.stderr}`);
    return result.stdout;
  };
  as(join(bin, 'initdb'), ['-D', data, '-U', 'celebrity', '--pwfile', pwfile, '--auth-local=scram-sha-256', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-instructions']);
  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addresses: "'127.0.0.1'",
    port: String(port),
    unix_socket_directories: `'${sockets}'`,
    max_connections: '100',
    ...options.settings,
  };
  writeFileSync(join(data, 'postgresql.auto.conf'), Object.entries(settings).map(([k, v]) => `${k} = ${v}\n`).join(''), { flag: 'a' });
  as(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  const base = `postgres://celebrity:${PASSWORD}@127.0.0.1:${port}`;
  const psql = (sql: string) => as('/usr/bin/psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', sockets, '-p', String(port), '-U', 'celebrity', '-d', 'postgres', '-c', sql]);
  psql('CREATE DATABASE celebrity');
  let stopped = false;
  return {
    url: `${base}/celebrity`,
    port,
    dir,
    createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a database name: ${name}`);
      psql(`CREATE DATABASE ${name}`);
      return `${base}/${name}`;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
      } finally {
        if (!options.keep) rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
