import type { Kysely, Migration } from 'kysely';

// A child's detention is overridden only as a measure of last resort (CRC 37(b)): the override
// keeps the supervisor's statement of the alternatives considered (encrypted: free text about a
// person) and the planned end of the detention. Both are null for every other override.
export const overrideLastResort: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('guard_overrides').addColumn('last_resort_enc', 'text').execute();
    await db.schema.alterTable('guard_overrides').addColumn('planned_end', 'text').execute();
  },
};
