import { readFileSync, existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';

const NAME = { givenName: 'Mohammed', familyName: 'Al-Hassan' };

describe.each(await databaseKinds())('persons on %s', (kind) => {
  let server: TestServer;
  let officer: Caller;
  let otherAgencyOfficer: Caller;

  beforeAll(async () => {
    server = await startTestServer(kind);
    const agency = await makeAgency(server.platform, 'Protection Unit');
    const other = await makeAgency(server.platform, 'Other Agency', 'ngo');
    officer = await sessionFor(server, await makeUser(server.platform, agency, 'protection_officer', 'officer1'));
    otherAgencyOfficer = await sessionFor(server, await makeUser(server.platform, other, 'protection_officer', 'officer2'));
  });
  afterAll(() => server.close());

  it('registers a person and reads the record back', async () => {
    const created = await officer.post('/api/persons', { ...NAME, sex: 'male', nationality: 'SY', languages: ['ar'], phone: '+30 690 000 0000' });
    expect(created.status).toBe(201);
    expect(created.body.fields).toMatchObject({ ...NAME, sex: 'male', nationality: 'SY', languages: ['ar'] });
    const read = await officer.get(`/api/persons/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.fields.givenName).toBe('Mohammed');
    expect(read.body.version).toBe(1);
  });

  it('hides a person from an agency that does not work on the case', async () => {
    const created = await officer.post('/api/persons', { givenName: 'Amina', sex: 'female' });
    const read = await otherAgencyOfficer.get(`/api/persons/${created.body.id}`);
    expect(read.status).toBe(404);
    const list = await otherAgencyOfficer.get('/api/persons');
    expect(list.body.items.map((p: { id: string }) => p.id)).not.toContain(created.body.id);
  });

  it('refuses an update based on a stale version with 409 and the current version, and applies nothing', async () => {
    const created = await officer.post('/api/persons', { givenName: 'Yonas', sex: 'male' });
    const first = await officer.patch(`/api/persons/${created.body.id}`, { version: 1, familyName: 'Tesfay' });
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(2);
    const stale = await officer.patch(`/api/persons/${created.body.id}`, { version: 1, familyName: 'Gebre' });
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toContain('application/problem+json');
    expect(stale.body.currentVersion).toBe(2);
    const read = await officer.get(`/api/persons/${created.body.id}`);
    expect(read.body.fields.familyName).toBe('Tesfay');
  });

  it('answers bad input with 400 problem+json naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ givenName: 'A', sex: 'martian' }, 'sex'],
      [{ givenName: 'A', sex: 'male', shoeSize: 44 }, 'shoeSize'],
      [{ givenName: 'A', sex: 'male', nationality: 'Syria' }, 'nationality'],
      [{ givenName: 'A', sex: 'male', birthDate: '2001-02-30' }, 'birthDate'],
      [{ givenName: 'A', sex: 'male', ageClaimed: -1 }, 'ageClaimed'],
      [{ givenName: 'A', sex: 'male', languages: ['arabic'] }, 'languages.0'],
    ];
    for (const [body, field] of cases) {
      const answer = await officer.post('/api/persons', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const malformed = await officer.request('POST', '/api/persons', '{"givenName": "A",', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('body');
    const huge = await officer.post('/api/persons', { givenName: 'x'.repeat(3 * 1024 * 1024), sex: 'male' });
    expect(huge.status).toBe(413);
    expect(huge.body.errors[0].field).toBe('body');
  });

  it('pages through persons with a cursor', async () => {
    for (let i = 0; i < 5; i += 1) await officer.post('/api/persons', { givenName: `Page${i}`, sex: 'unknown' });
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await officer.get(`/api/persons?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      for (const item of page.body.items) seen.add(item.id);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.size).toBeGreaterThanOrEqual(5);
    expect((await officer.get('/api/persons?cursor=garbage')).status).toBe(400);
  });

  it('keeps the exact date of birth only encrypted, with the year and the age at the encounter beside it, and reads it back as given', async () => {
    const encounter = await officer.post('/api/encounters', { type: 'land_apprehension', occurredAt: '2026-02-10T08:00:00Z', place: { name: 'Border post' } });
    expect(encounter.status).toBe(201);
    const given = { ...NAME, sex: 'male', birthDate: '1987-11-23', birthDatePrecision: 'day', nationality: 'SY' };
    const registered = await officer.post(`/api/encounters/${encounter.body.id}/persons`, { persons: [given] });
    expect(registered.status).toBe(201);
    const id = registered.body.persons[0].id as string;
    expect(registered.body.persons[0].fields).toMatchObject({ birthDate: '1987-11-23', birthDatePrecision: 'day' });
    expect((await officer.get(`/api/persons/${id}`)).body.fields).toMatchObject({ birthDate: '1987-11-23', birthDatePrecision: 'day', sex: 'male', nationality: 'SY' });
    const { db } = server.platform.database;
    const row = await db.selectFrom('persons').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toMatch(/1987-11-23|11-23/);
    expect(row).toMatchObject({ birth_year: 1987, age_at_encounter: 38, birth_date_precision: 'day' });
    expect(row.birth_date ?? null).toBeNull();

    // A correction of the date moves the year and the age with it.
    const corrected = await officer.patch(`/api/persons/${id}`, { version: 1, birthDate: '1988-02-20' });
    expect(corrected.status).toBe(200);
    expect(corrected.body.fields.birthDate).toBe('1988-02-20');
    expect(await db.selectFrom('persons').select(['birth_year', 'age_at_encounter']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ birth_year: 1988, age_at_encounter: 37 });
    // And so does a correction of the encounter's time, past the birthday.
    const moved = await officer.patch(`/api/encounters/${encounter.body.id}`, { version: 1, occurredAt: '2026-02-25T00:00:00Z' });
    expect(moved.status).toBe(200);
    expect((await db.selectFrom('persons').select('age_at_encounter').where('id', '=', id).executeTakeFirstOrThrow()).age_at_encounter).toBe(38);
  });

  it('never writes a registered name to the log', () => {
    const log = server.logs.join('');
    expect(log.length).toBeGreaterThan(0);
    expect(log.toLowerCase()).not.toContain('mohammed');
    expect(log.toLowerCase()).not.toContain('al-hassan');
  });

  if (kind === 'sqlite') {
    it('stores no exact date of birth in plaintext in the database file or its WAL', async () => {
      const created = await officer.post('/api/persons', { ...NAME, sex: 'male', birthDate: '1979-10-17', birthDatePrecision: 'day' });
      expect(created.status).toBe(201);
      const files = [server.database.sqliteFile!, `${server.database.sqliteFile!}-wal`].filter((f) => existsSync(f));
      expect(files.length).toBe(2);
      for (const file of files) {
        const bytes = readFileSync(file);
        for (const needle of ['1979-10-17', '19791017']) expect(bytes.includes(needle), `${file} contains "${needle}"`).toBe(false);
      }
    });

    it('stores no registered name in plaintext in the database file or its WAL, in any case', async () => {
      await officer.post('/api/persons', { ...NAME, sex: 'male', otherNames: ['Mohammed Al-Hassan'], address: 'Mohammed Al-Hassan, care of the shelter' });
      const files = [server.database.sqliteFile!, `${server.database.sqliteFile!}-wal`].filter((f) => existsSync(f));
      expect(files.length).toBe(2);
      for (const file of files) {
        const bytes = readFileSync(file).toString('latin1').toLowerCase();
        for (const needle of ['mohammed al-hassan', 'mohammed', 'al-hassan', 'hassan']) {
          expect(bytes.includes(needle), `${file} contains "${needle}"`).toBe(false);
        }
        // UTF-16 would hide from a latin1 search; check that too.
        expect(readFileSync(file).includes(Buffer.from('Mohammed', 'utf16le'))).toBe(false);
      }
    });
  }
});
