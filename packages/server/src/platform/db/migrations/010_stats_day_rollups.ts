import { sql, type Kysely, type Migration } from 'kysely';

// The indicators over a million cases in seconds, for periods that do not start and end on month boundaries: counts are kept per
// day too (stats_day_cells, the same codes as stats_cells), so a period reads whole months from the
// month cells, whole days from the day cells, and from the rows only the part of a day its bounds
// cut. The ledger says which day each share was counted on. Both are derived data: they are emptied
// here, and the stats feature counts every case file again when the server starts (it keeps the
// version of its counting rules in meta, 'stats_rollups', and none is there yet).
export const statsDayRollups: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropTable('stats_ledger').execute();
    await sql`delete from stats_cells`.execute(db);
    await db.schema
      .createTable('stats_ledger')
      // 'p:' + person id, or 'e:' + encounter id
      .addColumn('owner', 'text', (c) => c.primaryKey())
      /** The day of the encounter (YYYY-MM-DD, as occurred_at begins); its month is the first seven characters. */
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('agency_id', 'text', (c) => c.notNull())
      .addColumn('encounter_type', 'text', (c) => c.notNull())
      /** JSON list of [measure, k1, k2, k3, k4, n]: codes and ids only, never personal data. */
      .addColumn('cells', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('stats_day_cells')
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('agency_id', 'text', (c) => c.notNull())
      .addColumn('encounter_type', 'text', (c) => c.notNull())
      .addColumn('measure', 'text', (c) => c.notNull())
      .addColumn('k1', 'text', (c) => c.notNull())
      .addColumn('k2', 'text', (c) => c.notNull())
      .addColumn('k3', 'text', (c) => c.notNull())
      .addColumn('k4', 'text', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull())
      // The day first: reports read a range of days (the edges of a period), every measure of them.
      .addPrimaryKeyConstraint('stats_day_cells_pk', ['day', 'agency_id', 'encounter_type', 'measure', 'k1', 'k2', 'k3', 'k4'])
      .execute();
  },
};
