import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import { perDatabase, type Database, type Db } from './database.js';
import type { HavenSchema } from './schema.js';

// better-sqlite3 answers synchronously: on the server's own connection a report would hold the
// event loop (and every other request on the process) for as long as its queries run. Reports on
// SQLite (the indicators, the self-assessment's evidence) therefore read through a worker thread with its own connection (WAL lets it read beside
// the writer); only compiled SQL and plain rows cross the thread boundary. PostgreSQL and
// in-memory databases read on the server's own connection.

// The worker's code: plain JavaScript (evaluated), so it runs the same from sources and from dist/.
const READER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('query_only = ON');
const statements = new Map();
parentPort.on('message', ({ id, sql, parameters }) => {
  try {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      if (statements.size >= 200) statements.delete(statements.keys().next().value);
      statements.set(sql, statement);
    }
    parentPort.postMessage({ id, rows: statement.reader ? statement.all(parameters) : [] });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;

/** A worker that has answered nothing for this long is stopped; the next report starts another. */
const IDLE_MS = 60_000;

class ReaderThread {
  private worker: Worker | undefined;
  private next = 0;
  private readonly pending = new Map<number, { resolve: (rows: unknown[]) => void; reject: (error: Error) => void }>();
  private idle: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly file: string) {}

  query(text: string, parameters: readonly unknown[]): Promise<unknown[]> {
    if (this.closed) return Promise.reject(new Error('the database is closed'));
    const worker = this.start();
    if (this.idle) clearTimeout(this.idle);
    const id = this.next++;
    return new Promise<unknown[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, sql: text, parameters });
    }).finally(() => this.scheduleStop());
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(READER, { eval: true, workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), file: this.file } });
    worker.unref();
    worker.on('message', (message: { id: number; rows?: unknown[]; error?: string }) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) waiting.reject(new Error(message.error));
      else waiting.resolve(message.rows ?? []);
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error('the report reader stopped')));
    this.worker = worker;
    return worker;
  }

  private scheduleStop(): void {
    if (this.pending.size > 0) return;
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => void this.stop(), IDLE_MS);
    this.idle.unref();
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  /** Stops the thread for good, with its database: a report still waiting fails, none starts again. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.idle) clearTimeout(this.idle);
    await this.stop();
  }
}

class ReaderConnection implements DatabaseConnection {
  constructor(private readonly thread: ReaderThread) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    return { rows: (await this.thread.query(compiled.sql, compiled.parameters)) as R[] };
  }

  // eslint-disable-next-line require-yield -- a reader that streams nothing still has to be a generator
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the report reader does not stream');
  }
}

class ReaderDriver implements Driver {
  private readonly connection: ReaderConnection;

  constructor(private readonly thread: ReaderThread) {
    this.connection = new ReaderConnection(thread);
  }

  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection;
  }
  beginTransaction(): Promise<void> {
    return Promise.reject(new Error('the report reader only reads'));
  }
  commitTransaction(): Promise<void> {
    return Promise.reject(new Error('the report reader only reads'));
  }
  rollbackTransaction(): Promise<void> {
    return Promise.reject(new Error('the report reader only reads'));
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {
    await this.thread.stop();
  }
}

/** A worker thread's connection per SQLite file, opened on the first long report. */
const threadReaderOf = perDatabase((database): Db => {
  const thread = new ReaderThread(path.resolve(database.sqlitePath!));
  database.onClose(() => thread.close());
  return new Kysely<HavenSchema>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new ReaderDriver(thread),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  });
});

/** Where long reports read from: a worker thread's connection on a SQLite file, else the database itself. */
export function reportReader(database: Database): Db {
  if (database.dialect !== 'sqlite' || !database.sqlitePath || database.sqlitePath === ':memory:') return database.db;
  return threadReaderOf(database);
}
