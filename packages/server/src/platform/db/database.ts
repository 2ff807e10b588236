import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresAdapter, PostgresDialect, SqliteDialect, sql, type SqliteDatabase, type Transaction } from 'kysely';
import pg from 'pg';
import { isPostgresUrl } from '../config.js';
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
  close(): Promise<void>;
}

// COUNT(*) and BIGINT come back from pg as strings; Haven's counts and audit sequence numbers
// stay far below 2^53, so numbers are safe and match what SQLite returns.
pg.types.setTypeParser(20, (value) => Number(value));

/** Prepared statements kept per connection; Haven's queries take a few hundred distinct shapes. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query afresh; compiling the same SQL again costs as much as running a
 * small insert. better-sqlite3 statements are reusable and run synchronously (Haven never streams
 * rows, so no statement is busy when asked for again), so the connection keeps the most recent ones.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (statement) {
        statements.delete(text); // re-inserted below: the map's order is the recency order
      } else {
        statement = sqlite.prepare(text);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      }
      statements.set(text, statement);
      return statement;
    },
  };
}

export interface OpenOptions {
  poolSize?: number;
}

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
    const db = new Kysely<HavenSchema>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', sqlitePath: undefined, sqlite: undefined, close: () => db.destroy() };
  }
  const file = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: an acknowledged write survives power loss, not only a crash of the process.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Freed space is zeroed, so a destroyed value (retention, erasure) does not linger in the file.
  sqlite.pragma('secure_delete = ON');
  const db = new Kysely<HavenSchema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', sqlitePath: file, sqlite, close: () => db.destroy() };
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
 * Serialises writers of one chain (the audit log) across every server process: a transaction-scoped
 * advisory lock on PostgreSQL; SQLite already admits one writer at a time.
 */
export async function lockForChain(trx: Tx, dialect: Dialect, lockId: number): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${lockId})`.execute(trx);
}
