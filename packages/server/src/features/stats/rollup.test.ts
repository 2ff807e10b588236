import { ENCOUNTER_TYPES, loadProfile, OBSERVED_INDICATORS } from '@haven/core';
import { escalationCutoffs } from '../obligations/escalation.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../platform/db/database.js';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';
import { directIndicatorData, normalizeFilter, periodPlan, rollupIndicatorData, type IndicatorData } from './indicator-data.js';
import { recountStats, restateEncounterStats, restatePersonStats } from './rollup.js';
import { reportReader } from '../../platform/db/report-reader.js';
import { medianPrecision, type ExactMedian, type StatsFilter } from './store.js';
import { syntheticWorld } from './test-support/world.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import { birthDateColumns, restateAgesAtEncounter } from '../persons/birth-date.js';
import { StoreUnit } from '../../store/unit.js';

// The rollups must say exactly what the direct queries say over the same rows (the medians within
// half a bucket), for any filter, after any change made the way the write paths make it.

/** The same small generator as the synthetic world, so a failing case can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sortBy = (rows: readonly unknown[]) => rows.map((r) => JSON.stringify(r)).sort();

function expectSame(fast: IndicatorData, direct: IndicatorData, context: string): void {
  for (const view of ['byMonthAndType', 'byNationality', 'byAgeBandAndSex', 'byAgeBandAndAccompaniment'] as const) {
    expect(sortBy(fast.arrivals[view]), `${context} arrivals ${view}`).toEqual(sortBy(direct.arrivals[view]));
  }
  expect(sortBy(fast.encounters), context).toEqual(sortBy(direct.encounters));
  expect([...fast.observed].sort(), context).toEqual([...direct.observed].sort());
  expect(sortBy(fast.obligations), context).toEqual(sortBy(direct.obligations));
  expect([...fast.missed].sort(), `${context} missed`).toEqual([...direct.missed].sort());
  expect(sortBy(fast.referrals), context).toEqual(sortBy(direct.referrals));
  expect([...fast.caseloads].sort((a, b) => a - b), context).toEqual([...direct.caseloads].sort((a, b) => a - b));
  expect(fast.providers, context).toEqual(direct.providers);
  expect(sortBy(fast.detentions), context).toEqual(sortBy(direct.detentions));
  expect([...fast.overrides].sort(), context).toEqual([...direct.overrides].sort());
  expect([...fast.allegations].sort(), context).toEqual([...direct.allegations].sort());
  for (const measure of ['obligationMedians', 'toAccept', 'toComplete'] as const) {
    const a = fast[measure];
    const b = direct[measure];
    expect([...a.keys()].sort(), `${context} ${measure}`).toEqual([...b.keys()].sort());
    for (const [grp, exact] of b as Map<string, ExactMedian>) {
      const read = a.get(grp)!;
      expect(read.n, `${context} ${measure} ${grp}`).toBe(exact.n);
      // The exact median averages two middle values; each is read as the middle of its bucket.
      const allowed = Math.max(medianPrecision(exact.low), medianPrecision(exact.high)) + 1e-9;
      expect(Math.abs(read.median - exact.median), `${context} ${measure} ${grp}`).toBeLessThanOrEqual(allowed);
    }
  }
}

/** Escalation limits of three lengths, so missed obligations have cut-offs on different days. */
const ESCALATING = loadProfile({ id: 'escalating', escalation: { afterOverdue: 'PT6H', obligations: { 'life.emergency_care': 'PT30M', 'info.rights': 'PT20H' } } });

async function compare(db: Queryable, dialect: 'sqlite' | 'postgres', filter: StatsFilter, now: string): Promise<void> {
  const normalized = normalizeFilter(filter);
  const cutoffs = escalationCutoffs(ESCALATING, new Date(now));
  const [fast, direct] = await Promise.all([rollupIndicatorData(db, dialect, normalized, now, cutoffs), directIndicatorData(db, dialect, normalized, now, cutoffs)]);
  expectSame(fast, direct, JSON.stringify({ filter: normalized, now }));
}

/** Non-zero cells as a sorted list: what a recount from scratch must reproduce. */
async function cells(db: Queryable): Promise<string[]> {
  const rows = await db.selectFrom('stats_cells').selectAll().where('n', '<>', 0).execute();
  const days = await db.selectFrom('stats_day_cells').selectAll().where('n', '<>', 0).execute();
  return [
    ...rows.map((r) => JSON.stringify([r.measure, r.month, r.agency_id, r.encounter_type, r.k1, r.k2, r.k3, r.k4, Number(r.n)])),
    ...days.map((r) => JSON.stringify([r.measure, r.day, r.agency_id, r.encounter_type, r.k1, r.k2, r.k3, r.k4, Number(r.n)])),
  ].sort();
}

const iso = (ms: number) => new Date(ms).toISOString();
const DAY = 86_400_000;
const JAN = Date.parse('2026-01-01T00:00:00Z');

/** Periods that do not start or end on month boundaries, besides the random ones. */
const FIXED_PERIODS: StatsFilter[] = [
  { area: 'North', from: '2026-02-10T00:00:00Z', to: '2026-05-20T00:00:00Z' },
  { from: '2026-02-10T06:30:00Z', to: '2026-05-03T12:00:00.250Z' },
  // Inside one month, day-aligned and not.
  { from: '2026-02-03T00:00:00Z', to: '2026-02-17T00:00:00Z' },
  { from: '2026-02-03T05:00:00Z', to: '2026-02-17T13:45:00Z', encounterType: 'rescue_at_sea' },
  // Inside one day, and across two.
  { from: '2026-02-10T03:00:00Z', to: '2026-02-10T19:30:00Z' },
  { from: '2026-03-15T00:00:00Z', to: '2026-03-15T12:00:00Z' },
  { from: '2026-02-10T03:00:00Z', to: '2026-02-11T19:30:00Z', area: 'South' },
  // Across the year boundary.
  { from: '2025-12-30T12:00:00Z', to: '2026-01-02T06:00:00Z' },
  { from: '2025-12-15T00:00:00Z', to: '2026-02-14T00:00:00Z', area: 'North' },
  { from: '2025-12-31T20:00:00+02:00', to: '2026-01-01T01:00:00+01:00' },
  // One bound only, the whole of a month and one day of it.
  { from: '2026-03-17T08:00:00Z' },
  { to: '2026-04-09T17:00:00Z' },
  { from: '2026-01-31T00:00:00Z', to: '2026-03-01T00:00:00Z' },
];

describe('how a period divides', () => {
  const plan = (from?: string, to?: string) => periodPlan(normalizeFilter({ ...(from ? { from } : {}), ...(to ? { to } : {}) }));
  it('reads whole months from the month cells, whole days beside them from the day cells, and only the days the bounds cut from the rows', () => {
    expect(periodPlan({})).toEqual({ months: {}, days: [], edges: [] });
    expect(plan('2026-02-01T00:00:00Z', '2026-05-01T00:00:00Z')).toEqual({ months: { from: '2026-02', to: '2026-04' }, days: [], edges: [] });
    // Day-aligned: nothing from the rows.
    expect(plan('2026-02-10T00:00:00Z', '2026-05-20T00:00:00Z')).toEqual({
      months: { from: '2026-03', to: '2026-04' },
      days: [
        { from: '2026-02-10', to: '2026-02-28' },
        { from: '2026-05-01', to: '2026-05-19' },
      ],
      edges: [],
    });
    expect(plan('2026-02-10T06:00:00Z', '2026-05-03T12:30:00Z')).toEqual({
      months: { from: '2026-03', to: '2026-04' },
      days: [
        { from: '2026-02-11', to: '2026-02-28' },
        { from: '2026-05-01', to: '2026-05-02' },
      ],
      edges: ['2026-02-10', '2026-05-03'],
    });
    // Inside one month, inside one day, and across two days.
    expect(plan('2026-02-10T00:00:00Z', '2026-02-20T00:00:00Z')).toEqual({ months: null, days: [{ from: '2026-02-10', to: '2026-02-19' }], edges: [] });
    expect(plan('2026-02-10T08:00:00Z', '2026-02-10T09:00:00Z')).toEqual({ months: null, days: [], edges: ['2026-02-10'] });
    expect(plan('2026-02-10T08:00:00Z', '2026-02-11T09:00:00Z')).toEqual({ months: null, days: [], edges: ['2026-02-10', '2026-02-11'] });
    // A month's last day, and a period ending at the first instant of a month.
    expect(plan('2026-01-31T00:00:00Z', '2026-03-01T00:00:00Z')).toEqual({ months: { from: '2026-02', to: '2026-02' }, days: [{ from: '2026-01-31', to: '2026-01-31' }], edges: [] });
    // Across a year boundary; one bound only.
    expect(plan('2025-12-30T12:00:00Z', '2026-01-02T06:00:00Z')).toEqual({ months: null, days: [{ from: '2025-12-31', to: '2026-01-01' }], edges: ['2025-12-30', '2026-01-02'] });
    expect(plan('2025-12-31T23:00:00+00:00')).toEqual({ months: { from: '2026-01' }, days: [], edges: ['2025-12-31'] });
    expect(plan('2025-12-15T00:00:00Z')).toEqual({ months: { from: '2026-01' }, days: [{ from: '2025-12-15', to: '2025-12-31' }], edges: [] });
    expect(plan(undefined, '2026-01-01T00:00:00Z')).toEqual({ months: { to: '2025-12' }, days: [], edges: [] });
    expect(plan(undefined, '2026-01-05T10:00:00Z')).toEqual({ months: { to: '2025-12' }, days: [{ from: '2026-01-01', to: '2026-01-04' }], edges: ['2026-01-05'] });
    // An empty or reversed period reads nothing but the cut day.
    expect(plan('2026-02-10T09:00:00Z', '2026-02-10T08:00:00Z')).toEqual({ months: null, days: [], edges: ['2026-02-10'] });
    expect(plan('2026-02-10T00:00:00Z', '2026-02-10T00:00:00Z')).toEqual({ months: null, days: [], edges: [] });
  });
});

describe.each(await databaseKinds())('indicator rollups on %s', (kind) => {
  let server: TestServer;
  let world: Awaited<ReturnType<typeof syntheticWorld>>;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    world = await syntheticWorld(server.platform, 1500, 31);
    // Some encounters on the last days of 2025, so periods across the year boundary count something on both sides.
    const { db } = server.platform.database;
    const moved = world.rows.encounters!.slice(0, 6).map((e) => String(e.id));
    await db.transaction().execute(async (trx) => {
      for (const [i, id] of moved.entries()) {
        const occurredAt = iso(JAN - (i + 1) * 7 * 3_600_000);
        await trx.updateTable('encounters').set({ occurred_at: occurredAt }).where('id', '=', id).execute();
        await restateAgesAtEncounter(new StoreUnit(server.platform, trx, () => {}, () => {}), id, occurredAt);
      }
      await restateEncounterStats(trx, moved);
    });
  });
  afterAll(() => server.close());

  const filters = (seed: number, count: number): StatsFilter[] => {
    const rnd = random(seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
    const instant = () => {
      const r = rnd();
      if (r < 0.2) return `2026-0${1 + Math.floor(rnd() * 7)}-01T00:00:00Z`;
      // Midnight: whole days from the day cells, nothing from the rows.
      if (r < 0.45) return iso(JAN - 20 * DAY + Math.floor(rnd() * 220) * DAY);
      return iso(JAN - 20 * DAY + Math.floor(rnd() * 220 * DAY));
    };
    const out: StatsFilter[] = [{}, ...FIXED_PERIODS];
    for (let i = 0; i < count; i++) {
      const f: StatsFilter = {};
      if (rnd() < 0.7) f.from = instant();
      if (rnd() < 0.7) f.to = instant();
      if (rnd() < 0.3) f.area = pick(['North', 'South', 'Nowhere']);
      if (rnd() < 0.3) f.agencyId = pick(world.agencyIds);
      if (rnd() < 0.3) f.encounterType = pick(ENCOUNTER_TYPES);
      out.push(f);
    }
    return out;
  };
  // Inside the synthetic months, so some open obligations fall due on the day the indicators are read.
  const nows = ['2026-03-15T12:00:00.000Z', '2026-11-28T09:00:00.000Z'];

  it('equals the direct queries over random case files and random filters', async () => {
    const { db, dialect } = server.platform.database;
    for (const now of nows) for (const filter of filters(1, 24)) await compare(db, dialect, filter, now);
  });

  it('stays equal after random changes restated as the write paths restate them', async () => {
    const { db, dialect } = server.platform.database;
    const rnd = random(2);
    const persons = world.rows.persons!.map((p) => String(p.id));
    const encounters = world.rows.encounters!.map((e) => String(e.id));
    const somePersons = (n: number) => Array.from({ length: n }, () => persons[Math.floor(rnd() * persons.length)]!);
    for (let round = 0; round < 4; round++) {
      const touched = somePersons(40);
      await db.transaction().execute(async (trx) => {
        for (const [i, id] of touched.entries()) {
          switch (i % 8) {
            case 0: {
              // As a correction of the record writes the date: encrypted, with the year and the age at the encounter beside it.
              const { occurred_at } = await trx.selectFrom('persons').innerJoin('encounters', 'encounters.id', 'persons.encounter_id').select('occurred_at').where('persons.id', '=', id).executeTakeFirstOrThrow();
              const birthDate = '2015-06-30';
              await trx
                .updateTable('persons')
                .set({
                  sex: 'female',
                  nationality: rnd() < 0.5 ? null : 'LY',
                  birth_date_enc: server.platform.cipher.encrypt(birthDate, placeOf('persons', 'birth_date_enc', id)),
                  ...birthDateColumns(server.platform.cipher, birthDate, 'day', occurred_at),
                  age_claimed: null,
                })
                .where('id', '=', id)
                .execute();
              break;
            }
            case 1:
              await trx.updateTable('obligations').set({ status: 'fulfilled', fulfilled_at: iso(JAN + Math.floor(rnd() * 90 * DAY)) }).where('person_id', '=', id).execute();
              break;
            case 2:
              await trx.updateTable('obligations').set({ status: 'open', fulfilled_at: null, due_by: '2026-03-15T06:00:00.000Z' }).where('person_id', '=', id).execute();
              break;
            case 3:
              await trx.updateTable('cases').set({ stage: rnd() < 0.5 ? 'closed' : 'referred', officer_id: world.officerIds[Math.floor(rnd() * world.officerIds.length)]! }).where('person_id', '=', id).execute();
              break;
            case 4:
              await trx.updateTable('referrals').set({ status: 'accepted', accepted_at: iso(JAN + 40 * DAY), sent_at: iso(JAN + 39 * DAY), completed_at: null }).where('person_id', '=', id).execute();
              break;
            case 5:
              await trx
                .insertInto('screenings')
                .values({ id: crypto.randomUUID(), person_id: id, screening_version: 99, indicators: JSON.stringify([OBSERVED_INDICATORS[0], OBSERVED_INDICATORS[3]]), statement_enc: null, statement_language: null, screened_by: world.officerIds[0]!, screened_at: iso(JAN), created_at: iso(JAN) })
                .execute();
              break;
            case 6:
              await trx.deleteFrom('referrals').where('person_id', '=', id).execute();
              await trx.deleteFrom('detentions').where('person_id', '=', id).execute();
              break;
            case 7:
              await trx
                .insertInto('guard_overrides')
                .values({ id: crypto.randomUUID(), person_id: id, agency_id: world.agencyIds[0]!, action: 'detain', blocked_by: '[]', reason_enc: 'x', overridden_by: world.officerIds[0]!, created_at: iso(JAN) })
                .execute();
              break;
          }
        }
        await restatePersonStats(trx, touched);
        // An encounter corrected: its type, time and counts move every person met in it.
        const encounter = encounters[Math.floor(rnd() * encounters.length)]!;
        const occurredAt = iso(JAN + Math.floor(rnd() * 200 * DAY));
        await trx.updateTable('encounters').set({ type: 'airport', occurred_at: occurredAt, dead: 3 }).where('id', '=', encounter).execute();
        await restateAgesAtEncounter(new StoreUnit(server.platform, trx, () => {}, () => {}), encounter, occurredAt);
        await restateEncounterStats(trx, [encounter]);
      });
      for (const now of nows) for (const filter of filters(100 + round, 6)) await compare(db, dialect, filter, now);
    }
    // And the cells kept on write are the cells a recount from nothing gives.
    const kept = await cells(db);
    await recountStats(server.platform, { rebuild: true });
    expect(await cells(db)).toEqual(kept);
    // In many small id ranges (a million rows are counted 20,000 at a time): nothing counted twice or missed.
    await recountStats(server.platform, { rebuild: true, pageSize: 7 });
    expect(await cells(db)).toEqual(kept);
  });

  it.runIf(kind === 'sqlite')('reads on SQLite in a worker thread, the same rows, while the event loop keeps turning', async () => {
    const { db, dialect } = server.platform.database;
    const reader = reportReader(server.platform.database);
    expect(reader).not.toBe(db);
    const now = nows[0]!;
    for (const filter of filters(7, 4)) {
      const normalized = normalizeFilter(filter);
      expect(await rollupIndicatorData(reader, dialect, normalized, now)).toEqual(await rollupIndicatorData(db, dialect, normalized, now));
    }
    // A query that keeps SQLite busy for a while: on the server's own connection no timer could fire meanwhile.
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const slow = await sql<{ n: number }>`with recursive c(x) as (select 1 union all select x + 1 from c where x < 3000000) select count(*) as n from c`.execute(reader);
    clearInterval(ticker);
    expect(Number(slow.rows[0]!.n)).toBe(3_000_000);
    expect(ticks).toBeGreaterThan(5);
  });
});

describe.each(await databaseKinds())('the write paths keep the rollups on %s', (kind) => {
  let server: TestServer;
  let responder: Caller;
  let officer: Caller;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const agency = await makeAgency(server.platform, 'Harbour police');
    responder = await sessionFor(server, await makeUser(server.platform, agency, 'first_responder', 'responder'));
    officer = await sessionFor(server, await makeUser(server.platform, agency, 'protection_officer', 'officer'));
  });
  afterAll(() => server.close());

  async function expectKept(): Promise<void> {
    const { db, dialect } = server.platform.database;
    await compare(db, dialect, {}, server.platform.clock().toISOString());
    const kept = await cells(db);
    await recountStats(server.platform, { rebuild: true });
    expect(await cells(db)).toEqual(kept);
  }

  it('counts an encounter, a mass registration, a detention and corrections as they are written', async () => {
    const created = await responder.post('/api/encounters', {
      type: 'rescue_at_sea',
      occurredAt: new Date(server.platform.clock().getTime() - 3_600_000).toISOString(),
      place: { name: 'Synthetic sea' },
      dead: 1,
      missing: 2,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const encounterId = created.body.id as string;
    const registered = await responder.post(`/api/encounters/${encounterId}/persons`, {
      persons: Array.from({ length: 30 }, (_, i) => ({ givenName: `P${i}`, sex: i % 3 === 0 ? 'female' : 'male', ageClaimed: 10 + i, ...(i % 5 === 0 ? { indicators: ['medical_emergency'] } : {}) })),
    });
    expect(registered.status, JSON.stringify(registered.body).slice(0, 300)).toBe(201);
    const { db } = server.platform.database;
    expect(Number((await sql<{ n: number }>`select sum(n) as n from stats_cells where measure = 'arrivals'`.execute(db)).rows[0]!.n)).toBe(30);
    await expectKept();

    const personId = registered.body.persons[20].id as string;
    const detention = await officer.post(`/api/persons/${personId}/detentions`, { place: 'Station', since: new Date(server.platform.clock().getTime() - 1_800_000).toISOString(), legalBasis: 'Identification' });
    expect(detention.status, JSON.stringify(detention.body)).toBe(201);
    await expectKept();

    const corrected = await responder.patch(`/api/encounters/${encounterId}`, { version: 1, type: 'land_apprehension', dead: 4 });
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
    expect(Number((await sql<{ n: number }>`select sum(n) as n from stats_cells where measure = 'dead' and encounter_type = 'land_apprehension'`.execute(db)).rows[0]!.n)).toBe(4);
    await expectKept();
  });

  it('counts a person by the age at the encounter, which follows corrections of the date of birth and of the encounter time', async () => {
    const { db } = server.platform.database;
    const bands = async () =>
      (await sql<{ band: string; n: number | string }>`select k3 as band, sum(n) as n from stats_cells where measure = 'arrivals' and encounter_type = 'airport' group by k3 having sum(n) <> 0`.execute(db)).rows.map((r) => [r.band, Number(r.n)]);
    const created = await responder.post('/api/encounters', { type: 'airport', occurredAt: '2026-02-20T10:00:00Z', place: { name: 'Terminal 2' } });
    expect(created.status).toBe(201);
    const registered = await responder.post(`/api/encounters/${created.body.id}/persons`, { persons: [{ givenName: 'Age', sex: 'female', birthDate: '2008-02-25', birthDatePrecision: 'day' }] });
    expect(registered.status).toBe(201);
    expect(await bands()).toEqual([['12-17', 1]]);
    // The day after the eighteenth birthday.
    expect((await responder.patch(`/api/encounters/${created.body.id}`, { version: 1, occurredAt: '2026-02-26T00:00:00Z' })).status).toBe(200);
    expect(await bands()).toEqual([['18-24', 1]]);
    await expectKept();
    const personId = registered.body.persons[0].id as string;
    expect((await officer.patch(`/api/persons/${personId}`, { version: 1, birthDate: '2008-02-27' })).status).toBe(200);
    expect(await bands()).toEqual([['12-17', 1]]);
    await expectKept();
  });
});
