import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';

describe.each(await databaseKinds())('obligations whose trigger ends on %s', (kind) => {
  let server: TestServer;
  let officer: Caller;
  let officerId: string;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const agency = await makeAgency(server.platform, 'Lapse Unit');
    officerId = await makeUser(server.platform, agency, 'protection_officer', 'lapse.officer');
    officer = await sessionFor(server, officerId);
  });
  afterAll(() => server.close());

  it('keeps a missed consular-rights deadline visible as lapsed after release, and owes it again on a new detention', async () => {
    const person = (await officer.post('/api/persons', { givenName: 'Abdi', sex: 'male', ageClaimed: 30 })).body.id as string;
    const detention = await officer.post(`/api/persons/${person}/detentions`, { place: 'Station', since: '2026-03-01T05:00:00Z', legalBasis: 'Law' });
    expect(detention.status).toBe(201);
    server.clock.advance(30 * 3_600_000); // past the 24 h deadline: overdue
    officer = await sessionFor(server, officerId); // the old session idled out meanwhile
    const check = await officer.get(`/api/persons/${person}/obligations`);
    expect(check.status, JSON.stringify(check.body)).toBe(200);
    let rights = ((await officer.get(`/api/persons/${person}/obligations`)).body as { code: string; status: string }[]).find((o) => o.code === 'consular.inform_rights');
    expect(rights?.status).toBe('overdue');

    const ended = await officer.patch(`/api/persons/${person}/detentions/${detention.body.id}`, { version: 1, until: '2026-03-02T10:00:00Z' });
    expect(ended.status).toBe(200);
    rights = ((await officer.get(`/api/persons/${person}/obligations`)).body as { code: string; status: string; dueBy: string }[]).find((o) => o.code === 'consular.inform_rights');
    expect(rights).toMatchObject({ status: 'lapsed', dueBy: '2026-03-02T05:00:00Z' });

    const again = await officer.post(`/api/persons/${person}/detentions`, { place: 'Station', since: '2026-03-02T11:00:00Z', legalBasis: 'Law' });
    expect(again.status).toBe(201);
    rights = ((await officer.get(`/api/persons/${person}/obligations`)).body as { code: string; status: string; dueBy: string }[]).find((o) => o.code === 'consular.inform_rights');
    expect(rights).toMatchObject({ status: 'open', dueBy: '2026-03-03T11:00:00Z' });
  });
});
