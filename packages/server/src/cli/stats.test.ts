import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../platform/db/database.js';
import { syntheticWorld } from '../features/stats/test-support/world.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../test-support/databases.js';
import { runHaven } from './test-support/haven.js';

/** Every non-zero cell, month and day, as sorted text. */
async function cells(db: Queryable): Promise<string[]> {
  const months = await db.selectFrom('stats_cells').selectAll().where('n', '<>', 0).execute();
  const days = await db.selectFrom('stats_day_cells').selectAll().where('n', '<>', 0).execute();
  return [...months.map((r) => JSON.stringify({ ...r, n: Number(r.n) })), ...days.map((r) => JSON.stringify({ ...r, n: Number(r.n) }))].sort();
}

describe.each(await databaseKinds())('haven stats recount on %s', (kind) => {
  let database: TestDatabase;
  let counted: string[];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const platform = await database.open();
    await syntheticWorld(platform, 300, 4);
    counted = await cells(platform.database.db);
    await platform.database.close();
  });
  afterAll(() => database?.destroy());

  const withDb = async <T>(work: (db: Queryable) => Promise<T>): Promise<T> => {
    const platform = await database.open();
    try {
      return await work(platform.database.db);
    } finally {
      await platform.database.close();
    }
  };

  it('counts everything again in pages, with progress on stderr', async () => {
    expect(counted.length).toBeGreaterThan(100);
    await withDb(async (db) => {
      await db.deleteFrom('stats_cells').execute();
      await db.deleteFrom('stats_day_cells').execute();
      await db.deleteFrom('stats_ledger').execute();
    });
    const run = await runHaven(database.config, ['stats', 'recount', '--page', '100']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/stats: 1\/\d+ pages counted/);
    expect(run.stderr).toContain('rollups counted again');
    expect(await withDb(cells)).toEqual(counted);
  });

  it('with --rebuild, repairs cells that no longer agree with the ledger', async () => {
    await withDb((db) => db.updateTable('stats_cells').set({ n: 999 }).where('measure', '=', 'encounters').execute());
    const plain = await runHaven(database.config, ['stats', 'recount']);
    expect(plain.code, plain.stderr).toBe(0);
    // The ledger says nothing changed, so a plain recount leaves the damage where it is.
    expect(await withDb(cells)).not.toEqual(counted);
    const run = await runHaven(database.config, ['stats', 'recount', '--rebuild']);
    expect(run.code, run.stderr).toBe(0);
    expect(await withDb(cells)).toEqual(counted);
  });

  it('refuses a page size that is not a whole number', async () => {
    const run = await runHaven(database.config, ['stats', 'recount', '--page', 'many']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('whole number');
  });
});
