import { sql, type Kysely, type Migration } from 'kysely';

// Notifications that lead to work, and service gaps (issue 17, points 5 and 6).
//
// A notification names its subject (the obligation, the referral or the person it is about), so
// repeats of the same event to the same user while unread are one row with a count and the time
// of the latest, not a list of identical lines. Rows already stored get their subject from what
// they name, and unread repeats already stored are folded into the earliest.
//
// A service gap is an officer's record that no provider offers a service a person needs in an
// area: the obligation stays open (the State still owes it); the gap says why, to the supervisor,
// the coordinator and the statistics. Its note is free text about a person: encrypted.
export const notificationRepeatsServiceGaps: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('notifications').addColumn('subject', 'text').execute();
    await db.schema.alterTable('notifications').addColumn('referral_id', 'text').execute();
    await db.schema.alterTable('notifications').addColumn('count', 'integer', (c) => c.notNull().defaultTo(1)).execute();
    await db.schema.alterTable('notifications').addColumn('last_at', 'text').execute();
    await sql`update notifications set subject = coalesce(obligation_id, person_id, id), last_at = created_at`.execute(db);
    const same = sql`o.user_id = notifications.user_id and o.kind = notifications.kind and o.subject = notifications.subject and o.read_at is null`;
    await sql`update notifications set
        count = (select count(*) from notifications o where ${same}),
        last_at = (select max(o.created_at) from notifications o where ${same})
      where read_at is null`.execute(db);
    await sql`delete from notifications where read_at is null and exists (
        select 1 from notifications o where ${same} and (o.created_at < notifications.created_at or (o.created_at = notifications.created_at and o.id < notifications.id)))`.execute(db);
    await db.schema.createIndex('notifications_unread_subject').on('notifications').columns(['user_id', 'kind', 'subject']).unique().where(sql.ref('read_at'), 'is', null).execute();

    await db.schema
      .createTable('service_gaps')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('person_id', 'text', (c) => c.notNull().references('persons.id'))
      .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
      .addColumn('service_type', 'text', (c) => c.notNull())
      .addColumn('area', 'text', (c) => c.notNull())
      .addColumn('note_enc', 'text')
      .addColumn('recorded_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('service_gaps_agency').on('service_gaps').columns(['agency_id', 'recorded_at']).execute();
    await db.schema.createIndex('service_gaps_person').on('service_gaps').columns(['person_id']).execute();
  },
};
