import type { Kysely, Migration } from 'kysely';

// Handover by the SOP profile's rules: a case registered by a first-contact agency goes to the
// agency that takes it over. Each handover is a row (who to whom, by which rule, when it must be
// taken up and when the first contact's access ends); the first contact's operational access is an
// access grant that ends by itself (`expires_at`), and an encounter has an area the rules match.
export const handover: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('encounters').addColumn('area', 'text').execute();
    await db.schema.alterTable('access_grants').addColumn('expires_at', 'text').execute();
    await db.schema
      .createTable('handovers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('from_agency_id', 'text', (c) => c.notNull().references('agencies.id'))
      .addColumn('to_agency_id', 'text', (c) => c.notNull().references('agencies.id'))
      /** The rule's index in the profile's `handover` list when it applied. */
      .addColumn('rule_index', 'integer', (c) => c.notNull())
      .addColumn('area', 'text')
      .addColumn('handed_over_at', 'text', (c) => c.notNull())
      .addColumn('take_up_by', 'text', (c) => c.notNull())
      .addColumn('access_until', 'text', (c) => c.notNull())
      .addColumn('taken_up_at', 'text')
      .addColumn('taken_up_by', 'text', (c) => c.references('users.id'))
      .addColumn('overdue_notified_at', 'text')
      .execute();
    await db.schema.createIndex('handovers_person').on('handovers').column('person_id').execute();
    // The overdue pass looks for handovers not taken up, by deadline.
    await db.schema.createIndex('handovers_open').on('handovers').columns(['taken_up_at', 'take_up_by']).execute();
  },
};
