import type { Kysely, Migration } from 'kysely';

// Failed sign-ins for user names with no usable account (unknown or disabled), counted in the
// database like an account's, so every process and every restart answers the fifth failure the
// same way whether the name exists. The key is a keyed hash of the user name: no typed-in name
// (people type passwords into it) is stored. Failures are forgotten after a quiet day, on
// accounts too (last_failed_at), so the counters can be cleaned up without the two behaving apart.
export const unknownLoginAttempts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('unknown_login_attempts')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('locked_until', 'text')
      .addColumn('last_failed_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('unknown_login_attempts_last_failed_at').on('unknown_login_attempts').column('last_failed_at').execute();
    await db.schema.alterTable('users').addColumn('last_failed_at', 'text').execute();
  },
};
