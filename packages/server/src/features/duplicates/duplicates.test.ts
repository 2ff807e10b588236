import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';
import { MAX_CANDIDATES } from './store.js';

const MAN = { sex: 'male', birthDate: '2001-03-14', birthDatePrecision: 'day', nationality: 'SD' };

describe.each(await databaseKinds())('likely duplicates on %s', (kind) => {
  let server: TestServer;
  let officer: Caller;
  let otherAgencyOfficer: Caller;

  beforeAll(async () => {
    server = await startTestServer(kind);
    const agency = await makeAgency(server.platform, 'Reception Centre');
    const other = await makeAgency(server.platform, 'Asylum Office', 'ngo');
    officer = await sessionFor(server, await makeUser(server.platform, agency, 'protection_officer', 'officer1'));
    otherAgencyOfficer = await sessionFor(server, await makeUser(server.platform, other, 'protection_officer', 'officer2'));
  });
  afterAll(() => server.close());

  it('finds the same man registered in Arabic script and in Latin letters, not his sister', async () => {
    const arabic = await officer.post('/api/persons', { givenName: 'محمد', familyName: 'الحسن', ...MAN });
    const latin = await officer.post('/api/persons', { givenName: 'Mohamed', familyName: 'El Hassan', ...MAN });
    const sister = await officer.post('/api/persons', { givenName: 'Fatima', familyName: 'Al-Hassan', sex: 'female', birthDate: '2003-06-02', nationality: 'SD' });
    expect([arabic.status, latin.status, sister.status]).toEqual([201, 201, 201]);
    const answer = await officer.get(`/api/persons/${latin.body.id}/duplicates`);
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((d: { personId: string }) => d.personId)).toEqual([arabic.body.id]);
    expect(answer.body.items[0].score).toBeGreaterThan(0.9);
    expect(answer.body.items[0].reasons).toContain('given name sounds alike: Mohamed ~ محمد');
    // The same reasons as data, for the web app to word in the reader's language.
    expect(answer.body.items[0].explanations).toContainEqual({ code: 'name_alike', roles: ['given', 'given'], names: ['Mohamed', 'محمد'] });
    expect(answer.body.items[0].explanations).toContainEqual({ code: 'sex_same', sex: 'male' });
    expect(answer.body.items[0].explanations).toHaveLength(answer.body.items[0].reasons.length);
  });

  it('stores blind indexes only: no key in the table reveals a name', async () => {
    const keys = await server.platform.database.db.selectFrom('person_match_keys').select('key_index').execute();
    expect(keys.length).toBeGreaterThan(0);
    for (const { key_index } of keys) expect(key_index).toMatch(/^[A-Za-z0-9_-]{32}$/u);
  });

  it('does not show a duplicate held by an agency the caller does not work with', async () => {
    const mine = await officer.post('/api/persons', { givenName: 'Yonas', familyName: 'Tesfay Gebre', sex: 'male', birthDate: '1990-05-01', nationality: 'ER' });
    await otherAgencyOfficer.post('/api/persons', { givenName: 'ዮናስ', familyName: 'ተስፋይ', sex: 'male', birthDate: '1990-05-01', nationality: 'ER' });
    const answer = await officer.get(`/api/persons/${mine.body.id}/duplicates`);
    expect(answer.body.items).toEqual([]);
    const hidden = await otherAgencyOfficer.get(`/api/persons/${mine.body.id}/duplicates`);
    expect(hidden.status).toBe(404);
  });

  it('keeps the places among the candidates for persons the caller may see: namesakes of another agency neither crowd out nor show', async () => {
    // Sixty namesakes registered by the other agency, each sharing every key with the person
    // searched for; the person's own other registration, in another script, shares fewer.
    const name = { givenName: 'Tesfalem', familyName: 'Habte Weldu', sex: 'male', birthDate: '1984-09-12', nationality: 'ER' };
    const encounter = await otherAgencyOfficer.post('/api/encounters', { type: 'rescue_at_sea', occurredAt: '2026-03-01T03:30:00Z', place: { name: 'Central Mediterranean' } });
    expect(encounter.status, JSON.stringify(encounter.body)).toBe(201);
    const namesakes = await otherAgencyOfficer.post(`/api/encounters/${encounter.body.id}/persons`, { persons: Array.from({ length: 60 }, () => name) });
    expect(namesakes.status, JSON.stringify(namesakes.body)).toBe(201);
    const earlier = await officer.post('/api/persons', { ...name, givenName: 'ተስፋልኣም', familyName: 'ሃብተ' });
    const mine = await officer.post('/api/persons', name);
    expect([earlier.status, mine.status]).toEqual([201, 201]);

    const answer = await officer.get(`/api/persons/${mine.body.id}/duplicates`);
    expect(answer.body.items.map((d: { personId: string }) => d.personId)).toEqual([earlier.body.id]);
    // The other agency sees its own namesakes, not the officer's records.
    const theirs = await otherAgencyOfficer.get(`/api/persons/${namesakes.body.persons[0].id}/duplicates`);
    expect(theirs.body.items).toHaveLength(MAX_CANDIDATES);
    expect(theirs.body.items.map((d: { personId: string }) => d.personId)).not.toContain(earlier.body.id);
  });

  it('finds duplicates registered in one mass registration', async () => {
    const encounter = await officer.post('/api/encounters', { type: 'rescue_at_sea', occurredAt: '2026-03-01T05:00:00Z', place: { name: 'Central Mediterranean' } });
    expect(encounter.status, JSON.stringify(encounter.body)).toBe(201);
    const registered = await officer.post(`/api/encounters/${encounter.body.id}/persons`, {
      persons: [
        { givenName: 'Maxamed', familyName: 'Cabdullaahi Warsame', sex: 'male', birthDate: '1995-01-01', birthDatePrecision: 'year', nationality: 'SO' },
        { givenName: 'Mohamed', familyName: 'Abdullahi', sex: 'male', birthDate: '1995-07-09', nationality: 'SO' },
      ],
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const ids = (registered.body.persons as { id: string }[]).map((p) => p.id);
    const answer = await officer.get(`/api/persons/${ids[0]}/duplicates`);
    expect(answer.body.items.map((d: { personId: string }) => d.personId)).toEqual([ids[1]]);
  });

  it('lists likely duplicates in the registration answer when asked, single and mass registration', async () => {
    const first = await officer.post('/api/persons', { givenName: 'Abdirahman', familyName: 'Cali Warsame', sex: 'male', birthDate: '1993-04-02', nationality: 'SO' });
    expect(first.body.likelyDuplicates).toBeUndefined();
    const second = await officer.post('/api/persons?duplicates=true', { givenName: 'Abdel Rahman', familyName: 'Ali', sex: 'male', birthDate: '1993-04-02', nationality: 'SO' });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    expect(second.body.likelyDuplicates.map((d: { personId: string }) => d.personId)).toEqual([first.body.id]);
    expect(second.body.likelyDuplicates[0].reasons).toContain('same birth date 1993-04-02');
    expect(second.body.likelyDuplicates[0].explanations).toContainEqual({ code: 'birth_same_date', dates: [{ date: '1993-04-02', precision: 'day' }, { date: '1993-04-02', precision: 'day' }] });

    const encounter = await officer.post('/api/encounters', { type: 'rescue_at_sea', occurredAt: '2026-03-01T04:00:00Z', place: { name: 'Central Mediterranean' } });
    expect(encounter.status, JSON.stringify(encounter.body)).toBe(201);
    const mass = await officer.post(`/api/encounters/${encounter.body.id}/persons?duplicates=true`, {
      persons: [
        { givenName: 'عبد الرحمن', familyName: 'علي', sex: 'male', birthDate: '1993-04-02', nationality: 'SO' },
        { givenName: 'Hodan', familyName: 'Jama', sex: 'female', birthDate: '2004-01-01', birthDatePrecision: 'year', nationality: 'SO' },
      ],
    });
    expect(mass.status, JSON.stringify(mass.body)).toBe(201);
    const [arabic, other] = mass.body.persons as { likelyDuplicates: { personId: string }[] }[];
    expect(arabic!.likelyDuplicates.map((d) => d.personId).sort()).toEqual([first.body.id, second.body.id].sort());
    expect(mass.body.persons[0].likelyDuplicates[0].explanations).toContainEqual({ code: 'nationality_same', nationality: 'SO' });
    expect(other!.likelyDuplicates).toEqual([]);
  });

  it('reads and audits each compared record once per registration, however many of the boat meet it', async () => {
    const encounter = await officer.post('/api/encounters', { type: 'rescue_at_sea', occurredAt: '2026-03-01T03:00:00Z', place: { name: 'Strait' } });
    const boat = Array.from({ length: 4 }, () => ({ givenName: 'Yonas', familyName: 'Tesfamariam', sex: 'male', birthDate: '1999-05-05', nationality: 'ER' }));
    const mass = await officer.post(`/api/encounters/${encounter.body.id}/persons?duplicates=true`, { persons: boat });
    expect(mass.status, JSON.stringify(mass.body)).toBe(201);
    const ids = (mass.body.persons as { id: string; likelyDuplicates: { personId: string }[] }[]).map((p) => p.id);
    // Each of the four is a likely duplicate of the other three.
    for (const [i, person] of (mass.body.persons as { likelyDuplicates: { personId: string }[] }[]).entries()) {
      expect(person.likelyDuplicates.map((d) => d.personId).sort()).toEqual(ids.filter((_, j) => j !== i).sort());
    }
    const reads = await server.platform.database.db
      .selectFrom('audit_events')
      .select(['record_id', 'request_id'])
      .where('action', '=', 'person.read')
      .where('record_id', 'in', ids)
      .execute();
    // One request read the four records for matching: each is in its trail once, not once per search.
    expect(reads.map((r) => r.record_id).sort()).toEqual([...ids].sort());
  });

  it('follows a change of name: the keys are derived again', async () => {
    const first = await officer.post('/api/persons', { givenName: 'Senait', familyName: 'Haile', sex: 'female', birthDate: '1988-02-03', nationality: 'ER' });
    const second = await officer.post('/api/persons', { givenName: 'Selam', familyName: 'Kidane', sex: 'female', birthDate: '1988-02-03', nationality: 'ER' });
    expect((await officer.get(`/api/persons/${first.body.id}/duplicates`)).body.items).toEqual([]);
    const changed = await officer.patch(`/api/persons/${second.body.id}`, { version: 1, givenName: 'ሰናይት', familyName: 'ሃይለ' });
    expect(changed.status).toBe(200);
    const answer = await officer.get(`/api/persons/${first.body.id}/duplicates`);
    expect(answer.body.items.map((d: { personId: string }) => d.personId)).toEqual([second.body.id]);
  });
});
