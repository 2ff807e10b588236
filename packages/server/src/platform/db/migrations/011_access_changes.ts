import { sql, type Kysely, type Migration } from 'kysely';

// Four eyes on access to personal data: a change an administrator asks for that would give an
// account access to case data (a role reading personal data, a move between agencies, a temporary
// password or a reset second factor of such an account, a new such account) waits here until a
// second administrator approves it. An account created that way cannot sign in before then.
export const accessChanges: Migration = {
  async up(db: Kysely<unknown>) {
    // Every account so far was made under the old rules, or by the system: approved.
    await db.schema.alterTable('users').addColumn('approved', 'integer', (c) => c.notNull().defaultTo(1)).execute();
    await db.schema
      .createTable('access_changes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      // 'create' (a new account awaiting approval) or 'update'
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('requested_at', 'text', (c) => c.notNull())
      /** The account's version once the request was recorded: a later version means it changed since. */
      .addColumn('user_version', 'integer', (c) => c.notNull())
      /** The role and agency before (null for a new account) and after the change. */
      .addColumn('role_from', 'text')
      .addColumn('role_to', 'text', (c) => c.notNull())
      .addColumn('agency_from', 'text', (c) => c.references('agencies.id'))
      .addColumn('agency_to', 'text', (c) => c.notNull().references('agencies.id'))
      /** A temporary password's argon2id hash, never the password. */
      .addColumn('password_hash', 'text')
      .addColumn('reset_second_factor', 'integer', (c) => c.notNull().defaultTo(0))
      // pending, approved, refused or withdrawn
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('decided_by', 'text', (c) => c.references('users.id'))
      .addColumn('decided_at', 'text')
      .addColumn('refusal_reason_enc', 'text')
      .execute();
    // One pending change per account, whatever races the requests run.
    await sql`create unique index access_changes_one_pending on access_changes (user_id) where status = 'pending'`.execute(db);
    await db.schema.createIndex('access_changes_requested').on('access_changes').column('requested_at').execute();
  },
};
