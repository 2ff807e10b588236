import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../test-support/databases.js';
import type { Db } from './database.js';
import { insertTogether, type TableRows } from './insert-together.js';

// Test tables of their own: the function is about statements, not about any of Haven's records.
const parents = (rows: object[]) => ({ table: 'together_parent', rows }) as unknown as TableRows;
const children = (rows: object[]) => ({ table: 'together_child', rows }) as unknown as TableRows;

describe.each(await databaseKinds())('inserting into several tables together on %s', (kind) => {
  let database: TestDatabase;
  let kysely: Db;
  /** Statements the driver ran, begin and commit left out, and their texts. */
  let statements = 0;
  const texts = new Set<string>();
  const dialect = kind;
  const db = () => kysely;
  const count = async (table: string) => Number((await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db())).rows[0]!.n);

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const log = (event: { query: { sql: string } }) => {
      if (/^(begin|commit|rollback)/i.test(event.query.sql)) return;
      statements += 1;
      texts.add(event.query.sql);
    };
    kysely = new Kysely({
      dialect: kind === 'sqlite' ? new SqliteDialect({ database: new SQLite(database.sqliteFile!) }) : new PostgresDialect({ pool: new pg.Pool({ connectionString: database.config.db, max: 2 }) }),
      log,
    });
    await sql`create table together_parent (id text primary key, n integer not null)`.execute(db());
    await sql`create table together_child (id text primary key, parent_id text not null references together_parent (id), note text)`.execute(db());
    await sql`create table together_head (id integer primary key, total integer not null)`.execute(db());
    await sql`insert into together_head (id, total) values (1, 0)`.execute(db());
    await sql`create table together_values (id text primary key, label text, n integer, x double precision, flag integer not null default 7)`.execute(db());
  });
  afterAll(async () => {
    await kysely?.destroy();
    await database?.destroy();
  });

  it('stores rows that refer to rows of an earlier part, in one statement on PostgreSQL', async () => {
    statements = 0;
    await db()
      .transaction()
      .execute((trx) =>
        insertTogether(trx, dialect, [
          parents([{ id: 'p1', n: 1 }, { id: 'p2', n: 2 }]),
          children([{ id: 'c1', parent_id: 'p1', note: 'first' }, { id: 'c2', parent_id: 'p2', note: null }]),
        ]),
      );
    expect(statements).toBe(kind === 'postgres' ? 1 : 2);
    expect((await db().selectFrom('together_child' as never).selectAll().orderBy('id' as never).execute()) as unknown[]).toEqual([
      { id: 'c1', parent_id: 'p1', note: 'first' },
      { id: 'c2', parent_id: 'p2', note: null },
    ]);
  });

  it('ends with the closing statement in the same round trip', async () => {
    statements = 0;
    await db().transaction().execute((trx) =>
      insertTogether(
        trx,
        dialect,
        [parents([{ id: 'p3', n: 3 }])],
        trx.updateTable('together_head' as never).set({ total: 3 } as never).where('id' as never, '=', 1 as never),
      ),
    );
    expect(statements).toBe(kind === 'postgres' ? 1 : 2);
    expect(Number((await sql<{ total: number }>`select total from together_head where id = 1`.execute(db())).rows[0]!.total)).toBe(3);
    // With nothing to insert, the closing statement still runs.
    await db().transaction().execute((trx) => insertTogether(trx, dialect, [parents([])], trx.updateTable('together_head' as never).set({ total: 4 } as never)));
    expect(Number((await sql<{ total: number }>`select total from together_head where id = 1`.execute(db())).rows[0]!.total)).toBe(4);
  });

  it('splits what exceeds a statement’s parameters and stores every row', async () => {
    const many = Array.from({ length: 40_000 }, (_, i) => ({ id: `m${i}`, n: i }));
    const notes = Array.from({ length: 12_000 }, (_, i) => ({ id: `mc${i}`, parent_id: `m${i * 3}`, note: 'x' }));
    statements = 0;
    await db()
      .transaction()
      .execute((trx) => insertTogether(trx, dialect, [parents(many), children(notes)]));
    expect(await count('together_parent')).toBe(3 + 40_000);
    expect(await count('together_child')).toBe(2 + 12_000);
    // 80,000 + 36,000 parameters: more than one statement, far fewer than one per part.
    expect(statements).toBeGreaterThan(1);
    expect(statements).toBeLessThanOrEqual(kind === 'postgres' ? 6 : 30);
  });

  it('stores nothing when one part is refused', async () => {
    const before = [await count('together_parent'), await count('together_child')];
    await expect(
      db()
        .transaction()
        .execute((trx) =>
          insertTogether(trx, dialect, [parents([{ id: 'p9', n: 9 }]), children([{ id: 'c9', parent_id: 'no-such-parent', note: null }])]),
        ),
    ).rejects.toThrow();
    expect([await count('together_parent'), await count('together_child')]).toEqual(before);
  });

  it('stores every value exactly as given, and one statement text serves any number of rows', async () => {
    const values = (prefix: string, count: number) =>
      Array.from({ length: count }, (_, i) => ({
        id: `${prefix}${i}`,
        label: ['محمد الحسن', 'ሰናይት "ሃይለ"', 'back\\slash\nnew line', '{"looks":"like json"}', '', null, '😀 \u2028', "O'Brien"][i % 8]!,
        n: [0, -1, 2 ** 31 - 1, null][i % 4]!,
        x: [0.1, -2.5e-8, 1e300, null][i % 4]!,
        flag: i % 2,
      }));
    texts.clear();
    const given = [...values('v', 3), ...values('w', 11)];
    await db().transaction().execute((trx) => insertTogether(trx, dialect, [{ table: 'together_values', rows: values('v', 3) } as unknown as TableRows]));
    await db().transaction().execute((trx) => insertTogether(trx, dialect, [{ table: 'together_values', rows: values('w', 11) } as unknown as TableRows]));
    // On PostgreSQL the rows travel as one parameter, so 3 rows and 11 rows are the same statement.
    if (kind === 'postgres') expect(texts.size).toBe(1);
    const stored = (await sql<Record<string, unknown>>`select id, label, n, x, flag from together_values order by id`.execute(db())).rows;
    expect(stored.map((row) => ({ ...row, n: row.n === null ? null : Number(row.n), x: row.x === null ? null : Number(row.x) }))).toEqual(
      [...given].sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
  });

  it('stores text with a lone surrogate as the driver always did, though JSON cannot carry it to PostgreSQL', async () => {
    await db()
      .transaction()
      .execute((trx) => insertTogether(trx, dialect, [{ table: 'together_values', rows: [{ id: 's1', label: 'a\ud800b', n: 1, x: null, flag: 0 }] } as unknown as TableRows]));
    const stored = (await sql<{ label: string }>`select label from together_values where id = 's1'`.execute(db())).rows[0]!;
    expect(stored.label.startsWith('a') && stored.label.endsWith('b')).toBe(true);
  });

  it('stores rows whose columns differ, each value in its own row and column', async () => {
    await db()
      .transaction()
      .execute((trx) =>
        insertTogether(trx, dialect, [{ table: 'together_values', rows: [{ id: 'd1', label: 'with', flag: 1 }, { id: 'd2', n: 5, flag: 2 }] } as unknown as TableRows]),
      );
    const stored = (await sql<{ id: string; label: string | null; n: number | null; flag: number }>`select id, label, n, flag from together_values where id in ('d1', 'd2') order by id`.execute(db())).rows;
    expect(stored.map((row) => [row.id, row.label, row.n === null ? null : Number(row.n), Number(row.flag)])).toEqual([
      ['d1', 'with', null, 1],
      ['d2', null, 5, 2],
    ]);
  });
});
