import type { Kysely, Migration } from 'kysely';

// The operational record: encounters, the fuller person record, screening, age
// assessment, detention, consular steps, assistance, persisted obligations, guard overrides,
// notifications and idempotency keys. Portable DDL only.
export const operations: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('encounters')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'text', (c) => c.notNull())
      .addColumn('place_name', 'text', (c) => c.notNull())
      .addColumn('latitude', 'double precision')
      .addColumn('longitude', 'double precision')
      .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
      .addColumn('vessel', 'text')
      .addColumn('people_on_board', 'integer')
      .addColumn('dead', 'integer', (c) => c.notNull())
      .addColumn('missing', 'integer', (c) => c.notNull())
      .addColumn('notes_enc', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('encounters_agency').on('encounters').columns(['agency_id', 'occurred_at']).execute();

    await db.schema.alterTable('persons').addColumn('encounter_id', 'text', (c) => c.references('encounters.id')).execute();
    await db.schema.alterTable('persons').addColumn('name_script', 'text').execute();
    await db.schema.alterTable('persons').addColumn('transliterations_enc', 'text').execute();
    await db.schema.alterTable('persons').addColumn('aliases_enc', 'text').execute();
    await db.schema.createIndex('persons_encounter').on('persons').column('encounter_id').execute();

    // Facts of the case the engine reads besides the person and the screening.
    await db.schema.alterTable('cases').addColumn('consular_choice', 'text', (c) => c.notNull().defaultTo('not_asked')).execute();
    await db.schema.alterTable('cases').addColumn('asylum_claim', 'text', (c) => c.notNull().defaultTo('none')).execute();
    await db.schema.alterTable('cases').addColumn('best_interests_determined', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('cases').addColumn('stage_reason_enc', 'text').execute();

    await db.schema
      .createTable('family_links')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('related_person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('relation', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('family_links_unique', ['person_id', 'related_person_id', 'relation'])
      .execute();

    await db.schema
      .createTable('identity_documents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('number_enc', 'text')
      .addColumn('issuing_country', 'text')
      .addColumn('expires_on', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('identity_documents_person').on('identity_documents').column('person_id').execute();

    await db.schema
      .createTable('age_assessments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('assessed_on', 'text', (c) => c.notNull())
      .addColumn('min_age', 'integer', (c) => c.notNull())
      .addColumn('max_age', 'integer', (c) => c.notNull())
      .addColumn('assessor', 'text', (c) => c.notNull())
      .addColumn('recorded_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('age_assessments_person').on('age_assessments').column('person_id').execute();
    await db.schema.alterTable('persons').addColumn('age_disputed', 'integer', (c) => c.notNull().defaultTo(0)).execute();

    await db.schema
      .createTable('screenings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('screening_version', 'integer', (c) => c.notNull())
      .addColumn('indicators', 'text', (c) => c.notNull())
      .addColumn('statement_enc', 'text')
      .addColumn('statement_language', 'text')
      .addColumn('screened_by', 'text', (c) => c.notNull())
      .addColumn('screened_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('screenings_version', ['person_id', 'screening_version'])
      .execute();

    await db.schema
      .createTable('detentions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('place', 'text', (c) => c.notNull())
      .addColumn('since', 'text', (c) => c.notNull())
      .addColumn('until', 'text')
      .addColumn('legal_basis', 'text', (c) => c.notNull())
      .addColumn('recorded_by', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('detentions_person').on('detentions').column('person_id').execute();

    await db.schema
      .createTable('consular_notifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('post', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('recorded_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('assistance')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('encounter_id', 'text', (c) => c.references('encounters.id'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('given_at', 'text', (c) => c.notNull())
      .addColumn('given_by', 'text', (c) => c.notNull())
      .addColumn('place', 'text')
      .addColumn('language', 'text')
      .addColumn('notes_enc', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('assistance_person').on('assistance').columns(['person_id', 'type']).execute();

    await db.schema
      .createTable('obligations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('basis', 'text', (c) => c.notNull())
      .addColumn('fulfilled_by', 'text', (c) => c.notNull())
      .addColumn('due_by', 'text')
      .addColumn('fulfilment_type', 'text')
      .addColumn('fulfilment_id', 'text')
      .addColumn('fulfilled_at', 'text')
      .addColumn('waived_by', 'text')
      .addColumn('waiver_reason_enc', 'text')
      .addColumn('waived_at', 'text')
      .addColumn('due_soon_notified_at', 'text')
      .addColumn('overdue_notified_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('obligations_person_code', ['person_id', 'code'])
      .execute();
    await db.schema.createIndex('obligations_due').on('obligations').columns(['status', 'due_by']).execute();
    await db.schema.createIndex('obligations_agency').on('obligations').columns(['agency_id', 'status', 'due_by']).execute();

    await db.schema
      .createTable('guard_overrides')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('blocked_by', 'text', (c) => c.notNull())
      .addColumn('reason_enc', 'text', (c) => c.notNull())
      .addColumn('overridden_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    // Actions carried out on a case (return, sharing, detention, charge), allowed or overridden.
    await db.schema
      .createTable('case_actions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('override_id', 'text')
      .addColumn('details_enc', 'text')
      .addColumn('performed_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('notifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('obligation_id', 'text')
      .addColumn('person_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('read_at', 'text')
      .addUniqueConstraint('notifications_once', ['user_id', 'kind', 'obligation_id'])
      .execute();
    await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'created_at']).execute();

    await db.schema
      .createTable('idempotency_keys')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('response_enc', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_id', 'key'])
      .execute();
  },
};
