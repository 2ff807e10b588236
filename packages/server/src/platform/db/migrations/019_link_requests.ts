import type { Kysely, Migration } from 'kysely';

// Duplicates across agencies: an agency that registered a person likely already on record at
// another asks that agency to link the two records or take its record over; the holding agency
// decides. Each side's record is named by id; neither side's answers name the other's.
export const linkRequests: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('link_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('requester_agency_id', 'text', (c) => c.notNull().references('agencies.id'))
      .addColumn('requester_person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('holder_agency_id', 'text', (c) => c.notNull().references('agencies.id'))
      .addColumn('holder_person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('requested_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('requested_at', 'text', (c) => c.notNull())
      .addColumn('decided_by', 'text', (c) => c.references('users.id'))
      .addColumn('decided_at', 'text')
      // Free text the holding agency writes to the requester: encrypted like every free text.
      .addColumn('refusal_reason_enc', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('link_requests_holder').on('link_requests').columns(['holder_agency_id', 'status']).execute();
    await db.schema.createIndex('link_requests_requester').on('link_requests').columns(['requester_agency_id', 'status']).execute();
    await db.schema.createIndex('link_requests_holder_person').on('link_requests').column('holder_person_id').execute();
    await db.schema.createIndex('link_requests_requester_person').on('link_requests').column('requester_person_id').execute();
  },
};
