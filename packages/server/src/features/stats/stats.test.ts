import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';
import { indicatorReport, type IndicatorReport } from './service.js';
import { medianPrecision } from './store.js';
import { expectPublishable, syntheticWorld } from './test-support/world.js';

type Row = Record<string, unknown>;

/** The published median is read from buckets: within half a bucket of the exact one (store.ts, durationBucket). */
function expectMedian(value: number | null | undefined, sortedHours: number[]): void {
  const low = sortedHours[Math.floor((sortedHours.length - 1) / 2)]!;
  const high = sortedHours[Math.floor(sortedHours.length / 2)]!;
  expect(value).not.toBeNull();
  expect(Math.abs(value! - (low + high) / 2)).toBeLessThanOrEqual(Math.max(medianPrecision(low), medianPrecision(high)));
}

describe.each(await databaseKinds())('indicators on %s', (kind) => {
  let server: TestServer;
  let coordinator: Caller;
  let admin: Caller;
  let rows: Awaited<ReturnType<typeof syntheticWorld>>['rows'];
  let agencies: string[];

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const world = await syntheticWorld(server.platform, 1500);
    rows = world.rows;
    agencies = world.agencyIds;
    coordinator = await sessionFor(server, await makeUser(server.platform, agencies[0]!, 'coordinator', 'coordinator'));
    admin = await sessionFor(server, await makeUser(server.platform, agencies[0]!, 'admin', 'administrator'));
  });
  afterAll(() => server.close());

  const report = async (query = ''): Promise<IndicatorReport> => {
    const answer = await coordinator.get(`/api/stats/indicators${query}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body as IndicatorReport;
  };
  const table = (r: IndicatorReport, id: string) => r.tables.find((t) => t.id === id)!;

  it('counts every arrival once and suppresses every small cell', async () => {
    const r = await report();
    expect(r.k).toBe(11);
    expectPublishable(r);
    expect(table(r, 'arrivals_by_nationality').total).toBe(1500);
    expect(table(r, 'arrivals_by_age_band_and_sex').total).toBe(1500);
    const byNationality = table(r, 'arrivals_by_nationality');
    for (const [i, nationality] of byNationality.rows.entries()) {
      const expected = (rows.persons as Row[]).filter((p) => (p.nationality ?? 'unknown') === nationality).length;
      if (byNationality.cells[i]![0] !== null) expect(byNationality.cells[i]![0]).toBe(expected);
      else expect(expected === 0 || expected < 11 || byNationality.cells.flat().filter((v) => v === null).length >= 2).toBe(true);
    }
  });

  it('leaves standing obligations (no deadline) out of every deadline measure', async () => {
    const r = await report();
    const standing = (rows.obligations as Row[]).filter((o) => o.code === 'protection.non_refoulement');
    expect(standing.filter((o) => o.status === 'fulfilled').length).toBeGreaterThan(11);
    const obligations = table(r, 'obligations_by_code_and_outcome');
    const row = obligations.rows.indexOf('protection.non_refoulement');
    expect(obligations.cells[row]![obligations.columns.indexOf('fulfilled_in_time')]).toBe(0);
    expect(obligations.cells[row]![obligations.columns.indexOf('fulfilled_late')]).toBe(0);
    for (const id of ['obligations_share_fulfilled_in_time', 'obligations_median_hours_to_fulfil']) {
      const labels = r.measures.find((m) => m.id === id)!.items.map((i) => i.label);
      expect(labels, id).toContain('info.rights');
      expect(labels, id).not.toContain('protection.non_refoulement');
      expect(labels, id).not.toContain('protection.non_criminalization');
    }
  });

  it('finds the share of each obligation fulfilled by its deadline', async () => {
    const r = await report();
    const obligations = table(r, 'obligations_by_code_and_outcome');
    const rights = (rows.obligations as Row[]).filter((o) => o.code === 'info.rights');
    const inTime = rights.filter((o) => o.status === 'fulfilled' && String(o.fulfilled_at) <= String(o.due_by)).length;
    const late = rights.filter((o) => o.status === 'fulfilled' && String(o.fulfilled_at) > String(o.due_by)).length;
    const overdue = rights.filter((o) => o.status === 'open' && String(o.due_by) < server.platform.clock().toISOString()).length;
    const row = obligations.rows.indexOf('info.rights');
    expect(obligations.cells[row]!.slice(0, 3)).toEqual([inTime, late, overdue]);
    const share = r.measures.find((m) => m.id === 'obligations_share_fulfilled_in_time')!.items.find((i) => i.label === 'info.rights')!.value;
    expect(share).toBeCloseTo(inTime / (inTime + late + overdue));
    const median = r.measures.find((m) => m.id === 'obligations_median_hours_to_fulfil')!.items.find((i) => i.label === 'info.rights')!.value;
    const hours = rights
      .filter((o) => o.status === 'fulfilled')
      .map((o) => (Date.parse(String(o.fulfilled_at)) - Date.parse(String(o.created_at))) / 3_600_000)
      .sort((a, b) => a - b);
    expectMedian(median, hours);
  });

  it('reports referrals, caseloads, detentions and protection shares without a small cell', async () => {
    const r = await report();
    const referrals = table(r, 'referrals_by_service_and_status');
    expect(referrals.total).toBe((rows.referrals as Row[]).length);
    const medians = r.measures.find((m) => m.id === 'referrals_median_hours_to_accept')!.items.filter((i) => i.value !== null);
    expect(medians.length).toBeGreaterThan(0);
    for (const { label, value } of medians) {
      const hours = (rows.referrals as Row[])
        .filter((x) => x.service_type === label && x.accepted_at)
        .map((x) => (Date.parse(String(x.accepted_at)) - Date.parse(String(x.sent_at))) / 3_600_000)
        .sort((a, b) => a - b);
      expectMedian(value, hours);
    }
    // At the floor (k = 5) the acceptance rates show, computed from the status cells.
    const atFloor = await indicatorReport(server.platform, {}, 5);
    expectPublishable(atFloor);
    const rates = atFloor.measures.find((m) => m.id === 'referrals_acceptance_rate')!.items.filter((i) => i.value !== null);
    expect(rates.length).toBeGreaterThan(0);
    for (const { label, value } of rates) {
      const ofService = (rows.referrals as Row[]).filter((x) => x.service_type === label);
      const taken = ofService.filter((x) => ['accepted', 'in_progress', 'completed'].includes(String(x.status))).length;
      expect(value).toBeCloseTo(taken / (taken + ofService.filter((x) => x.status === 'declined').length));
    }
    expect(table(r, 'detentions_by_age_group').total).toBe((rows.detentions as Row[]).length);
    expect(table(r, 'providers_active_referrals').rows).toHaveLength(3);
    expect(r.lists[0]!.items.find((i) => i.label === 'child')!.count).toBeGreaterThan(11);
    // The providers are organisations; nothing else carries a name, a place or a note.
    expect(JSON.stringify(r)).not.toMatch(/Synthetic|synthetic/);
  });

  it('narrows to an encounter type, an agency, an area and a period', async () => {
    const encounters = rows.encounters as Row[];
    const type = String(encounters[0]!.type);
    const ofType = new Set(encounters.filter((e) => e.type === type).map((e) => e.id));
    const expected = (rows.persons as Row[]).filter((p) => ofType.has(p.encounter_id)).length;
    expect(table(await report(`?encounterType=${type}`), 'arrivals_by_nationality').total).toBe(expected);
    const north = new Set(encounters.filter((e) => e.agency_id === agencies[0]).map((e) => e.id));
    const inNorth = (rows.persons as Row[]).filter((p) => north.has(p.encounter_id)).length;
    expect(table(await report(`?agencyId=${agencies[0]}`), 'arrivals_by_nationality').total).toBe(inNorth);
    expect(table(await report('?area=North'), 'arrivals_by_nationality').total).toBe(inNorth);
    const march = new Set(encounters.filter((e) => String(e.occurred_at) >= '2026-03-01' && String(e.occurred_at) < '2026-04-01').map((e) => e.id));
    const marchArrivals = (rows.persons as Row[]).filter((p) => march.has(p.encounter_id)).length;
    const r = await report('?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z');
    expect(table(r, 'arrivals_by_nationality').total).toBe(marchArrivals);
    expect(table(r, 'arrivals_by_month_and_encounter_type').rows).toEqual(['2026-03']);
    expectPublishable(r);
    const bad = await coordinator.get('/api/stats/indicators?from=yesterday');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('from');
  });

  it('lets an administrator raise k, never below 5, and applies it', async () => {
    const current = await coordinator.get('/api/stats/threshold');
    expect(current.body).toMatchObject({ k: 11, minimum: 5, version: 0 });
    const low = await admin.request('PUT', '/api/stats/threshold', { k: 4, version: 0 });
    expect(low.status).toBe(422);
    expect(low.body.errors[0].field).toBe('k');
    const set = await admin.request('PUT', '/api/stats/threshold', { k: 50, version: 0 });
    expect(set.status).toBe(200);
    const stale = await admin.request('PUT', '/api/stats/threshold', { k: 20, version: 0 });
    expect(stale.status).toBe(409);
    const r = await report();
    expect(r.k).toBe(50);
    expectPublishable(r);
    for (const t of r.tables) for (const v of t.cells.flat()) expect(v === null || v === 0 || v >= 50).toBe(true);
    expect((await admin.request('PUT', '/api/stats/threshold', { k: 11, version: 1 })).status).toBe(200);
  });
});
