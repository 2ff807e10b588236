import { preparePerson, storedKeysOf } from '@haven/core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeOf } from '../../platform/crypto/cipher.js';
import { newRecordId } from '../../platform/db/record-id.js';
import { birthDateColumns } from '../persons/birth-date.js';
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
    const { cipher } = server.platform;
    await db
      .insertInto('persons')
      .values(namesakes.map(({ id, birthDate }) => ({ ...row, id, birth_date_enc: cipher.encrypt(birthDate, placeOf('persons', 'birth_date_enc', id)), ...birthDateColumns(cipher, birthDate, 'day', null) })))
      .execute();
    await db.insertInto('cases').values(namesakes.map(({ id }) => ({ ...ownCase, id: newRecordId(), person_id: id }))).execute();
    await db.insertInto('person_match_keys').values(namesakes.flatMap(({ id }) => keys.map((key) => ({ key_index: key, person_id: id })))).execute();

    const found = await candidatePersonIds(db, server.platform.cipher, preparePerson(matchPersonOf(searched.body.id, man)), scope);
    expect(found).toHaveLength(50);
    expect(found[0]).toBe(earlier.body.id);
  });

  it('ranks by the dates of birth through their blind indexes and years exactly as by the plaintext dates', async () => {
    const { db } = server.platform.database;
    const { cipher } = server.platform;
    const candidates: { date: string | null; precision: string | null }[] = [
      { date: null, precision: null },
      { date: '1990-05-07', precision: 'day' },
      { date: '1990-05-07', precision: null },
      { date: '1990-05-07', precision: 'year' },
      { date: '1990-05-07', precision: 'estimated' },
      { date: '1990-07-05', precision: 'day' },
      { date: '1990-07-05', precision: null },
      { date: '1990-11-30', precision: 'day' },
      { date: '1990-01-01', precision: null },
      { date: '1990-01-01', precision: 'day' },
      { date: '1990-03-15', precision: 'year' },
      { date: '1991-01-01', precision: null },
      { date: '1991-05-07', precision: 'day' },
      { date: '1989-07-05', precision: 'estimated' },
    ];
    for (const searched of [
      { givenName: 'Dawit', familyName: 'Tekle', date: '1990-05-07', precision: 'day' },
      { givenName: 'Robel', familyName: 'Kahsay', date: '1990-01-01', precision: 'year' },
      { givenName: 'Filmon', familyName: 'Ghebremedhin', date: '1990-06-20', precision: 'estimated' },
      { givenName: 'Habtom', familyName: 'Woldu', date: '1990-07-05', precision: null },
    ]) {
      const man = { givenName: searched.givenName, familyName: searched.familyName, sex: 'male', birthDate: searched.date, ...(searched.precision ? { birthDatePrecision: searched.precision } : {}), nationality: 'ER' };
      const registered = await officer.post('/api/persons', man);
      expect(registered.status).toBe(201);
      const row = await db.selectFrom('persons').selectAll().where('id', '=', registered.body.id).executeTakeFirstOrThrow();
      const ownCase = await db.selectFrom('cases').selectAll().where('person_id', '=', row.id).executeTakeFirstOrThrow();
      const query = preparePerson(matchPersonOf(row.id, man));
      // One key each, and only that one: every candidate weighs the same by its keys, so the dates alone order them.
      const key = storedMatchKeys(cipher, query)[storedKeysOf(query).findIndex((k) => k.startsWith('q:'))]!;
      const ids = candidates.map(() => newRecordId());
      await db
        .insertInto('persons')
        .values(
          candidates.map(({ date, precision }, i) => ({
            ...row,
            id: ids[i]!,
            birth_date_enc: cipher.encryptNullable(date, placeOf('persons', 'birth_date_enc', ids[i]!)),
            birth_date_precision: precision,
            ...birthDateColumns(cipher, date, precision, null),
          })),
        )
        .execute();
      await db.insertInto('cases').values(ids.map((id) => ({ ...ownCase, id: newRecordId(), person_id: id }))).execute();
      await db.insertInto('person_match_keys').values(ids.map((id) => ({ key_index: key, person_id: id }))).execute();

      // The ranking as it was computed from plaintext dates, over the same candidates.
      const birth = query.birth!;
      const pad = (n: number): string => String(n).padStart(2, '0');
      const year = String(birth.year).padStart(4, '0');
      const date = `${year}-${pad(birth.month)}-${pad(birth.day)}`;
      const swapped = `${year}-${pad(birth.day)}-${pad(birth.month)}`;
      const candidateDay = sql`(p.birth_date_precision = 'day' or (p.birth_date_precision is null and p.birth_date not like '%-01-01'))`;
      const sameYear = sql`case when substr(p.birth_date, 1, 4) = ${year} then 1 else 0 end`;
      const plaintextAgreement =
        birth.precision === 'day'
          ? sql`case when p.birth_date is null then 0 when not ${candidateDay} then ${sameYear} when p.birth_date = ${date} then 6 when p.birth_date = ${swapped} then 4 else -2 end`
          : sql`case when p.birth_date is null then 0 else ${sameYear} end`;
      const plaintext = sql.join(
        candidates.map(({ date: d, precision }, i) => sql`select cast(${ids[i]!} as text) as id, cast(${d} as text) as birth_date, cast(${precision} as text) as birth_date_precision`),
        sql` union all `,
      );
      const expected = await sql<{ id: string }>`select p.id from (${plaintext}) as p order by ${plaintextAgreement} desc, p.id`.execute(db);
      const at = (list: string[]) => list.map((id) => (ids.includes(id) ? ids.indexOf(id) : id));
      expect(at(await candidatePersonIds(db, cipher, query, scope, 50)), JSON.stringify(searched)).toEqual(at(expected.rows.map((r) => r.id)));
    }
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
