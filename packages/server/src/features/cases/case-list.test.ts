import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';

// The protection officer's case list (GET /api/cases) — the agency's own cases, each with
// the person at a glance and where it stands against its obligations.

const HOUR = 3_600_000;

interface Item {
  caseId: string;
  personId: string;
  stage: string;
  officerId: string | null;
  officerName: string | null;
  person: Record<string, unknown>;
  obligations: { open: number; overdue: number; nextDueBy: string | null; nextCode: string | null; standing: string[] };
}

describe.each(await databaseKinds())('the case list on %s', (kind) => {
  let server: TestServer;
  let officer: Caller;
  let officerId: string;
  let outsider: Caller;
  const persons: Record<'amal' | 'dawit' | 'elsewhere', string> = { amal: '', dawit: '', elsewhere: '' };

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const agency = await makeAgency(server.platform, 'Protection Unit');
    const other = await makeAgency(server.platform, 'Other Unit');
    officerId = await makeUser(server.platform, agency, 'protection_officer', 'officer');
    officer = await sessionFor(server, officerId);
    outsider = await sessionFor(server, await makeUser(server.platform, other, 'protection_officer', 'outsider'));
    const encounter = await officer.post('/api/encounters', { type: 'land_apprehension', occurredAt: new Date(server.clock.now().getTime() - 60_000).toISOString(), place: { name: 'Border post' } });
    expect(encounter.status).toBe(201);
    const registered = await officer.post(`/api/encounters/${encounter.body.id}/persons`, {
      persons: [
        { givenName: 'Amal', familyName: 'Haile', sex: 'female', ageClaimed: 16, nationality: 'ER', accompaniment: 'unaccompanied', indicators: ['fear_of_return'] },
        { givenName: 'Dawit', sex: 'male', ageClaimed: 30, accompaniment: 'adult' },
      ],
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    [persons.amal, persons.dawit] = registered.body.persons.map((p: { id: string }) => p.id);
    persons.elsewhere = (await outsider.post('/api/persons', { givenName: 'Other', sex: 'male' })).body.id;
  });
  afterAll(() => server.close());

  async function list(query = ''): Promise<Item[]> {
    const answer = await officer.get(`/api/cases${query}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body.items;
  }

  it("lists only the agency's own cases, with the person at a glance and the obligations summed up", async () => {
    const items = await list();
    expect(items.map((i) => i.personId).sort()).toEqual([persons.amal, persons.dawit].sort());
    const amal = items.find((i) => i.personId === persons.amal)!;
    expect(amal.person).toEqual({ givenName: 'Amal', familyName: 'Haile', sex: 'female', ageClaimed: 16, ageDisputed: false, nationality: 'ER', accompaniment: 'unaccompanied' });
    // Registered with an indicator: screened, and assigned to the officer who registered her.
    expect(amal.stage).toBe('screened');
    expect(amal.officerName).toBe('officer');
    // An unaccompanied child who fears return: best interests (24 h) comes first; non-refoulement and confidentiality stand.
    const obligations = (await officer.get(`/api/persons/${persons.amal}/obligations`)).body as { code: string; status: string; dueBy: string | null }[];
    const dated = obligations.filter((o) => o.status === 'open' && o.dueBy !== null).sort((a, b) => a.dueBy!.localeCompare(b.dueBy!));
    expect(amal.obligations.open).toBe(dated.length);
    expect(amal.obligations.overdue).toBe(0);
    expect(amal.obligations.nextDueBy).toBe(dated[0]!.dueBy);
    expect(amal.obligations.standing).toEqual(expect.arrayContaining(['protection.confidentiality', 'protection.non_refoulement', 'protection.non_criminalization']));
    expect((await outsider.get('/api/cases')).body.items.map((i: Item) => i.personId)).toEqual([persons.elsewhere]);
  });

  it('counts obligations past their deadline as overdue, and fewer once one is fulfilled', async () => {
    const before = (await list()).find((i) => i.personId === persons.dawit)!;
    expect(before.obligations.nextCode).toBe('info.rights');
    server.clock.advance(25 * HOUR);
    // A day on, the idle session has ended: sign in again.
    officer = await sessionFor(server, officerId);
    const late = (await list()).find((i) => i.personId === persons.dawit)!;
    expect(late.obligations.overdue).toBe(late.obligations.open);
    expect(late.obligations.overdue).toBeGreaterThan(0);
    const given = await officer.post(`/api/persons/${persons.dawit}/assistance`, { type: 'rights_information', givenAt: server.clock.now().toISOString(), language: 'en' });
    expect(given.status).toBe(201);
    const after = (await list()).find((i) => i.personId === persons.dawit)!;
    expect(after.obligations.open).toBe(late.obligations.open - 1);
    expect(after.obligations.overdue).toBe(late.obligations.overdue - 1);
  });

  it('filters by stage and by assignment, and leaves closed cases out unless asked for', async () => {
    const dawitCase = (await officer.get(`/api/persons/${persons.dawit}/case`)).body;
    const unassigned = await officer.patch(`/api/cases/${dawitCase.id}`, { version: dawitCase.version, officerId: null });
    expect(unassigned.status).toBe(200);
    const mine = await list('?assigned=me');
    expect(mine.map((i) => i.personId)).toEqual([persons.amal]);
    expect(mine[0]!.officerId).toBe(officerId);
    expect((await list('?assigned=nobody')).map((i) => i.personId)).toEqual([persons.dawit]);

    const closed = await officer.patch(`/api/cases/${dawitCase.id}`, { version: unassigned.body.version, stage: 'closed', reason: 'Left for another country with family' });
    expect(closed.status).toBe(200);
    expect((await list()).map((i) => i.personId)).toEqual([persons.amal]);
    expect((await list('?stage=closed')).map((i) => i.personId)).toEqual([persons.dawit]);
    expect((await list('?stage=screened')).map((i) => i.personId)).toEqual([persons.amal]);
    expect(await list('?stage=registered')).toEqual([]);
  });

  it('pages newest first with a cursor, never repeating or skipping a case', async () => {
    const created: string[] = [];
    for (let n = 0; n < 5; n += 1) {
      server.clock.advance(1_000);
      created.push((await officer.post('/api/persons', { givenName: `Page ${n}`, sex: 'unknown' })).body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const answer = await officer.get(`/api/cases?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(answer.status).toBe(200);
      expect(answer.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...answer.body.items.map((i: Item) => i.personId));
      cursor = answer.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...created.reverse(), persons.amal]);
  });

  it('refuses a query it does not understand, naming the parameter', async () => {
    const answer = await officer.get('/api/cases?stage=lost');
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body.errors)).toContain('stage');
    expect((await officer.get('/api/cases?cursor=nonsense')).status).toBe(400);
  });

  it('records a read of each person listed', async () => {
    const before = await server.platform.database.db.selectFrom('audit_events').select('seq').where('action', '=', 'person.read').where('record_id', '=', persons.amal).execute();
    await list();
    const after = await server.platform.database.db.selectFrom('audit_events').select(['seq', 'fields']).where('action', '=', 'person.read').where('record_id', '=', persons.amal).execute();
    expect(after.length).toBe(before.length + 1);
    expect(JSON.parse(after.at(-1)!.fields)).toEqual(expect.arrayContaining(['givenName', 'obligations']));
  });
});
