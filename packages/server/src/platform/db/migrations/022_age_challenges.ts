import type { Kysely, Migration } from 'kysely';

// An age assessment the person contests (issue 18, point 2; DOMAIN.md §4): a review or an appeal,
// lodged by the person or on their behalf, and its decision by a body. While one is pending the
// determination is not final and the benefit of the doubt stands. The challenge follows its
// assessment (no person id of its own), so a merge that moves the assessment moves it too.
// Every value is a code, a date or the name of a deciding body: nothing here is free text about
// the person, so nothing is encrypted.
export const ageChallenges: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('age_challenges')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('assessment_id', 'text', (c) => c.notNull().references('age_assessments.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('lodged_on', 'text', (c) => c.notNull())
      .addColumn('lodged_by', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text')
      .addColumn('min_age', 'integer')
      .addColumn('max_age', 'integer')
      .addColumn('decided_on', 'text')
      .addColumn('decided_by', 'text')
      .addColumn('recorded_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('decision_recorded_by', 'text', (c) => c.references('users.id'))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('age_challenges_assessment').on('age_challenges').columns(['assessment_id', 'created_at']).execute();
  },
};
