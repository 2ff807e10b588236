import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadProfile } from '@haven/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadJurisdictionProfile } from '../../platform/bootstrap.js';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';
import { directIndicatorData, normalizeFilter, rollupIndicatorData } from '../stats/indicator-data.js';
import { indicatorReport } from '../stats/service.js';
import { escalationCutoffs } from './escalation.js';
import { sendReminders } from './reminders.js';

// Every open obligation is someone's work: the agency's queues while the case is nobody's, the
// officer's once assigned; overdue, the agency's supervisors are told; overdue beyond the
// profile's escalation limit, the oversight body sees it and the indicators count it as missed.

const MINUTE = 60_000;

describe('an escalation limit longer than the deadline', () => {
  it('refuses the profile at start, naming the entry', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-profile-'));
    try {
      const file = path.join(dir, 'profile.yaml');
      writeFileSync(file, 'id: slow\nescalation:\n  obligations:\n    life.emergency_care: PT3H\n');
      expect(() => loadJurisdictionProfile(file)).toThrow(/escalation\.obligations\.life\.emergency_care: .*longer than its deadline of 1 h/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(await databaseKinds())('obligations nobody has done, on %s', (kind) => {
  let server: TestServer;
  let supervisor: Caller;
  let officer: Caller;
  const ids = { supervisor: '', second: '', officer: '', inspector: '', otherSupervisor: '' };
  let amal = '';
  let emergencyCare = '';
  let encounterAt: number;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    // Emergency care escalates half an hour after its deadline; everything else after 6 h at most.
    server.platform.profile = loadProfile({ id: 'escalating', escalation: { afterOverdue: 'PT6H', obligations: { 'life.emergency_care': 'PT30M' } } });
    const agency = await makeAgency(server.platform, 'Protection Unit');
    const other = await makeAgency(server.platform, 'Other Unit');
    const ombudsman = await makeAgency(server.platform, 'Ombudsman', 'oversight');
    ids.supervisor = await makeUser(server.platform, agency, 'supervisor', 'supervisor.one');
    ids.second = await makeUser(server.platform, agency, 'supervisor', 'supervisor.two');
    ids.officer = await makeUser(server.platform, agency, 'protection_officer', 'officer');
    ids.inspector = await makeUser(server.platform, ombudsman, 'oversight', 'inspector');
    ids.otherSupervisor = await makeUser(server.platform, other, 'supervisor', 'other.supervisor');
    supervisor = await sessionFor(server, ids.supervisor);
    officer = await sessionFor(server, ids.officer);
    encounterAt = server.clock.now().getTime() - MINUTE;
    const encounter = await supervisor.post('/api/encounters', { type: 'rescue_at_sea', occurredAt: new Date(encounterAt).toISOString(), place: { name: 'Southern coast' } });
    const registered = await supervisor.post(`/api/encounters/${encounter.body.id}/persons`, {
      persons: [{ givenName: 'Amal', sex: 'female', ageClaimed: 15, accompaniment: 'unaccompanied', indicators: ['medical_emergency'] }],
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    amal = registered.body.persons[0].id;
    const current = (await supervisor.get(`/api/persons/${amal}/case`)).body;
    expect((await supervisor.patch(`/api/cases/${current.id}`, { version: current.version, officerId: null })).status).toBe(200);
    const obligations = (await supervisor.get(`/api/persons/${amal}/obligations`)).body as { id: string; code: string }[];
    emergencyCare = obligations.find((o) => o.code === 'life.emergency_care')!.id;
  });
  afterAll(() => server.close());

  /** Moves the clock to `minutes` after the encounter; sessions idle out meanwhile, so sign in again. */
  async function at(minutes: number): Promise<void> {
    server.clock.advance(encounterAt + minutes * MINUTE - server.clock.now().getTime());
    supervisor = await sessionFor(server, ids.supervisor);
    officer = await sessionFor(server, ids.officer);
  }
  const notices = () =>
    server.platform.database.db.selectFrom('notifications').select(['user_id', 'kind']).where('obligation_id', '=', emergencyCare).where('kind', '=', 'obligation_overdue').execute();
  const oversightQueue = async (userId: string) => {
    const answer = await (await sessionFor(server, userId)).get('/api/oversight/queue');
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return (answer.body as { kind: string; id: string }[]).filter((item) => item.kind === 'escalation');
  };
  const missed = async () => {
    const now = server.clock.now();
    const cutoffs = escalationCutoffs(server.platform.profile, now);
    const { db, dialect } = server.platform.database;
    const [direct, rollup] = await Promise.all([
      directIndicatorData(db, dialect, normalizeFilter({}), now.toISOString(), cutoffs),
      rollupIndicatorData(db, dialect, normalizeFilter({}), now.toISOString(), cutoffs),
    ]);
    expect([...rollup.missed]).toEqual([...direct.missed]);
    return direct.missed.get('life.emergency_care') ?? 0;
  };

  it("puts an unassigned case's obligations on the agency's queue, not on an officer's", async () => {
    const due = (await supervisor.get('/api/queues/agency-obligations?window=due24h')).body as { id: string }[];
    expect(due.map((o) => o.id)).toContain(emergencyCare);
    expect((await officer.get('/api/queues/my-obligations')).body).toEqual([]);
  });

  it("tells the agency's supervisors once when an unassigned case's obligation is overdue, and keeps it on the agency's overdue queue", async () => {
    await at(62);
    await sendReminders(server.platform);
    await sendReminders(server.platform);
    const sent = await notices();
    expect(sent.map((n) => n.user_id).sort()).toEqual([ids.supervisor, ids.second].sort());
    const overdue = (await supervisor.get('/api/queues/agency-obligations?window=overdue')).body as { id: string; status: string }[];
    expect(overdue.find((o) => o.id === emergencyCare)?.status).toBe('overdue');
    // Overdue, but within the escalation limit: not yet the oversight body's, not missed.
    expect(await oversightQueue(ids.inspector)).toEqual([]);
    expect(await missed()).toBe(0);
  });

  it('shows an obligation overdue beyond the limit to the oversight body, without the person, and counts it as missed', async () => {
    await at(60 + 31);
    const escalations = await oversightQueue(ids.inspector);
    expect(escalations).toEqual([
      {
        kind: 'escalation',
        id: emergencyCare,
        agencyId: expect.any(String),
        agencyName: 'Protection Unit',
        subject: 'life.emergency_care',
        dueBy: expect.any(String),
        at: new Date(encounterAt + 90 * MINUTE).toISOString(),
        overdueMinutes: 31,
      },
    ]);
    expect(JSON.stringify(escalations)).not.toContain(amal);
    // The agency's own supervisor sees it too; another agency's does not.
    expect((await oversightQueue(ids.supervisor)).map((e) => e.id)).toContain(emergencyCare);
    expect(await oversightQueue(ids.otherSupervisor)).toEqual([]);
    // Only emergency care has a limit this short: the obligations due in 24 h and more are not escalated.
    expect(escalations.map((e) => e.id)).toEqual([emergencyCare]);
    expect(await missed()).toBe(1);
    const report = await indicatorReport(server.platform, {}, 5);
    const table = report.tables.find((t) => t.id === 'obligations_missed_by_code')!;
    expect(table.rows).toContain('life.emergency_care');
    // A single case is a small cell: counted, and hidden.
    expect(table.cells[table.rows.indexOf('life.emergency_care')]).toEqual([null]);
  });

  it("puts the obligation on the officer's list once the case is assigned, and ends the escalation once it is done", async () => {
    const current = (await supervisor.get(`/api/persons/${amal}/case`)).body;
    const assigned = await supervisor.post('/api/cases/assignments', { officerId: ids.officer, cases: [{ caseId: current.id, version: current.version }] });
    expect(assigned.status).toBe(200);
    expect(((await officer.get('/api/queues/my-obligations')).body as { id: string }[]).map((o) => o.id)).toContain(emergencyCare);
    const given = await officer.post(`/api/persons/${amal}/assistance`, { type: 'emergency_medical', givenAt: server.clock.now().toISOString() });
    expect(given.status, JSON.stringify(given.body)).toBe(201);
    expect(await oversightQueue(ids.inspector)).toEqual([]);
    expect(await missed()).toBe(0);
  });
});
