import { randomUUID } from 'node:crypto';
import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, postgresSchema } from '../../platform/db/database.js';
import { migrationProvider } from '../../platform/db/migrations/index.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../test-support/databases.js';

// Migration 020 folds the unread repeats a database already holds into one notification with a
// count, and from then on the same event about the same subject while unread has one row.

const AT = '2026-01-01T00:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(AT) + minutes * 60_000).toISOString();

describe.each(await databaseKinds())('notifications stored before repeats were counted, on %s', (kind) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.destroy();
    database = undefined;
  });

  it('become one unread notification per user, event and subject, with the count and the latest time; read ones stay as they were', async () => {
    database = await createTestDatabase(kind);
    const db = await openDatabase(database.config.db);
    try {
      const schema = await postgresSchema(db.db);
      const migrator = new Migrator({ db: db.db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
      expect((await migrator.migrateTo('016_override_last_resort')).error).toBeUndefined();
      const agency = randomUUID();
      const user = randomUUID();
      const person = randomUUID();
      const [first, second] = [randomUUID(), randomUUID()];
      await db.db.insertInto('agencies').values({ id: agency, name: 'Old agency', type: 'government', area: null, version: 1, created_at: AT, updated_at: AT }).execute();
      await db.db
        .insertInto('users')
        .values({ id: user, agency_id: agency, username: 'old.officer', display_name: 'Officer', email: null, role: 'protection_officer', password_hash: 'disabled', must_change_password: 1, totp_secret_enc: null, totp_enabled: 0, totp_last_step: null, failed_attempts: 0, locked_until: null, disabled: 1, version: 1, created_at: AT, updated_at: AT } as never)
        .execute();
      const old = (id: string, kindOf: string, minutes: number, readAt: string | null, obligationId: string | null = null) =>
        ({ id, user_id: user, kind: kindOf, obligation_id: obligationId, person_id: person, created_at: at(minutes), read_at: readAt }) as never;
      await db.db
        .insertInto('notifications')
        .values([
          old(first, 'referral_consent_withdrawn', 0, null),
          old(randomUUID(), 'referral_consent_withdrawn', 5, null),
          old(randomUUID(), 'referral_consent_withdrawn', 9, null),
          old(second, 'referral_consent_withdrawn', 1, at(2)),
          old(randomUUID(), 'obligation_overdue', 3, null, randomUUID()),
          old(randomUUID(), 'obligation_overdue', 4, null, randomUUID()),
        ])
        .execute();

      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      const rows = await db.db.selectFrom('notifications').select(['id', 'kind', 'count', 'created_at', 'last_at', 'read_at', 'subject']).orderBy('created_at').execute();
      expect(rows.map((r) => [r.kind, Number(r.count), r.created_at, r.last_at, r.read_at !== null])).toEqual([
        ['referral_consent_withdrawn', 3, at(0), at(9), false],
        ['referral_consent_withdrawn', 1, at(1), at(1), true],
        ['obligation_overdue', 1, at(3), at(3), false],
        ['obligation_overdue', 1, at(4), at(4), false],
      ]);
      expect(rows[0]!.id).toBe(first);
      expect(rows[1]!.id).toBe(second);
      expect(rows[0]!.subject).toBe(person);

      // A second unread row for the same subject is refused by the database itself.
      await expect(
        db.db.insertInto('notifications').values({ id: randomUUID(), user_id: user, kind: 'referral_consent_withdrawn', obligation_id: null, referral_id: null, person_id: person, subject: person, count: 1, created_at: at(20), last_at: at(20), read_at: null }).execute(),
      ).rejects.toThrow();
    } finally {
      await db.close();
    }
  });
});
