import type { Kysely, Migration } from 'kysely';

// The indicators over a million cases in seconds. Counts are kept as they are
// written, per month of the encounter × responsible agency × encounter type × the indicator's own
// codes (stats_cells); what each person and encounter contributes is kept beside it
// (stats_ledger), so a change restates one person's share exactly without re-reading anyone
// else's. The tables only: the stats feature counts the case files already stored when the server
// starts (a migration must not depend on a feature; see 010 for the shapes in use now).
export const statsRollups: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('stats_cells')
      .addColumn('measure', 'text', (c) => c.notNull())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('agency_id', 'text', (c) => c.notNull())
      .addColumn('encounter_type', 'text', (c) => c.notNull())
      .addColumn('k1', 'text', (c) => c.notNull())
      .addColumn('k2', 'text', (c) => c.notNull())
      .addColumn('k3', 'text', (c) => c.notNull())
      .addColumn('k4', 'text', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('stats_cells_pk', ['measure', 'month', 'agency_id', 'encounter_type', 'k1', 'k2', 'k3', 'k4'])
      .execute();
    await db.schema
      .createTable('stats_ledger')
      // 'p:' + person id, or 'e:' + encounter id
      .addColumn('owner', 'text', (c) => c.primaryKey())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('agency_id', 'text', (c) => c.notNull())
      .addColumn('encounter_type', 'text', (c) => c.notNull())
      /** JSON list of [measure, k1, k2, k3, k4, n]: codes and ids only, never personal data. */
      .addColumn('cells', 'text', (c) => c.notNull())
      .execute();
    // Open obligations falling due today are counted from the rows (overdue turns at an instant).
    await db.schema.createIndex('stats_obligations_due').on('obligations').columns(['due_by', 'status', 'code', 'person_id']).execute();
  },
};
