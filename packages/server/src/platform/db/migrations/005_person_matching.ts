import type { Kysely, Migration } from 'kysely';

// Duplicate detection and the merge workflow. Portable DDL only.
export const personMatching: Migration = {
  async up(db: Kysely<unknown>) {
    // Blocking keys of the matcher as HMAC blind indexes (never the plaintext key): a person is a
    // candidate duplicate of another when they share one.
    await db.schema
      .createTable('person_match_keys')
      .addColumn('key_index', 'text', (c) => c.notNull())
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addPrimaryKeyConstraint('person_match_keys_pk', ['key_index', 'person_id'])
      .execute();
    await db.schema.createIndex('person_match_keys_person').on('person_match_keys').column('person_id').execute();

    // A merged-away person keeps its row (its id answers with where it went) but is no longer listed.
    await db.schema.alterTable('persons').addColumn('merged_into', 'text').execute();

    // Each merge, with the rows it moved, so that unmerge restores both records exactly.
    await db.schema
      .createTable('person_merges')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('survivor_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('merged_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('moved_rows', 'text', (c) => c.notNull())
      .addColumn('reason_enc', 'text', (c) => c.notNull())
      .addColumn('merged_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('merged_at', 'text', (c) => c.notNull())
      .addColumn('unmerged_by', 'text', (c) => c.references('users.id'))
      .addColumn('unmerged_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('person_merges_merged').on('person_merges').column('merged_id').execute();
    await db.schema.createIndex('person_merges_survivor').on('person_merges').column('survivor_id').execute();
  },
};
