import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresAdapter, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
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
  const db = new Kysely<HavenSchema>({ dialect: new SqliteDialect({ database: sqlite }) });
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
