import type { Kysely, Migration } from 'kysely';

// Portable DDL only: text, integer, bigint. Both engines run exactly this.
export const foundation: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('agencies')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('area', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('must_change_password', 'integer', (c) => c.notNull())
      .addColumn('totp_secret_enc', 'text')
      .addColumn('totp_enabled', 'integer', (c) => c.notNull())
      .addColumn('totp_last_step', 'bigint')
      .addColumn('failed_attempts', 'integer', (c) => c.notNull())
      .addColumn('locked_until', 'text')
      .addColumn('disabled', 'integer', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('users_agency').on('users').column('agency_id').execute();

    await db.schema
      .createTable('recovery_codes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .execute();
    await db.schema.createIndex('recovery_codes_user').on('recovery_codes').column('user_id').execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .addColumn('last_used_at', 'text')
      .execute();

    await db.schema
      .createTable('settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .execute();

    await db.schema
      .createTable('conduct_versions')
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('published_at', 'text', (c) => c.notNull())
      .addColumn('published_by', 'text')
      .execute();

    await db.schema
      .createTable('conduct_acceptances')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('version', 'integer', (c) => c.notNull().references('conduct_versions.version'))
      .addColumn('accepted_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('conduct_acceptances_pk', ['user_id', 'version'])
      .execute();

    await db.schema
      .createTable('persons')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('registering_agency_id', 'text', (c) => c.notNull().references('agencies.id'))
      .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('given_name_enc', 'text')
      .addColumn('family_name_enc', 'text')
      .addColumn('other_names_enc', 'text')
      .addColumn('name_index', 'text')
      .addColumn('sex', 'text', (c) => c.notNull())
      .addColumn('birth_date', 'text')
      .addColumn('birth_date_precision', 'text')
      .addColumn('age_claimed', 'integer')
      .addColumn('nationality', 'text')
      .addColumn('languages', 'text', (c) => c.notNull())
      .addColumn('accompaniment', 'text')
      .addColumn('phone_enc', 'text')
      .addColumn('address_enc', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('persons_name_index').on('persons').column('name_index').execute();

    await db.schema
      .createTable('cases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().unique().references('persons.id'))
      .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
      .addColumn('officer_id', 'text', (c) => c.references('users.id'))
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('risk_level', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('cases_agency').on('cases').columns(['agency_id', 'created_at']).execute();

    await db.schema
      .createTable('access_grants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
      .addColumn('field_groups', 'text', (c) => c.notNull())
      .addColumn('source_type', 'text', (c) => c.notNull())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('access_grants_agency_person').on('access_grants').columns(['agency_id', 'person_id']).execute();

    await db.schema
      .createTable('audit_events')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor_user_id', 'text')
      .addColumn('actor_agency_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('record_type', 'text', (c) => c.notNull())
      .addColumn('record_id', 'text')
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text')
      .addColumn('client_address', 'text')
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_events_record').on('audit_events').columns(['record_type', 'record_id']).execute();

    await db.schema
      .createTable('audit_head')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('mac', 'text', (c) => c.notNull())
      .execute();

    // The service directory: who offers which service (DOMAIN.md section 7), where, in which languages.
    await db.schema
      .createTable('service_providers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('service_types', 'text', (c) => c.notNull())
      .addColumn('area', 'text', (c) => c.notNull())
      .addColumn('languages', 'text', (c) => c.notNull())
      .addColumn('capacity', 'integer')
      .addColumn('hours', 'text')
      .addColumn('contact', 'text')
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
};
