import type { Kysely, Migration } from 'kysely';

// Justice on screen (issue 18, point 4).
//
// A witness must stay reachable for the proceedings: how to reach them (a phone, an address, a
// person who knows where they are: contact data about a person, so encrypted, bound to the row)
// and when that was last confirmed. A protection measure is reviewed: the date of its next review,
// so a screen can say when one is overdue.
export const justiceReachReview: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('justice_links').addColumn('reach_how_enc', 'text').execute();
    await db.schema.alterTable('justice_links').addColumn('reach_confirmed_at', 'text').execute();
    await db.schema.alterTable('protection_measures').addColumn('review_on', 'text').execute();
  },
};
