import { open, type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  sql,
  type PostgresCursor,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
  type SqliteDatabase,
  type SqliteStatement,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import { isPostgresUrl } from '../config.js';
import { createOwnerOnlyFile, tightenToOwner } from '../private-files.js';
import { migrationProvider } from './migrations/index.js';
import type { HavenSchema } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<HavenSchema>;
export type Tx = Transaction<HavenSchema>;
/** Either the database or an open transaction: stores accept both so callers choose the boundary. */
export type Queryable = Db | Tx;

export interface Database {
  db: Db;
  dialect: Dialect;
  /** The SQLite file, for online backup; undefined on PostgreSQL. */
  sqlitePath: string | undefined;
  /** The raw better-sqlite3 handle (backup, file checks); undefined on PostgreSQL. */
  sqlite: SQLite.Database | undefined;
  /**
   * Resolves once every write committed so far would survive a power loss; the server answers no
   * request before. PostgreSQL commits are durable already; SQLite syncs its log off the event loop.
   */
  durable(): Promise<void>;
  /**
   * Something made for this database (a reader thread) that must stop with it: run by `close`,
   * before the connections close.
   */
  onClose(stop: () => Promise<void>): void;
  close(): Promise<void>;
}

/** The close of a database: first what was made for it, then its own connections and threads. */
function closing(close: () => Promise<void>): Pick<Database, 'onClose' | 'close'> {
  const stops: (() => Promise<void>)[] = [];
  let closed: Promise<void> | undefined;
  return {
    onClose: (stop) => void stops.push(stop),
    close: () => {
      closed ??= Promise.allSettled(stops.map((stop) => stop())).then(close);
      return closed;
    },
  };
}

// COUNT(*) and BIGINT come back from pg as strings; Haven's counts and audit sequence numbers
// stay far below 2^53, so numbers are safe and match what SQLite returns.
pg.types.setTypeParser(20, (value) => Number(value));

/** Prepared statements kept per connection; Haven's queries take a few hundred distinct shapes. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query afresh; compiling the same SQL again costs as much as running a
 * small insert. better-sqlite3 statements are reusable and run synchronously (Haven never streams
 * rows, so no statement is busy when asked for again), so the connection keeps the most recent
 * ones. Each statement run outside a transaction (a commit, or a lone write) is reported to
 * `committed`, so the log sync knows what has been committed.
 */
function withStatementCache(sqlite: SQLite.Database, committed: () => void): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  const wrap = (statement: SQLite.Statement): SqliteStatement => ({
    reader: statement.reader,
    all(parameters) {
      const rows = statement.all(...parameters);
      if (!statement.readonly && !sqlite.inTransaction) committed(); // insert … returning
      return rows;
    },
    iterate: (parameters) => statement.iterate(...parameters),
    run(parameters) {
      const result = statement.run(...parameters);
      if (!sqlite.inTransaction) committed();
      return result;
    },
  });
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (statement) {
        statements.delete(text); // re-inserted below: the map's order is the recency order
      } else {
        statement = wrap(sqlite.prepare(text));
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      }
      statements.set(text, statement);
      return statement;
    },
  };
}

/**
 * Syncs a file through a handle kept open: opening and closing the log for every sync cost more
 * of a loaded server's time than the sync's own bookkeeping. SQLite removes its log only when the
 * last connection closes, and the writing connection stays open as long as this, so the handle
 * always names the live log.
 */
function keptOpenSync(): { sync(file: string): Promise<void>; close(): Promise<void> } {
  let handle: FileHandle | undefined;
  return {
    async sync(file) {
      handle ??= await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined; // no log yet: everything is in the database file
        throw error;
      });
      await handle?.sync();
    },
    async close() {
      await handle?.close();
      handle = undefined;
    },
  };
}

/**
 * Group fsync of SQLite's write-ahead log. Callers that arrive while a sync runs wait for the next
 * one (the running one may have started before their commit), so one sync serves them all; with
 * nothing committed since the last sync, nothing is done.
 */
export class LogSync {
  private committed = 0;
  private synced = 0;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(
    private readonly walFile: string,
    private readonly syncFile: (file: string) => Promise<void>,
  ) {}

  /** A transaction (or a lone write) has committed. */
  readonly noteCommit = (): void => {
    this.committed += 1;
  };

  readonly durable = (): Promise<void> => {
    if (this.committed === this.synced) return Promise.resolve();
    if (!this.running) return this.start();
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.durable();
      });
    return this.queued;
  };

  private start(): Promise<void> {
    const upTo = this.committed;
    const sync = (async () => {
      await this.syncFile(this.walFile);
      this.synced = Math.max(this.synced, upTo);
    })().finally(() => {
      if (this.running === sync) this.running = undefined;
    });
    this.running = sync;
    return sync;
  }
}

/** How often the checkpointer moves the log into the database file. */
const CHECKPOINT_INTERVAL_MS = 250;

// The checkpointer's own code: a second connection that copies the write-ahead log into the
// database file. Plain JavaScript (evaluated), so it runs the same from sources and from dist/.
const CHECKPOINTER = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
setInterval(() => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: the next turn will do */ } }, workerData.intervalMs);
`;

/**
 * SQLite checkpoints inside a commit once the log is long, blocking the event loop for a disk
 * sync or two, a large share of a loaded server's time. The writing connection checkpoints no
 * more; a worker thread does it beside it, without blocking writers. Should the worker fail, the
 * connection checkpoints for itself again.
 */
function startCheckpointer(sqlite: SQLite.Database, file: string): () => Promise<void> {
  sqlite.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(CHECKPOINTER, {
    eval: true,
    workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), file, intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  worker.unref();
  worker.on('error', () => {
    if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
  });
  return async () => {
    await worker.terminate();
  };
}

/**
 * What the statements one PostgreSQL connection keeps prepared may hold between them, counted in
 * parameters plus a fixed cost per statement. A prepared statement's plan lives in that
 * connection's server process (a 50-row insert's is a few hundred kilobytes), so the budget bounds
 * its memory; shapes seen after it is spent run unprepared.
 */
const PREPARED_BUDGET_PER_CONNECTION = 50_000;
const PREPARED_STATEMENT_COST = 50;
/**
 * A statement selecting `*` is never prepared: its result type would change when a migration (run
 * by another process during an upgrade) adds a column, which PostgreSQL refuses for a prepared
 * statement. Explicit column lists do not change.
 */
const SELECTS_ALL = /(^|[\s.,(])\*(\s|,|$)/;

/**
 * node-postgres sends every statement unnamed, so PostgreSQL parses and plans it again each time:
 * for Haven's multi-row inserts that was a third of a registration's cost in the database. Each
 * connection here names the statements it runs (within its budget) so the server prepares each
 * shape once and then only binds and executes it, as better-sqlite3 does on SQLite.
 *
 * The connections pipeline (node-postgres writes a statement without waiting for the one before
 * to be answered; answers still come back in order), and a transaction's BEGIN is answered at
 * once and goes out right before its first statement: one round trip fewer per transaction, each
 * a wait for a turn of a busy event loop (on a group commit of registrations, about a tenth of
 * its time). Statements a transaction sends together (Promise.all) no longer queue in the driver.
 */
function preparingPool(pool: pg.Pool): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  let nextName = 0;
  const preparing = (client: pg.PoolClient): PostgresPoolClient => {
    const names = new Map<string, string>();
    let budget = PREPARED_BUDGET_PER_CONNECTION;
    /** A BEGIN on the wire whose answer comes with the transaction's first statement. */
    let opening: Promise<unknown> | undefined;
    function query<R>(text: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>>;
    function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
    function query<R>(textOrCursor: string | PostgresCursor<R>, parameters: readonly unknown[] = []): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
      if (typeof textOrCursor !== 'string') return client.query(textOrCursor as never);
      if (textOrCursor === 'begin' && parameters.length === 0 && opening === undefined) {
        opening = client.query('begin');
        opening.catch(() => undefined); // reported with the statement that follows
        return Promise.resolve({ command: 'BEGIN', rowCount: null, rows: [] } as unknown as PostgresQueryResult<R>);
      }
      let name = names.get(textOrCursor);
      const cost = parameters.length + PREPARED_STATEMENT_COST;
      if (name === undefined && cost <= budget && !SELECTS_ALL.test(textOrCursor)) {
        name = `haven_${(nextName++).toString(36)}`;
        names.set(textOrCursor, name);
        budget -= cost;
      }
      const sent = client.query({ text: textOrCursor, values: [...parameters], ...(name === undefined ? {} : { name }) }) as unknown as Promise<PostgresQueryResult<R>>;
      if (opening === undefined) return sent;
      const begun = opening;
      opening = undefined;
      // Should BEGIN fail, the statement fails with it: on a connection in a failed transaction
      // the server refuses both, and a connection lost takes both.
      return Promise.all([begun, sent]).then(([, result]) => result);
    }
    return { query, release: (destroy?: boolean) => client.release(destroy) };
  };
  return {
    async connect() {
      const client = await pool.connect();
      let wrapped = clients.get(client);
      if (!wrapped) {
        wrapped = preparing(client);
        clients.set(client, wrapped);
      }
      return wrapped;
    },
    end: () => pool.end(),
  };
}

export interface OpenOptions {
  poolSize?: number;
  /**
   * PostgreSQL: how long a connection may sit idle inside a transaction before the server ends it
   * (idle_in_transaction_session_timeout); 0 leaves the server's setting.
   */
  idleInTransactionMs?: number;
}

/**
 * A transaction waiting on its client holds its locks, among them the audit chain's head row
 * that every writer of every process needs: a hung (not dead) process would stop all writes for
 * as long as it hangs. Each connection therefore asks PostgreSQL to end a transaction left idle
 * past the timeout (rolled back, locks released). A connection so ended, or lost, fails its next
 * statement and leaves the pool; the error it raises meanwhile must not end the process.
 */
function endingIdleTransactions(pool: pg.Pool, idleInTransactionMs: number): void {
  pool.on('error', () => undefined); // an idle connection lost: the pool has already dropped it
  pool.on('connect', (client) => {
    client.on('error', () => undefined); // reported by the next statement on the connection
    if (idleInTransactionMs > 0) {
      client.query(`set idle_in_transaction_session_timeout = ${Math.round(idleInTransactionMs)}`).catch(() => undefined);
    }
  });
}

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, pipeline: true });
    endingIdleTransactions(pool, options.idleInTransactionMs ?? 0);
    const db = new Kysely<HavenSchema>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
    return { db, dialect: 'postgres', sqlitePath: undefined, sqlite: undefined, durable: () => Promise.resolve(), ...closing(() => db.destroy()) };
  }
  const file = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (file !== ':memory:') {
    // SQLite creates the log and shared-memory files with the mode of the database file: created
    // owner-only before SQLite opens it, all three are. Those of an older database are tightened.
    const resolved = path.resolve(file);
    createOwnerOnlyFile(resolved);
    for (const own of [resolved, `${resolved}-wal`, `${resolved}-shm`]) tightenToOwner(own);
  }
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL: a commit writes the log without waiting for the disk; `durable()` then syncs the log in
  // the thread pool before any answer leaves, so an acknowledged write survives power loss while
  // the event loop keeps serving (FULL would block it for each sync).
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Freed space is zeroed, so a destroyed value (retention, erasure) does not linger in the file.
  sqlite.pragma('secure_delete = ON');
  const walSync = keptOpenSync();
  const log = new LogSync(`${path.resolve(file)}-wal`, walSync.sync);
  const db = new Kysely<HavenSchema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite, log.noteCommit) }) });
  if (file === ':memory:') return { db, dialect: 'sqlite', sqlitePath: file, sqlite, durable: () => Promise.resolve(), ...closing(() => db.destroy()) };
  const stopCheckpointer = startCheckpointer(sqlite, path.resolve(file));
  const close = async () => {
    await stopCheckpointer();
    await db.destroy();
    await walSync.close();
  };
  return { db, dialect: 'sqlite', sqlitePath: file, sqlite, durable: log.durable, ...closing(close) };
}

/**
 * One T per open database, made on first use: what batches the statements of one event-loop turn
 * (session lookups, key reservations, group commits) or reads beside it must be shared by every
 * request on that database, and go with it when it closes (a test opens many).
 */
export function perDatabase<T>(create: (database: Database) => T): (database: Database) => T {
  const made = new WeakMap<Database, T>();
  return (database) => {
    let found = made.get(database);
    if (found === undefined) {
      found = create(database);
      made.set(database, found);
    }
    return found;
  };
}

/** The PostgreSQL schema Haven's tables live in (the first of the search path); undefined on SQLite. */
export async function postgresSchema(db: Db): Promise<string | undefined> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return undefined;
  const result = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return result.rows[0]?.schema ?? undefined;
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  // Kysely looks for its migration tables in every schema of the database unless told which one;
  // another schema holding them (a second instance, a test) would make it skip creating ours.
  const schema = await postgresSchema(db);
  const migrator = new Migrator({ db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Serialises the writers of a chain that has no row to lock yet (the audit log's very first
 * append), across every server process: a transaction-scoped advisory lock on PostgreSQL; SQLite
 * already admits one writer at a time. Once the chain's head row exists, its row lock does this.
 */
export async function lockForChain(trx: Tx, dialect: Dialect, lockId: number): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${lockId})`.execute(trx);
}
