import { preparePerson, storedKeysOf } from '@haven/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRecordId } from '../../platform/db/record-id.js';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';
import { candidatePersonIds, matchPersonOf, MAX_KEY_BLOCK, storedMatchKeys } from './store.js';

const YONAS = { givenName: 'Yonas', familyName: 'Tesfay', sex: 'male', birthDate: '1990-05-01', nationality: 'ER' };

describe.each(await databaseKinds())('candidate search on %s', (kind) => {
  let server: TestServer;
  let officer: Caller;
  let scope: { agencyId: string };

  beforeAll(async () => {
    server = await startTestServer(kind);
    const agency = await makeAgency(server.platform, 'Reception Centre');
    officer = await sessionFor(server, await makeUser(server.platform, agency, 'protection_officer', 'officer1'));
    scope = { agencyId: agency };
  });
  afterAll(() => server.close());

  it('leaves out a key shared by more persons than a block may hold, and still finds the person through the others', async () => {
    const { db } = server.platform.database;
    const first = await officer.post('/api/persons', YONAS);
    const second = await officer.post('/api/persons', { ...YONAS, givenName: 'ዮናስ', familyName: 'ተስፋይ' });
    expect([first.status, second.status]).toEqual([201, 201]);
    const query = preparePerson(matchPersonOf(second.body.id, { ...YONAS, givenName: 'ዮናስ', familyName: 'ተስፋይ' }));
    expect(await candidatePersonIds(db, server.platform.cipher, query, scope)).toEqual([first.body.id]);

    // Namesakes past the block limit (cases of the same agency), all under the key the two records share for their name pair and year.
    const row = await db.selectFrom('persons').selectAll().where('id', '=', first.body.id).executeTakeFirstOrThrow();
    const stored = preparePerson(matchPersonOf(first.body.id, YONAS));
    const crowded = storedMatchKeys(server.platform.cipher, stored)[storedKeysOf(stored).findIndex((key) => key.startsWith('q:'))]!;
    const namesakes = Array.from({ length: MAX_KEY_BLOCK + 1 }, () => newRecordId());
    await db.insertInto('persons').values(namesakes.map((id) => ({ ...row, id }))).execute();
    await db.insertInto('person_match_keys').values(namesakes.map((id) => ({ key_index: crowded, person_id: id }))).execute();
    const ownCase = await db.selectFrom('cases').selectAll().where('person_id', '=', first.body.id).executeTakeFirstOrThrow();
    await db.insertInto('cases').values(namesakes.map((id) => ({ ...ownCase, id: newRecordId(), person_id: id }))).execute();

    const found = await candidatePersonIds(db, server.platform.cipher, query, scope);
    expect(found).toContain(first.body.id);
    expect(found.some((id) => namesakes.includes(id))).toBe(false);

    // Below the limit the same key finds them, the record sharing more keys first.
    await db.deleteFrom('person_match_keys').where('person_id', 'in', namesakes.slice(0, 10)).execute();
    const fewer = await candidatePersonIds(db, server.platform.cipher, query, scope, 500);
    expect(fewer[0]).toBe(first.body.id);
    expect(fewer).toHaveLength(MAX_KEY_BLOCK - 8);
  });

  it('ranks the person\'s own other registration above a crowd of namesakes sharing more keys', async () => {
    const { db } = server.platform.database;
    const man = { givenName: 'Mohamed', familyName: 'Ahmed Osman', sex: 'male', birthDate: '1991-07-23', birthDatePrecision: 'day', nationality: 'SD' };
    const searched = await officer.post('/api/persons', man);
    // The same man registered before without his grandfather's name: fewer name pairs to share.
    const earlier = await officer.post('/api/persons', { ...man, familyName: 'Ahmed' });
    expect([searched.status, earlier.status]).toEqual([201, 201]);

    // 150 namesakes under every key of the man searched for, born on other days of the same year.
    const row = await db.selectFrom('persons').selectAll().where('id', '=', searched.body.id).executeTakeFirstOrThrow();
    const ownCase = await db.selectFrom('cases').selectAll().where('person_id', '=', searched.body.id).executeTakeFirstOrThrow();
    const keys = storedMatchKeys(server.platform.cipher, preparePerson(matchPersonOf(searched.body.id, man)));
    const namesakes = Array.from({ length: 150 }, (_, i) => ({ id: newRecordId(), birthDate: `1991-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 20)).padStart(2, '0')}` }));
    await db.insertInto('persons').values(namesakes.map(({ id, birthDate }) => ({ ...row, id, birth_date: birthDate }))).execute();
    await db.insertInto('cases').values(namesakes.map(({ id }) => ({ ...ownCase, id: newRecordId(), person_id: id }))).execute();
    await db.insertInto('person_match_keys').values(namesakes.flatMap(({ id }) => keys.map((key) => ({ key_index: key, person_id: id })))).execute();

    const found = await candidatePersonIds(db, server.platform.cipher, preparePerson(matchPersonOf(searched.body.id, man)), scope);
    expect(found).toHaveLength(50);
    expect(found[0]).toBe(earlier.body.id);
  });

  it('leaves out merged-away persons and the person searched for', async () => {
    const { db } = server.platform.database;
    const a = await officer.post('/api/persons', { ...YONAS, givenName: 'Senait', familyName: 'Kidane', sex: 'female' });
    const b = await officer.post('/api/persons', { ...YONAS, givenName: 'ሰናይት', familyName: 'ኪዳነ', sex: 'female' });
    const query = preparePerson(matchPersonOf(a.body.id, { ...YONAS, givenName: 'Senait', familyName: 'Kidane', sex: 'female' }));
    expect(await candidatePersonIds(db, server.platform.cipher, query, scope)).toEqual([b.body.id]);
    await db.updateTable('persons').set({ merged_into: a.body.id }).where('id', '=', b.body.id).execute();
    expect(await candidatePersonIds(db, server.platform.cipher, query, scope)).toEqual([]);

    // The best candidates merged away: the search looks further down the ranking.
    const c = await officer.post('/api/persons', { ...YONAS, givenName: 'Senait', familyName: 'Kidane Tesfay', sex: 'female' });
    const d = await officer.post('/api/persons', { ...YONAS, givenName: 'Senayt', familyName: 'Kidane', sex: 'female' });
    await db.updateTable('persons').set({ merged_into: a.body.id }).where('id', 'in', [d.body.id]).execute();
    expect(await candidatePersonIds(db, server.platform.cipher, query, scope, 1)).toEqual([c.body.id]);
  });
});
