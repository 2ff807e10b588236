import { randomUUID } from 'node:crypto';
import { disclosureProblems, recoverableCells } from '@haven/core';
import { expect } from 'vitest';
import type { Platform } from '../../../platform/context.js';
import { placeOf } from '../../../platform/crypto/cipher.js';
import { makeAgency } from '../../../test-support/server.js';
import type { IndicatorReport } from '../service.js';
import { restateAllStats } from '../rollup.js';
import { bulkInsert, syntheticRows, type SyntheticWorld } from '../synthetic.js';

/** Two agencies in two areas, officers, three providers, and `persons` synthetic case files. */
export async function syntheticWorld(platform: Platform, persons: number, seed = 8): Promise<SyntheticWorld & { rows: ReturnType<typeof syntheticRows> }> {
  const north = await makeAgency(platform, 'Coast guard north');
  const south = await makeAgency(platform, 'Coast guard south');
  const { db } = platform.database;
  await db.updateTable('agencies').set({ area: 'North' }).where('id', '=', north).execute();
  await db.updateTable('agencies').set({ area: 'South' }).where('id', '=', south).execute();
  const at = platform.clock().toISOString();
  // Officers who own cases but never sign in: written directly, without the cost of a password hash.
  const officerIds = Array.from({ length: 4 }, () => randomUUID());
  await db
    .insertInto('users')
    .values(
      officerIds.map((id, i) => ({
        id,
        agency_id: i % 2 === 0 ? north : south,
        username: `synthetic.officer.${i}`,
        display_name: `Officer ${i}`,
        email: null,
        role: 'protection_officer',
        password_hash: 'disabled',
        must_change_password: 1,
        totp_secret_enc: null,
        totp_enabled: 0,
        totp_last_step: null,
        failed_attempts: 0,
        locked_until: null,
        last_failed_at: null,
        disabled: 1,
        approved: 1,
        version: 1,
        created_at: at,
        updated_at: at,
      })),
    )
    .execute();
  const providerIds = [];
  for (const [name, capacity] of [['Harbour clinic', 40], ['Legal aid desk', 25], ['Children first', null]] as const) {
    const id = randomUUID();
    await db
      .insertInto('service_providers')
      .values({ id, agency_id: north, name, service_types: '[]', area: 'North', languages: '[]', capacity, hours: null, contact: null, accepts_from: null, available: null, version: 1, created_at: at, updated_at: at })
      .execute();
    providerIds.push(id);
  }
  const world = { agencyIds: [north, south], officerIds, providerIds };
  const rows = syntheticRows(world, persons, seed, { cipher: platform.cipher });
  // Names the exports decrypt: synthetic, encrypted as the registration would.
  for (const [i, person] of (rows.persons ?? []).entries()) {
    person.given_name_enc = platform.cipher.encrypt(`Test person ${i}`, placeOf('persons', 'given_name_enc', String(person.id)));
  }
  await bulkInsert(platform.database, rows);
  // Written past the services, so counted here as the migration counts existing case files.
  await restateAllStats(platform);
  return { ...world, rows };
}

/** Every table of a report passes the check at the door, and every list and measure hides small counts. */
export function expectPublishable(report: IndicatorReport): void {
  for (const table of report.tables) {
    expect(disclosureProblems(table), table.id).toEqual([]);
    expect(recoverableCells(table), table.id).toEqual([]);
  }
  for (const list of report.lists) for (const item of list.items) expect(item.count === null || item.count === 0 || item.count >= report.k).toBe(true);
}
