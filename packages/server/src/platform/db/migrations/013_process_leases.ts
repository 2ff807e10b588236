import type { Kysely, Migration } from 'kysely';

// The server processes alive on this database, each with a lease it renews, so a process can tell
// that the holder of an Idempotency-Key reservation is gone (killed, crashed) and take the key
// over at once instead of after a fixed wait. A reservation names its holder's lease; the answer
// is stored only while the reservation is still that holder's, so a process that only seemed gone
// can never commit after its key was taken over.
export const processLeases: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('process_leases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      /** Where the pid means something: the boot and PID namespace (Linux), or the host name. */
      .addColumn('machine', 'text', (c) => c.notNull())
      .addColumn('pid', 'integer', (c) => c.notNull())
      /** When that process started (clock ticks since boot, Linux), so a reused pid is not taken for it; '' if unknown. */
      .addColumn('process_started', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    // '' for reservations made before leases: they are taken over after the old fixed wait.
    await db.schema
      .alterTable('idempotency_keys')
      .addColumn('holder', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
  },
};
