import type { Kysely, Migration } from 'kysely';

// Background export jobs, and the indexes the indicators need to read a million cases
// in seconds (each covers the columns its query reads, so the scan never touches the wide rows
// holding ciphertext). Portable DDL only.
export const statsExports: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('export_jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      /** The filter as JSON: codes, dates and ids only, never personal data. */
      .addColumn('filter', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('progress', 'integer', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
      .addColumn('claimed_by', 'text')
      .addColumn('claimed_at', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('file_name', 'text')
      .addColumn('media_type', 'text')
      .addColumn('records', 'integer')
      .addColumn('result_enc', 'text')
      .addColumn('error', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .execute();
    await db.schema.createIndex('export_jobs_status').on('export_jobs').columns(['status', 'created_at']).execute();
    await db.schema.createIndex('export_jobs_requester').on('export_jobs').columns(['requested_by', 'created_at']).execute();

    await db.schema.createIndex('stats_encounters').on('encounters').columns(['occurred_at', 'id', 'type', 'agency_id', 'dead', 'missing']).execute();
    await db.schema
      .createIndex('stats_persons')
      .on('persons')
      .columns(['encounter_id', 'id', 'sex', 'nationality', 'birth_date', 'age_claimed', 'accompaniment'])
      .execute();
    await db.schema
      .createIndex('stats_obligations')
      .on('obligations')
      .columns(['person_id', 'code', 'status', 'due_by', 'fulfilled_at', 'created_at'])
      .execute();
    await db.schema
      .createIndex('stats_referrals')
      .on('referrals')
      .columns(['person_id', 'service_type', 'status', 'provider_id', 'sent_at', 'accepted_at', 'completed_at'])
      .execute();
    await db.schema.createIndex('stats_cases').on('cases').columns(['person_id', 'stage', 'officer_id']).execute();
  },
};
