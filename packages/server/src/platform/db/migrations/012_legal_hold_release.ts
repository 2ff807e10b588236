import { sql, type Kysely, type Migration } from 'kysely';

// Who may lift a legal hold: the agency that placed it (kept on the hold, since a user can later
// move to another agency), or — for a hold placed for an investigation or prosecution — that
// investigation's agency; the oversight body may lift any. A release carries a written reason,
// encrypted like every free text. Holds placed before this migration belong to their placer's
// agency as it is now, the only record of it there is.
export const legalHoldRelease: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('legal_holds').addColumn('agency_id', 'text', (c) => c.references('agencies.id')).execute();
    await db.schema.alterTable('legal_holds').addColumn('investigation_id', 'text', (c) => c.references('investigations.id')).execute();
    await db.schema.alterTable('legal_holds').addColumn('release_reason_enc', 'text').execute();
    await sql`update legal_holds set agency_id = (select users.agency_id from users where users.id = legal_holds.placed_by)`.execute(db);
    // The oversight body's list of every hold, newest first, page by page.
    await db.schema.createIndex('legal_holds_placed').on('legal_holds').columns(['placed_at', 'id']).execute();
  },
};
