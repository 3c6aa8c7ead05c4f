import pg from 'pg';
import { log } from '../observability/log';
import { migrations, type Migration } from './postgres-migrations';

/**
 * The PostgreSQL gateway: the only module that opens connections (node-postgres's Pool). Every other
 * lib/store/postgres-*.ts module runs its SQL through the PgDatabase this returns.
 */

export interface PgSettings {
  url: string;
  /** Connections this process may hold. */
  poolMax: number;
  /** Longest wait for a connection (a new one, or a free one from a full pool). */
  connectTimeoutMs: number;
  /** Idle connections are closed after this long. */
  idleTimeoutMs: number;
  /** statement_timeout of every connection. */
  statementTimeoutMs: number;
  /** application_name, shown in pg_stat_activity. */
  applicationName?: string;
}

export interface PgDatabase {
  pool: pg.Pool;
  /** Resolves once the schema is migrated (every query method waits for it). */
  ready: Promise<void>;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Runs `work` in one transaction on one connection (BEGIN … COMMIT, ROLLBACK on a throw). */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  /**
   * Runs `work` only if no other process (on any host) runs the job `name` now: a session advisory lock,
   * released at the end or when the connection dies with its process. Resolves to null when it was held.
   */
  exclusive<T>(name: string, work: () => Promise<T>): Promise<T | null>;
  /** A dedicated connection outside the pool (LISTEN needs one that stays). */
  connect(): Promise<pg.Client>;
  close(): Promise<void>;
}

/** Advisory lock keys: one bigint per name, derived in SQL (hashtext) so every host agrees. */
const LOCK_NAMESPACE = 'celebrity-finder:';
const MIGRATION_LOCK = `${LOCK_NAMESPACE}migrations`;

function clientConfig(settings: PgSettings): pg.ClientConfig {
  return {
    connectionString: settings.url,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    statement_timeout: settings.statementTimeoutMs,
    application_name: settings.applicationName ?? 'celebrity-finder',
    keepAlive: true,
  };
}

/**
 * Applies the migrations not yet recorded in schema_migrations, each in its own transaction, while holding
 * a session advisory lock: when several hosts (or pm2 workers) start at once, one migrates and the others
 * wait for the lock, then find every version recorded and apply nothing.
 */
export async function migrate(client: pg.ClientBase, list: readonly Migration[] = migrations): Promise<number[]> {
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const applied: number[] = [];
    for (const migration of [...list].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(migration.version);
    }
    if (applied.length > 0) log.info({ applied }, 'postgres: migrations applied');
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK]).catch(() => undefined);
  }
}

/** Opens the pool and starts migrating at once; queries wait for the migration. */
export function openPgDatabase(settings: PgSettings): PgDatabase {
  const pool = new pg.Pool({ ...clientConfig(settings), max: settings.poolMax, idleTimeoutMillis: settings.idleTimeoutMs });
  // An idle connection the server dropped (restart, failover) is an event on the pool, not a crash.
  pool.on('error', (error) => log.warn({ err: error }, 'postgres: idle connection lost'));

  const ready = (async () => {
    const client = await pool.connect();
    try {
      await migrate(client);
    } finally {
      client.release();
    }
  })();
  ready.catch((error: unknown) => log.error({ err: error }, 'postgres: schema not ready'));

  /**
   * A pooled connection for several statements. While it is checked out, the pool does not listen for its
   * errors: a connection the server ends (restart, failover, pg_terminate_backend) would throw an uncaught
   * 'error' and take the process down. The listener keeps the error; `done` hands it to release(), which
   * then closes the connection instead of pooling it.
   */
  const checkout = async () => {
    await ready;
    const client = await pool.connect();
    let lost: Error | undefined;
    const onError = (error: Error) => {
      lost = error;
      log.warn({ err: error }, 'postgres: connection lost while in use');
    };
    client.on('error', onError);
    return {
      client,
      done(broken?: Error) {
        client.off('error', onError);
        client.release(broken ?? lost);
      },
    };
  };

  const query = async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
    await ready;
    return pool.query<R>(text, values);
  };

  return {
    pool,
    ready,
    query,
    async transaction(work) {
      const { client, done } = await checkout();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const value = await work(client);
        await client.query('COMMIT');
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      } finally {
        done(broken);
      }
    },
    async exclusive(name, work) {
      const { client, done } = await checkout();
      let locked = false;
      let broken: Error | undefined;
      try {
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [LOCK_NAMESPACE + name]);
        locked = rows[0]?.locked === true;
        if (!locked) return null;
        return await work();
      } finally {
        if (locked) {
          await client.query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK_NAMESPACE + name]).catch((error: Error) => (broken = error));
        }
        // A connection whose unlock failed is closed, not pooled: closing it ends its session and its lock.
        done(broken);
      }
    },
    async connect() {
      const client = new pg.Client(clientConfig(settings));
      await client.connect();
      return client;
    },
    close: () => pool.end(),
  };
}
