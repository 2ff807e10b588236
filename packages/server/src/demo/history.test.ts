import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendReminders } from '../features/obligations/reminders.js';
import { indicatorReport } from '../features/stats/service.js';
import { evidence } from '../features/self-assessment/service.js';
import { loadJurisdictionProfile } from '../platform/bootstrap.js';
import { databaseKinds } from '../test-support/databases.js';
import { makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../test-support/server.js';
import { SYNTHETIC_PLACE_PREFIX, planHistory, type HistorySize } from './history.js';
import { DEMO_PROFILE_FILE, seedDemo } from './jurisdiction.js';

// The demo's synthetic year: through the services, so the rollups, obligations and the audit trail
// are those of real work; figures above the threshold, and the live worklists not flooded.

const PERSONS = 300;

describe('the history plan', () => {
  it('spreads a year of encounters of every type, the same every time', () => {
    const end = Date.parse('2026-12-01T00:00:00Z');
    const plans = planHistory(3000, end);
    expect(plans.reduce((n, p) => n + p.persons.length, 0)).toBe(3000);
    expect(new Set(plans.map((p) => p.type)).size).toBe(7);
    expect(new Set(plans.map((p) => new Date(p.at).toISOString().slice(0, 7))).size).toBe(12);
    expect(plans.every((p) => p.at < end && p.at >= end - 366 * 86_400_000)).toBe(true);
    const persons = plans.flatMap((p) => p.persons);
    const share = (test: (p: (typeof persons)[number]) => boolean) => persons.filter(test).length / persons.length;
    expect(share((p) => (p.input.ageClaimed ?? 99) < 18)).toBeGreaterThan(0.1);
    expect(share((p) => p.input.indicators?.includes('fear_of_return') ?? false)).toBeGreaterThan(0.1);
    expect(share((p) => p.timing === 'in_time')).toBeGreaterThan(0.75);
    expect(share((p) => p.timing !== 'in_time')).toBeGreaterThan(0.05);
    expect(planHistory(3000, end)).toEqual(plans);
  });
});

describe.each(await databaseKinds())('the demo history on %s', (kind) => {
  let server: TestServer;
  let size: HistorySize;
  let protectionUnit: string;
  const as = async (role: 'supervisor' | 'protection_officer' | 'oversight', agency: string, name: string): Promise<Caller> =>
    sessionFor(server, await makeUser(server.platform, agency, role, name));
  const agencyNamed = async (name: string) => (await server.platform.database.db.selectFrom('agencies').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    server.platform.profile = loadJurisdictionProfile(DEMO_PROFILE_FILE);
    size = (await seedDemo(server.platform, PERSONS))!.history!;
    protectionUnit = await agencyNamed('Demo Migrant Protection Unit');
  }, 300_000);
  afterAll(() => server.close());

  it('registers the persons asked for, in encounters that say they are synthetic', async () => {
    expect(size.persons).toBe(PERSONS);
    const encounters = await server.platform.database.db.selectFrom('encounters').select(['place_name', 'occurred_at']).execute();
    expect(encounters).toHaveLength(size.encounters);
    expect(encounters.every((e) => e.place_name.startsWith(SYNTHETIC_PLACE_PREFIX))).toBe(true);
    const now = server.platform.clock().getTime();
    expect(encounters.every((e) => Date.parse(e.occurred_at) < now - 86_400_000)).toBe(true);
    console.info(`demo history on ${kind}: ${size.persons} persons, ${size.encounters} encounters, ${size.closed} cases closed, ${size.milliseconds} ms`);
  });

  it('publishes figures above the threshold: arrivals by month, obligations met by their deadline', async () => {
    const report = await indicatorReport(server.platform, {});
    const months = report.tables.find((t) => t.id === 'arrivals_by_month_and_encounter_type')!;
    expect(months.cells.flat().filter((v) => v !== null && v >= report.k).length).toBeGreaterThan(3);
    const inTime = report.measures.find((m) => m.id === 'obligations_share_fulfilled_in_time')!;
    const rights = inTime.items.find((i) => i.label === 'info.rights')!.value;
    expect(rights).not.toBeNull();
    expect(rights!).toBeGreaterThan(0.6);
    expect(rights!).toBeLessThan(1);
    const outcomes = report.tables.find((t) => t.id === 'obligations_by_code_and_outcome')!;
    const rightsRow = outcomes.cells[outcomes.rows.indexOf('info.rights')]!;
    for (const column of ['fulfilled_in_time', 'fulfilled_late', 'overdue']) expect(rightsRow[outcomes.columns.indexOf(column)], column).toBeGreaterThanOrEqual(report.k);
  });

  it("gives the self-assessment's evidence figures", async () => {
    const { measures } = await evidence(server.platform);
    // Measures published (no part under k) with something counted: the gap report has figures to show.
    expect(measures.filter((m) => !m.suppressed && (m.denominator ?? 0) >= 11 && (m.numerator ?? 0) > 0).length).toBeGreaterThanOrEqual(2);
  });

  it("leaves the intake queue and a live officer's obligations empty, and the oversight queue with figures", async () => {
    const supervisor = await as('supervisor', protectionUnit, 'live.supervisor');
    const intake = await supervisor.get('/api/queues/intake');
    expect(intake.status).toBe(200);
    expect(intake.body).toEqual([]);
    const officer = await as('protection_officer', protectionUnit, 'live.officer');
    const mine = await officer.get('/api/queues/my-obligations');
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual([]);
    const inspector = await as('oversight', await agencyNamed('Demo Ombudsman'), 'live.inspector');
    const queue = await inspector.get('/api/oversight/queue');
    expect(queue.status).toBe(200);
    expect((queue.body as unknown[]).length).toBeGreaterThan(0);
    // The reminders the history called for went to its officers before the demo's users existed.
    const { db } = server.platform.database;
    const reminded = await db.selectFrom('notifications').innerJoin('users', 'users.id', 'notifications.user_id').select(['users.username']).execute();
    expect(reminded.length).toBeGreaterThan(0);
    expect(reminded.every((n) => n.username.startsWith('history.'))).toBe(true);
    expect(await sendReminders(server.platform, undefined)).toEqual({ dueSoon: 0, overdue: 0 });
    const closed = await server.platform.database.db.selectFrom('cases').select('id').where('stage', '=', 'closed').execute();
    expect(closed).toHaveLength(size.closed);
  });
});
