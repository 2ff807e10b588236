import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { placeOf } from '../../platform/crypto/cipher.js';
import { openDatabase, postgresSchema } from '../../platform/db/database.js';
import { migrationProvider } from '../../platform/db/migrations/index.js';
import { buildHavenApp } from '../../server.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../test-support/databases.js';
import { birthDateIndexOf } from '../duplicates/store.js';
import { directIndicatorData, normalizeFilter, rollupIndicatorData } from '../stats/indicator-data.js';
import { bulkInsert, syntheticRows } from '../stats/synthetic.js';
import { encryptPlaintextBirthDates } from './birth-date.js';

// A database written while dates of birth were stored in plaintext (every migration before 015)
// gets them encrypted when the server starts: the migration keeps them, having no key.

const AT = '2026-01-01T00:00:00.000Z';
/** The last migration before the dates were encrypted. */
const BEFORE = '010_stats_day_rollups';

/** The age the indicators counted before: computed in SQL from the plaintext date and the encounter. */
const OLD_AGE = sql`case when p.birth_date is not null then
    cast(substr(e.occurred_at, 1, 4) as integer) - cast(substr(p.birth_date, 1, 4) as integer)
    - case when substr(e.occurred_at, 6, 5) < substr(p.birth_date, 6, 5) then 1 else 0 end
  else p.age_claimed end`;

interface OldDatabase {
  /** Every plaintext date by person. */
  dates: Map<string, { date: string; precision: string | null }>;
  /** The age each person of an encounter counted under, before. */
  ages: Map<string, number | null>;
}

/** Migrations up to BEFORE, synthetic case files with plaintext dates, and some persons of no encounter. */
async function databaseFromBefore(database: TestDatabase, persons: number): Promise<OldDatabase> {
  const old = await openDatabase(database.config.db);
  try {
    const schema = await postgresSchema(old.db);
    const migrator = new Migrator({ db: old.db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
    expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
    const world = { agencyIds: [randomUUID(), randomUUID()], officerIds: [randomUUID()], providerIds: [randomUUID()] };
    await bulkInsert(old, {
      agencies: world.agencyIds.map((id, i) => ({ id, name: `Agency ${i}`, type: 'government', area: i === 0 ? 'North' : 'South', version: 1, created_at: AT, updated_at: AT })),
      users: world.officerIds.map((id) => ({ id, agency_id: world.agencyIds[0], username: 'old.officer', display_name: 'Officer', email: null, role: 'protection_officer', password_hash: 'disabled', must_change_password: 1, totp_secret_enc: null, totp_enabled: 0, totp_last_step: null, failed_attempts: 0, locked_until: null, disabled: 1, version: 1, created_at: AT, updated_at: AT })),
      service_providers: world.providerIds.map((id) => ({ id, agency_id: world.agencyIds[0], name: 'Clinic', service_types: '[]', area: 'North', languages: '[]', capacity: 10, hours: null, contact: null, accepts_from: null, available: null, version: 1, created_at: AT, updated_at: AT })),
    });
    const rows = syntheticRows(world, persons, 15, { plaintextBirthDates: true });
    // Registered on their own (no encounter), with a year-only date and one of no precision.
    const alone = [
      { date: '1961-01-01', precision: 'year' },
      { date: '1975-08-09', precision: null },
      { date: '1983-01-01', precision: null },
      { date: '1999-12-31', precision: 'estimated' },
    ].map(({ date, precision }) => ({ ...rows.persons![0]!, id: randomUUID(), encounter_id: null, birth_date: date, birth_date_precision: precision }));
    rows.persons!.push(...alone);
    rows.cases!.push(...alone.map((p) => ({ ...rows.cases![0]!, id: randomUUID(), person_id: p.id })));
    await bulkInsert(old, rows);
    const stored = await old.db.selectFrom('persons').select(['id', 'birth_date', 'birth_date_precision']).where('birth_date', 'is not', null).execute();
    const ages = await sql<{ id: string; age: number | string | null }>`select p.id as id, ${OLD_AGE} as age from persons p join encounters e on e.id = p.encounter_id`.execute(old.db);
    return {
      dates: new Map(stored.map((r) => [r.id, { date: r.birth_date!, precision: r.birth_date_precision }])),
      ages: new Map(ages.rows.map((r) => [r.id, r.age === null ? null : Number(r.age)])),
    };
  } finally {
    await old.close();
  }
}

/** The dates the test can tell apart from any other text of the database (no timestamp begins with them). */
function telling(dates: Iterable<{ date: string }>): string[] {
  return [...new Set([...dates].map((d) => d.date).filter((date) => date < '2020'))];
}

function expectNoneInFiles(file: string, needles: readonly string[]): void {
  expect(needles.length).toBeGreaterThan(100);
  for (const own of [file, `${file}-wal`].filter((f) => existsSync(f))) {
    const bytes = readFileSync(own);
    expect(needles.filter((needle) => bytes.includes(needle)), own).toEqual([]);
  }
}

describe.each(await databaseKinds())('dates of birth of a database from before their encryption on %s', (kind) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.destroy();
    database = undefined;
  });

  it('are encrypted when the server starts, none left in plaintext, the ages and the statistics as before', async () => {
    database = await createTestDatabase(kind);
    const before = await databaseFromBefore(database, 2000);
    // More than one UPDATE statement's rows in the batch.
    expect(before.dates.size).toBeGreaterThan(500);

    const platform = await database.open();
    try {
      const { db, dialect } = platform.database;
      // Migrated: the age and year are there at once, the date still plaintext (no key in a migration).
      const migrated = await db.selectFrom('persons').select(['id', 'age_at_encounter', 'age_claimed', 'birth_year']).execute();
      for (const row of migrated) {
        if (before.ages.has(row.id)) expect(row.age_at_encounter ?? row.age_claimed, row.id).toBe(before.ages.get(row.id));
        expect(row.birth_year).toBe(before.dates.has(row.id) ? Number(before.dates.get(row.id)!.date.slice(0, 4)) : null);
      }
      expect(await db.selectFrom('persons').select('id').where('birth_date', 'is not', null).execute()).toHaveLength(before.dates.size);

      const app = await buildHavenApp(platform);
      await app.close();

      const rows = await db.selectFrom('persons').selectAll().execute();
      expect(rows.filter((r) => r.birth_date != null)).toEqual([]);
      for (const row of rows) {
        const old = before.dates.get(row.id);
        expect(platform.cipher.decryptNullable(row.birth_date_enc, placeOf('persons', 'birth_date_enc', row.id))).toBe(old?.date ?? null);
        expect(row.birth_date_index).toBe(birthDateIndexOf(platform.cipher, old?.date, old?.precision));
        expect(row.birth_date_precision).toBe(old?.precision ?? null);
        if (before.ages.has(row.id)) expect(row.age_at_encounter ?? row.age_claimed, row.id).toBe(before.ages.get(row.id));
        else expect(row.age_at_encounter).toBeNull();
      }
      // The rollups counted at the same start agree with the direct queries over the same ages.
      const now = '2026-03-15T12:00:00.000Z';
      for (const filter of [{}, { from: '2026-02-10T06:00:00Z', to: '2026-04-20T00:00:00Z', area: 'North' }]) {
        const normalized = normalizeFilter(filter);
        const [fast, direct] = await Promise.all([rollupIndicatorData(db, dialect, normalized, now), directIndicatorData(db, dialect, normalized, now)]);
        for (const view of ['byAgeBandAndSex', 'byAgeBandAndAccompaniment'] as const) {
          expect(fast.arrivals[view].map((a) => JSON.stringify(a)).sort()).toEqual(direct.arrivals[view].map((a) => JSON.stringify(a)).sort());
        }
        expect(fast.detentions.map((a) => JSON.stringify(a)).sort()).toEqual(direct.detentions.map((a) => JSON.stringify(a)).sort());
      }
      if (kind === 'sqlite') expectNoneInFiles(database.sqliteFile!, telling(before.dates.values()));
    } finally {
      await platform.database.close();
    }
    // Nor in the file, nor in its log, while the server runs and once it stopped: no page or frame keeps a date from before.
    if (kind === 'sqlite') expectNoneInFiles(database.sqliteFile!, telling(before.dates.values()));
  }, 120_000);

  it('are encrypted a batch per transaction, with progress, and not again', async () => {
    database = await createTestDatabase(kind);
    const before = await databaseFromBefore(database, 300);
    const platform = await database.open();
    try {
      const told: [number, number][] = [];
      let started = -1;
      const batchSize = 37;
      const encrypted = await encryptPlaintextBirthDates(platform, { batchSize, onStart: (total) => (started = total), progress: (done, total) => told.push([done, total]) });
      const total = before.dates.size;
      expect([encrypted, started]).toEqual([total, total]);
      expect(told).toEqual(Array.from({ length: Math.ceil(total / batchSize) }, (_, i) => [Math.min((i + 1) * batchSize, total), total]));
      const first = await platform.database.db.selectFrom('persons').select(['id', 'birth_date_enc']).orderBy('id').execute();
      expect(await encryptPlaintextBirthDates(platform, { onStart: () => expect.unreachable('nothing is left to encrypt') })).toBe(0);
      expect(await platform.database.db.selectFrom('persons').select(['id', 'birth_date_enc']).orderBy('id').execute()).toEqual(first);
      expect(first.filter((r) => r.birth_date_enc !== null)).toHaveLength(total);
    } finally {
      await platform.database.close();
    }
  }, 60_000);
});
