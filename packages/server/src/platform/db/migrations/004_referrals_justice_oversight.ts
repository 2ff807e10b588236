import type { Kysely, Migration } from 'kysely';

// The referral mechanism (directory pathways, consent, referrals), justice links and
// oversight of failures to assist. Portable DDL only.
export const referralsJusticeOversight: Migration = {
  async up(db: Kysely<unknown>) {
    // The directory: who may refer to a provider (agency ids; null = any agency) and free places now.
    await db.schema.alterTable('service_providers').addColumn('accepts_from', 'text').execute();
    await db.schema.alterTable('service_providers').addColumn('available', 'integer').execute();

    // The default provider per service type and area: a referral proposed in one click.
    await db.schema
      .createTable('referral_pathways')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('service_type', 'text', (c) => c.notNull())
      .addColumn('area', 'text', (c) => c.notNull())
      .addColumn('provider_id', 'text', (c) => c.notNull().references('service_providers.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('referral_pathways_unique', ['service_type', 'area'])
      .execute();

    await db.schema
      .createTable('consents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('recipient_agency_id', 'text', (c) => c.notNull().references('agencies.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('explained_by', 'text', (c) => c.notNull())
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('interpreter', 'integer', (c) => c.notNull())
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addColumn('withdrawn_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('consents_person').on('consents').columns(['person_id', 'recipient_agency_id']).execute();

    await db.schema
      .createTable('referrals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('reference', 'text', (c) => c.notNull().unique())
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('from_agency_id', 'text', (c) => c.notNull().references('agencies.id'))
      .addColumn('sender_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('provider_id', 'text', (c) => c.notNull().references('service_providers.id'))
      .addColumn('to_agency_id', 'text', (c) => c.notNull().references('agencies.id'))
      .addColumn('service_type', 'text', (c) => c.notNull())
      .addColumn('urgency', 'text', (c) => c.notNull())
      .addColumn('obligations', 'text', (c) => c.notNull())
      .addColumn('due_by', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('consent_id', 'text', (c) => c.references('consents.id'))
      .addColumn('vital_interest_by', 'text')
      .addColumn('vital_interest_reason_enc', 'text')
      .addColumn('shared_groups', 'text', (c) => c.notNull())
      .addColumn('reason_enc', 'text')
      .addColumn('decline_reason_enc', 'text')
      .addColumn('feedback_enc', 'text')
      .addColumn('sent_at', 'text')
      .addColumn('accepted_at', 'text')
      .addColumn('completed_at', 'text')
      .addColumn('ended_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('referrals_person').on('referrals').columns(['person_id', 'service_type', 'status']).execute();
    await db.schema.createIndex('referrals_inbox').on('referrals').columns(['to_agency_id', 'status', 'due_by']).execute();

    await db.schema
      .createTable('investigations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('reference', 'text', (c) => c.notNull())
      .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('offence', 'text', (c) => c.notNull())
      .addColumn('aggravating', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('investigations_reference', ['agency_id', 'reference'])
      .execute();

    await db.schema
      .createTable('justice_links')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('investigation_id', 'text', (c) => c.notNull().references('investigations.id'))
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('reachable', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('justice_links_unique', ['investigation_id', 'person_id', 'role'])
      .execute();
    await db.schema.createIndex('justice_links_person').on('justice_links').column('person_id').execute();

    await db.schema
      .createTable('protection_measures')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('justice_link_id', 'text', (c) => c.notNull().references('justice_links.id'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('notes_enc', 'text')
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('requested_at', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('incidents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('person_id', 'text', (c) => c.references('persons.id'))
      .addColumn('investigation_id', 'text', (c) => c.references('investigations.id'))
      .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
      .addColumn('occurred_at', 'text')
      .addColumn('place', 'text')
      .addColumn('description_enc', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('incidents_person').on('incidents').column('person_id').execute();

    await db.schema
      .createTable('allegations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('receipt_hash', 'text', (c) => c.notNull().unique())
      .addColumn('filed_by', 'text')
      .addColumn('description_enc', 'text', (c) => c.notNull())
      .addColumn('person_id', 'text', (c) => c.references('persons.id'))
      .addColumn('obligation_id', 'text', (c) => c.references('obligations.id'))
      .addColumn('incident_id', 'text', (c) => c.references('incidents.id'))
      .addColumn('oversight_agency_id', 'text', (c) => c.references('agencies.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('findings_enc', 'text')
      .addColumn('remedy_enc', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
