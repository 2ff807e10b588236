import { chmodSync, closeSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../test-support/databases.js';
import { LogSync, openDatabase, type Database } from './database.js';

describe('the log sync of SQLite', () => {
  /** A sync that waits until released, recording when each started and what had committed by then. */
  function controlledSync() {
    const started: number[] = [];
    const releases: (() => void)[] = [];
    let commits = 0;
    const sync = () =>
      new Promise<void>((resolve) => {
        started.push(commits);
        releases.push(resolve);
      });
    const log = new LogSync('unused-wal', sync);
    const commit = () => {
      commits += 1;
      log.noteCommit();
    };
    return { log: () => log, started, releases, commit };
  }
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('does nothing when nothing was committed since the last sync', async () => {
    const { log, started } = controlledSync();
    await log().durable();
    expect(started).toEqual([]);
  });

  it('serves every caller waiting together with one sync', async () => {
    const { log, started, releases, commit } = controlledSync();
    commit();
    const waits = [log().durable(), log().durable(), log().durable()];
    await tick();
    expect(started).toEqual([1]);
    releases[0]!();
    await Promise.all(waits);
    expect(started).toEqual([1]);
  });

  it('never acknowledges a commit with a sync that started before it', async () => {
    const { log, started, releases, commit } = controlledSync();
    commit();
    const first = log().durable();
    await tick();
    commit(); // commits while the first sync runs: the first cannot cover it
    let secondDone = false;
    const second = log()
      .durable()
      .then(() => {
        secondDone = true;
      });
    releases[0]!();
    await first;
    await tick();
    expect(secondDone).toBe(false);
    expect(started).toEqual([1, 2]);
    releases[1]!();
    await second;
    expect(secondDone).toBe(true);
  });
});

describe('a SQLite database file', () => {
  let dir: string;
  let database: Database | undefined;
  afterEach(async () => {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves the log into the database file beside the writer, and is durable after writes', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'haven-db-'));
    const file = path.join(dir, 'haven.db');
    database = await openDatabase(file);
    expect(database.sqlite!.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await sql`create table notes (id integer primary key, body text not null)`.execute(database.db);
    const before = statSync(file).size;
    for (let i = 0; i < 20; i += 1) {
      await database.db.transaction().execute(async (trx) => {
        for (let j = 0; j < 50; j += 1) await sql`insert into notes (body) values (${'x'.repeat(1000)})`.execute(trx);
      });
    }
    await database.durable();
    // The writer never checkpoints; the database file grows only because the checkpointer ran.
    const deadline = Date.now() + 5000;
    while (statSync(file).size <= before + 500_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(statSync(file).size).toBeGreaterThan(before + 500_000);
    const count = await sql<{ n: number }>`select count(*) as n from notes`.execute(database.db);
    expect(count.rows[0]!.n).toBe(1000);
  });

  const modeOf = (file: string) => statSync(file).mode & 0o777;

  it('is created with its log and shared memory readable by the owner only, in directories only the owner may enter, even under a permissive umask', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'haven-db-'));
    const file = path.join(dir, 'new', 'place', 'haven.db');
    const previous = process.umask(0o000);
    try {
      database = await openDatabase(file);
      await sql`create table notes (id integer primary key, body text not null)`.execute(database.db);
      await sql`insert into notes (body) values ('x')`.execute(database.db);
    } finally {
      process.umask(previous);
    }
    for (const own of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(own), own).toBe(0o600);
    expect(modeOf(path.join(dir, 'new'))).toBe(0o700);
    expect(modeOf(path.join(dir, 'new', 'place'))).toBe(0o700);
  });

  it('takes the permissions of others off the files of an existing database, and leaves an existing directory as it is', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'haven-db-'));
    chmodSync(dir, 0o755);
    const file = path.join(dir, 'haven.db');
    for (const own of [file, `${file}-wal`, `${file}-shm`]) {
      closeSync(openSync(own, 'w'));
      chmodSync(own, 0o644);
    }
    // An empty log and shared memory beside an empty database: SQLite starts over from them.
    database = await openDatabase(file);
    await sql`create table notes (id integer primary key)`.execute(database.db);
    for (const own of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(own), own).toBe(0o600);
    expect(modeOf(dir)).toBe(0o755);
  });
});

describe.skipIf(!(await databaseKinds()).includes('postgres'))('a PostgreSQL connection', () => {
  let test: TestDatabase | undefined;
  let database: Database | undefined;
  afterEach(async () => {
    await database?.close();
    await test?.destroy();
  });

  it('prepares a statement once and reuses it, but never one selecting every column', async () => {
    test = await createTestDatabase('postgres');
    database = await openDatabase(test.config.db, { poolSize: 1 });
    await sql`create table notes (id integer primary key, body text not null)`.execute(database.db);
    for (let i = 0; i < 3; i += 1) {
      await database.db.insertInto('notes' as never).values({ id: i, body: 'x' } as never).execute();
      await sql`select * from notes where id = ${i}`.execute(database.db);
    }
    const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(database.db);
    const statements = prepared.rows.map((row) => row.statement);
    expect(statements.filter((text) => text.startsWith('insert into "notes"'))).toHaveLength(1);
    expect(statements.filter((text) => text.startsWith('select * from notes'))).toEqual([]);
  });

  it("sends a transaction's BEGIN with its first statement, and the transaction holds", async () => {
    test = await createTestDatabase('postgres');
    database = await openDatabase(test.config.db, { poolSize: 1 });
    const { db } = database;
    await sql`create table notes (id integer primary key, body text not null)`.execute(db);
    const events: string[] = [];
    const query = pg.Client.prototype.query;
    const spy = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text;
      events.push(`sent ${text.split(' ')[0]}`);
      const answer = (query as (...a: unknown[]) => unknown).apply(this, args);
      if (text === 'begin') void (answer as Promise<unknown>).then(() => events.push('begin answered'));
      return answer as never;
    });
    try {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('notes' as never).values({ id: 1, body: 'kept' } as never).execute();
      });
    } finally {
      spy.mockRestore();
    }
    // Without the pipelined BEGIN the insert would go out only once BEGIN was answered.
    expect(events.slice(0, 3)).toEqual(['sent begin', 'sent insert', 'begin answered']);

    // Still one transaction: a failure rolls back what came before it, the first statement
    // failing is reported, and the connection (the pool's only one) serves the next transaction.
    const failing = db.transaction().execute(async (trx) => {
      await trx.insertInto('notes' as never).values({ id: 2, body: 'rolled back' } as never).execute();
      await trx.insertInto('notes' as never).values({ id: 1, body: 'duplicate' } as never).execute();
    });
    await expect(failing).rejects.toThrow(/duplicate key/);
    const failingFirst = db.transaction().execute(async (trx) => {
      await trx.insertInto('notes' as never).values({ id: 1, body: 'duplicate' } as never).execute();
    });
    await expect(failingFirst).rejects.toThrow(/duplicate key/);
    await expect(db.transaction().execute(async () => Promise.reject(new Error('before any statement')))).rejects.toThrow('before any statement');
    const times = await db.transaction().execute(async (trx) => {
      const first = await sql<{ at: Date }>`select now() as at`.execute(trx);
      await sql`select pg_sleep(0.02)`.execute(trx);
      const second = await sql<{ at: Date }>`select now() as at`.execute(trx);
      return [first.rows[0]!.at.getTime(), second.rows[0]!.at.getTime()];
    });
    expect(times[0]).toBe(times[1]); // now() is the transaction's start: both ran in one
    const rows = await sql<{ id: number; body: string }>`select id, body from notes order by id`.execute(db);
    expect(rows.rows).toEqual([{ id: 1, body: 'kept' }]);
  });
  it('ends a transaction its process left idle (hung) after the timeout, so a writer waiting on its lock proceeds', async () => {
    test = await createTestDatabase('postgres');
    database = await openDatabase(test.config.db, { poolSize: 2, idleInTransactionMs: 500 });
    const other = await openDatabase(test.config.db, { poolSize: 1 }); // another server process
    try {
      await sql`create table notes (id integer primary key, body text not null)`.execute(database.db);
      await sql`insert into notes values (1, 'before')`.execute(database.db);
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      // The process takes a row lock, as an audit append takes the chain's head, and then hangs.
      const hung = database.db.transaction().execute(async (trx) => {
        await sql`select id from notes where id = 1 for update`.execute(trx);
        await sleep(2_000);
        await sql`select 1`.execute(trx);
      });
      hung.catch(() => undefined);
      await sleep(100);
      const waiting = performance.now();
      await other.db.transaction().execute((trx) => sql`update notes set body = 'after' where id = 1`.execute(trx));
      expect(performance.now() - waiting).toBeLessThan(1_500); // freed at the timeout, not when the process wakes
      await expect(hung).rejects.toThrow(); // its transaction was rolled back: it commits nothing
      // The connection so ended left the pool, which serves the next transaction on a new one.
      const rows = await database.db.transaction().execute((trx) => sql<{ body: string }>`select body from notes where id = 1`.execute(trx));
      expect(rows.rows).toEqual([{ body: 'after' }]);
    } finally {
      await other.close();
    }
  });

  it('sets the timeout Haven is configured with (10 s unless told) on every connection, and leaves the server’s when told 0', async () => {
    test = await createTestDatabase('postgres');
    const platform = await test.open();
    const setting = (db: Database['db']) => sql<{ value: string }>`select current_setting('idle_in_transaction_session_timeout') as value`.execute(db);
    try {
      expect((await setting(platform.database.db)).rows[0]!.value).toBe('10s');
    } finally {
      await platform.database.close();
    }
    database = await openDatabase(test.config.db, { poolSize: 1, idleInTransactionMs: 0 });
    const server = await sql<{ value: string }>`select reset_val as value from pg_settings where name = 'idle_in_transaction_session_timeout'`.execute(database.db);
    expect((await setting(database.db)).rows[0]!.value).toBe(server.rows[0]!.value === '0' ? '0' : expect.any(String));
  });
});
