import type { Kysely, Migration } from 'kysely';

// Rate-limit counters in the database, so every server process behind a load balancer counts the
// same attempts. The key is a keyed hash of route and client address: no address is stored.
export const sharedRateLimits: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rate_limits')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('hits', 'integer', (c) => c.notNull())
      .addColumn('window_ends_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('rate_limits_window_ends_at').on('rate_limits').column('window_ends_at').execute();
  },
};
