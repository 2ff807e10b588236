import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
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
});
