import { randomUUID } from 'node:crypto';
import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, postgresSchema } from '../../platform/db/database.js';
import { migrationProvider } from '../../platform/db/migrations/index.js';
import { buildHavenApp } from '../../server.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../test-support/databases.js';
import { directIndicatorData, normalizeFilter, rollupIndicatorData } from './indicator-data.js';
import { bulkInsert, syntheticRows } from './synthetic.js';

// A database written before the rollups existed (migrations up to 008) gets them counted when the
// server starts: migration 009 and 010 only create the tables, the stats feature fills them.

describe.each(await databaseKinds())('rollups of a database from before them on %s', (kind) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.destroy();
    database = undefined;
  });

  it('are counted when the server starts, once', async () => {
    database = await createTestDatabase(kind);
    const old = await openDatabase(database.config.db);
    const at = '2026-01-01T00:00:00.000Z';
    const world = { agencyIds: [randomUUID(), randomUUID()], officerIds: [randomUUID()], providerIds: [randomUUID()] };
    try {
      const schema = await postgresSchema(old.db);
      const migrator = new Migrator({ db: old.db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
      const { error } = await migrator.migrateTo('008_shared_rate_limits');
      expect(error).toBeUndefined();
      await bulkInsert(old, {
        agencies: world.agencyIds.map((id, i) => ({ id, name: `Agency ${i}`, type: 'government', area: i === 0 ? 'North' : 'South', version: 1, created_at: at, updated_at: at })),
        users: world.officerIds.map((id) => ({ id, agency_id: world.agencyIds[0], username: 'old.officer', display_name: 'Officer', email: null, role: 'protection_officer', password_hash: 'disabled', must_change_password: 1, totp_secret_enc: null, totp_enabled: 0, totp_last_step: null, failed_attempts: 0, locked_until: null, disabled: 1, version: 1, created_at: at, updated_at: at })),
        service_providers: world.providerIds.map((id) => ({ id, agency_id: world.agencyIds[0], name: 'Clinic', service_types: '[]', area: 'North', languages: '[]', capacity: 10, hours: null, contact: null, accepts_from: null, available: null, version: 1, created_at: at, updated_at: at })),
      });
      await bulkInsert(old, syntheticRows(world, 400, 3, { plaintextBirthDates: true }));
    } finally {
      await old.close();
    }

    const platform = await database.open();
    try {
      const { db, dialect } = platform.database;
      // Migrated, but nothing counted yet.
      expect(await db.selectFrom('stats_ledger').select('owner').limit(1).execute()).toEqual([]);
      const app = await buildHavenApp(platform);
      await app.close();
      expect(Number((await db.selectFrom('stats_ledger').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBeGreaterThan(400);
      const now = '2026-03-15T12:00:00.000Z';
      for (const filter of [{}, { from: '2026-02-10T06:00:00Z', to: '2026-04-20T00:00:00Z', area: 'North' }, { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' }]) {
        const normalized = normalizeFilter(filter);
        const [fast, direct] = await Promise.all([rollupIndicatorData(db, dialect, normalized, now), directIndicatorData(db, dialect, normalized, now)]);
        for (const view of ['byMonthAndType', 'byNationality', 'byAgeBandAndSex', 'byAgeBandAndAccompaniment'] as const) {
          expect(fast.arrivals[view].map((a) => JSON.stringify(a)).sort()).toEqual(direct.arrivals[view].map((a) => JSON.stringify(a)).sort());
        }
        expect(fast.obligations.map((a) => JSON.stringify(a)).sort()).toEqual(direct.obligations.map((a) => JSON.stringify(a)).sort());
        expect(fast.referrals.map((a) => JSON.stringify(a)).sort()).toEqual(direct.referrals.map((a) => JSON.stringify(a)).sort());
        expect([...fast.observed].sort()).toEqual([...direct.observed].sort());
      }
      // Counted by the current rules: the next start counts nothing again (a change would show here).
      await db.updateTable('stats_cells').set({ n: 1_000_000 }).where('measure', '=', 'encounters').execute();
      const again = await buildHavenApp(platform);
      await again.close();
      expect(Number((await db.selectFrom('stats_cells').select('n').where('measure', '=', 'encounters').executeTakeFirstOrThrow()).n)).toBe(1_000_000);
    } finally {
      await platform.database.close();
    }
  }, 60_000);
});
