import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';

interface Found {
  personId: string;
  givenName: string | null;
  familyName: string | null;
  score: number;
}

describe.each(await databaseKinds())('search of persons by name on %s', (kind) => {
  let server: TestServer;
  let officer: Caller;
  let otherAgencyOfficer: Caller;
  const ids = { arabic: '', latin: '', aminaHere: '', aminaThere: '' };

  beforeAll(async () => {
    server = await startTestServer(kind);
    const agency = await makeAgency(server.platform, 'Reception Centre');
    const other = await makeAgency(server.platform, 'Asylum Office', 'ngo');
    officer = await sessionFor(server, await makeUser(server.platform, agency, 'protection_officer', 'officer1'));
    otherAgencyOfficer = await sessionFor(server, await makeUser(server.platform, other, 'protection_officer', 'officer2'));
    ids.arabic = (await officer.post('/api/persons', { givenName: 'محمد', familyName: 'الحسن', nameScript: 'Arab', sex: 'male', birthDate: '2001-03-14' })).body.id;
    ids.aminaHere = (await officer.post('/api/persons', { givenName: 'Amina', familyName: 'Yusuf', sex: 'female' })).body.id;
    ids.aminaThere = (await otherAgencyOfficer.post('/api/persons', { givenName: 'Amina', familyName: 'Yusuf', sex: 'female' })).body.id;
    await officer.post('/api/persons', { givenName: 'Selam', familyName: 'Kidane', sex: 'female' });
  });
  afterAll(() => server.close());

  const search = async (caller: Caller, name: string) => {
    const answer = await caller.get(`/api/persons/search?name=${encodeURIComponent(name)}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body.items as Found[];
  };

  it('finds a person of my scope by name, in another spelling, and never one outside my scope', async () => {
    const mine = await search(officer, 'Amina Yusuf');
    expect(mine.map((p) => p.personId)).toEqual([ids.aminaHere]);
    expect(mine[0]).toMatchObject({ givenName: 'Amina', familyName: 'Yusuf' });
    expect((await search(officer, 'Aminah Yousef')).map((p) => p.personId)).toEqual([ids.aminaHere]);
    // The other agency finds its own Amina Yusuf only.
    expect((await search(otherAgencyOfficer, 'Amina Yusuf')).map((p) => p.personId)).toEqual([ids.aminaThere]);
    expect((await search(otherAgencyOfficer, 'Mohamed El Hassan')).map((p) => p.personId)).not.toContain(ids.arabic);
  });

  it('finds a name recorded in Arabic script by its Latin transliteration', async () => {
    const found = await search(officer, 'Mohamed El Hassan');
    expect(found.map((p) => p.personId)).toContain(ids.arabic);
    expect(found.find((p) => p.personId === ids.arabic)).toMatchObject({ givenName: 'محمد', familyName: 'الحسن' });
  });

  it('audits each person answered as a read, and only them', async () => {
    const answer = await officer.get(`/api/persons/search?name=${encodeURIComponent('Amina Yusuf')}`);
    expect(answer.status).toBe(200);
    const requestId = answer.headers.get('x-request-id');
    const reads = await server.platform.database.db.selectFrom('audit_events').select(['record_id', 'request_id']).where('action', '=', 'person.read').execute();
    const thisSearch = reads.filter((r) => r.request_id === requestId).map((r) => r.record_id);
    expect(thisSearch).toEqual([ids.aminaHere]);
  });

  it('asks for two words of a name, naming the field, and bounds the answer', async () => {
    const one = await officer.get('/api/persons/search?name=Amina');
    expect(one.status).toBe(422);
    expect(one.body.errors[0].field).toBe('name');
    expect((await officer.get('/api/persons/search?name=')).status).toBe(400);
    expect((await officer.get('/api/persons/search?name=Amina%20Yusuf&limit=51')).status).toBe(400);
  });
});
