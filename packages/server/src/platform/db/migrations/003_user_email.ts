import type { Kysely, Migration } from 'kysely';

// Where reminders go by e-mail when SMTP is configured. Staff contact, not a migrant's.
export const userEmail: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('email', 'text').execute();
  },
};
