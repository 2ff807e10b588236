import type { Kysely, Migration } from 'kysely';

// The Framework-for-Action self-assessment (answers kept as versions),
// legal holds and erasure requests, and the mark of a purged person. Portable DDL only.
export const retentionSelfAssessment: Migration = {
  async up(db: Kysely<unknown>) {
    // Every answer is a new row: the history of who said what, when, is the record.
    await db.schema
      .createTable('self_assessment_answers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('jurisdiction', 'text', (c) => c.notNull())
      .addColumn('item_id', 'text', (c) => c.notNull())
      .addColumn('answer_version', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('evidence', 'text')
      .addColumn('responsible_body', 'text')
      .addColumn('review_date', 'text')
      .addColumn('answered_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('answered_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('self_assessment_answers_version', ['jurisdiction', 'item_id', 'answer_version'])
      .execute();

    await db.schema
      .createTable('legal_holds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('reason_enc', 'text')
      .addColumn('placed_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('placed_at', 'text', (c) => c.notNull())
      .addColumn('released_by', 'text', (c) => c.references('users.id'))
      .addColumn('released_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('legal_holds_person').on('legal_holds').columns(['person_id', 'released_at']).execute();

    await db.schema
      .createTable('erasure_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('reason_enc', 'text')
      .addColumn('recorded_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('refused_because', 'text', (c) => c.notNull())
      .addColumn('carried_out_at', 'text')
      .execute();
    await db.schema.createIndex('erasure_requests_person').on('erasure_requests').column('person_id').execute();

    // When the person's personal fields were destroyed (retention or erasure); null while kept.
    await db.schema.alterTable('persons').addColumn('purged_at', 'text').execute();
    await db.schema.alterTable('allegations').addColumn('purged_at', 'text').execute();
    await db.schema.createIndex('cases_stage').on('cases').columns(['stage', 'updated_at']).execute();
  },
};
