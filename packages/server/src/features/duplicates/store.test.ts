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

  beforeAll(async () => {
    server = await startTestServer(kind);
    const agency = await makeAgency(server.platform, 'Reception Centre');
    officer = await sessionFor(server, await makeUser(server.platform, agency, 'protection_officer', 'officer1'));
  });
  afterAll(() => server.close());

  it('leaves out a key shared by more persons than a block may hold, and still finds the person through the others', async () => {
    const { db } = server.platform.database;
    const first = await officer.post('/api/persons', YONAS);
    const second = await officer.post('/api/persons', { ...YONAS, givenName: 'ዮናስ', familyName: 'ተስፋይ' });
    expect([first.status, second.status]).toEqual([201, 201]);
    const query = preparePerson(matchPersonOf(second.body.id, { ...YONAS, givenName: 'ዮናስ', familyName: 'ተስፋይ' }));
    expect(await candidatePersonIds(db, server.platform.cipher, query)).toEqual([first.body.id]);

    // Namesakes past the block limit, all under the key the two records share for their name pair and year.
    const row = await db.selectFrom('persons').selectAll().where('id', '=', first.body.id).executeTakeFirstOrThrow();
    const stored = preparePerson(matchPersonOf(first.body.id, YONAS));
    const crowded = storedMatchKeys(server.platform.cipher, stored)[storedKeysOf(stored).findIndex((key) => key.startsWith('q:'))]!;
    const namesakes = Array.from({ length: MAX_KEY_BLOCK + 1 }, () => newRecordId());
    await db.insertInto('persons').values(namesakes.map((id) => ({ ...row, id }))).execute();
    await db.insertInto('person_match_keys').values(namesakes.map((id) => ({ key_index: crowded, person_id: id }))).execute();

    const found = await candidatePersonIds(db, server.platform.cipher, query);
    expect(found).toContain(first.body.id);
    expect(found.some((id) => namesakes.includes(id))).toBe(false);

    // Below the limit the same key finds them, the record sharing more keys first.
    await db.deleteFrom('person_match_keys').where('person_id', 'in', namesakes.slice(0, 10)).execute();
    const fewer = await candidatePersonIds(db, server.platform.cipher, query, 500);
    expect(fewer[0]).toBe(first.body.id);
    expect(fewer).toHaveLength(MAX_KEY_BLOCK - 8);
  });

  it('leaves out merged-away persons and the person searched for', async () => {
    const { db } = server.platform.database;
    const a = await officer.post('/api/persons', { ...YONAS, givenName: 'Senait', familyName: 'Kidane', sex: 'female' });
    const b = await officer.post('/api/persons', { ...YONAS, givenName: 'ሰናይት', familyName: 'ኪዳነ', sex: 'female' });
    const query = preparePerson(matchPersonOf(a.body.id, { ...YONAS, givenName: 'Senait', familyName: 'Kidane', sex: 'female' }));
    expect(await candidatePersonIds(db, server.platform.cipher, query)).toEqual([b.body.id]);
    await db.updateTable('persons').set({ merged_into: a.body.id }).where('id', '=', b.body.id).execute();
    expect(await candidatePersonIds(db, server.platform.cipher, query)).toEqual([]);

    // The best candidates merged away: the search looks further down the ranking.
    const c = await officer.post('/api/persons', { ...YONAS, givenName: 'Senait', familyName: 'Kidane Tesfay', sex: 'female' });
    const d = await officer.post('/api/persons', { ...YONAS, givenName: 'Senayt', familyName: 'Kidane', sex: 'female' });
    await db.updateTable('persons').set({ merged_into: a.body.id }).where('id', 'in', [d.body.id]).execute();
    expect(await candidatePersonIds(db, server.platform.cipher, query, 1)).toEqual([c.body.id]);
  });
});
