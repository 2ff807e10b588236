import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';

// Screening records indicators with who/when and the person's own words;
// re-screening adds a version and never overwrites; the history is visible.

const STATEMENT = 'They said that if I go back the militia will find me in Asmara';

describe.each(await databaseKinds())('screening on %s', (kind) => {
  let server: TestServer;
  let officer: Caller;
  let officerId: string;
  let responder: Caller;
  let otherAgencyOfficer: Caller;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const agency = await makeAgency(server.platform, 'Protection Unit');
    const other = await makeAgency(server.platform, 'Other Unit');
    officerId = await makeUser(server.platform, agency, 'protection_officer', 'screener');
    officer = await sessionFor(server, officerId);
    responder = await sessionFor(server, await makeUser(server.platform, agency, 'first_responder', 'responder'));
    otherAgencyOfficer = await sessionFor(server, await makeUser(server.platform, other, 'protection_officer', 'outsider'));
  });
  afterAll(() => server.close());

  const db = () => server.platform.database.db;

  async function newPerson(extra: Record<string, unknown> = {}): Promise<string> {
    const created = await officer.post('/api/persons', { givenName: 'Selam', sex: 'female', nationality: 'ER', languages: ['ti'], ...extra });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  }

  async function obligations(personId: string): Promise<{ code: string; status: string; dueBy: string | null }[]> {
    const answer = await officer.get(`/api/persons/${personId}/obligations`);
    expect(answer.status).toBe(200);
    return answer.body;
  }

  it('adds a second version on re-screening, leaves the first unchanged, and shows the history oldest first', async () => {
    const personId = await newPerson();
    const first = await officer.post(`/api/persons/${personId}/screenings`, { indicators: ['needs_interpreter'], statement: 'I only speak Tigrinya', statementLanguage: 'ti' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ version: 1, indicators: ['needs_interpreter'], screenedBy: officerId });
    const storedFirst = await db().selectFrom('screenings').selectAll().where('id', '=', first.body.id).executeTakeFirstOrThrow();

    server.clock.advance(60_000);
    const second = await officer.post(`/api/persons/${personId}/screenings`, { indicators: ['needs_interpreter', 'fear_of_return'], statement: STATEMENT, statementLanguage: 'ti' });
    expect(second.status).toBe(201);
    expect(second.body.version).toBe(2);
    expect(second.body.id).not.toBe(first.body.id);

    expect(await db().selectFrom('screenings').selectAll().where('id', '=', first.body.id).executeTakeFirstOrThrow()).toEqual(storedFirst);
    const history = await officer.get(`/api/persons/${personId}/screenings`);
    expect(history.status).toBe(200);
    expect(history.body.map((s: { version: number }) => s.version)).toEqual([1, 2]);
    expect(history.body[0]).toMatchObject({ indicators: ['needs_interpreter'], statement: 'I only speak Tigrinya', statementLanguage: 'ti', screenedBy: officerId });
    expect(history.body[1]).toMatchObject({ indicators: ['fear_of_return', 'needs_interpreter'], statement: STATEMENT });
    expect(Date.parse(history.body[1].screenedAt)).toBeGreaterThan(Date.parse(history.body[0].screenedAt));
    // The case moved on from registered when the person was first screened.
    expect((await officer.get(`/api/persons/${personId}/case`)).body.stage).toBe('screened');
  });

  it('refuses an unknown indicator with 400 naming indicators.0, and stores nothing', async () => {
    const personId = await newPerson();
    const answer = await officer.post(`/api/persons/${personId}/screenings`, { indicators: ['werewolf'] });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain('indicators.0');
    expect(await db().selectFrom('screenings').select('id').where('person_id', '=', personId).execute()).toHaveLength(0);
  });

  it('refuses derived indicators entered by hand (child, female, unaccompanied_child…)', async () => {
    const personId = await newPerson();
    for (const derived of ['child', 'female', 'unaccompanied_child', 'separated_child', 'age_disputed', 'older_person']) {
      const answer = await officer.post(`/api/persons/${personId}/screenings`, { indicators: ['injured', derived] });
      expect(answer.status, derived).toBe(400);
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain('indicators.1');
    }
    expect(await db().selectFrom('screenings').select('id').where('person_id', '=', personId).execute()).toHaveLength(0);
    expect((await obligations(personId)).map((o) => o.code)).not.toContain('children.best_interests');
  });

  it('refuses a screening time in the future with 422 naming screenedAt', async () => {
    const personId = await newPerson();
    const answer = await officer.post(`/api/persons/${personId}/screenings`, { indicators: ['injured'], screenedAt: new Date(server.clock.now().getTime() + 3_600_000).toISOString() });
    expect(answer.status).toBe(422);
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual(['screenedAt']);
    expect(await db().selectFrom('screenings').select('id').where('person_id', '=', personId).execute()).toHaveLength(0);
  });

  it('derives asylum referral, non-refoulement and confidentiality from fear of return', async () => {
    const personId = await newPerson();
    const before = (await obligations(personId)).map((o) => o.code);
    expect(before).not.toContain('protection.asylum_referral');
    const created = await db().selectFrom('persons').select('created_at').where('id', '=', personId).executeTakeFirstOrThrow();
    const answer = await officer.post(`/api/persons/${personId}/screenings`, { indicators: ['fear_of_return'] });
    expect(answer.status).toBe(201);
    const after = await obligations(personId);
    const byCode = new Map(after.map((o) => [o.code, o]));
    expect(byCode.get('protection.asylum_referral')).toMatchObject({ status: 'open' });
    // 72 hours from the encounter; a person registered without one counts from registration.
    expect(Date.parse(byCode.get('protection.asylum_referral')!.dueBy!)).toBe(Date.parse(created.created_at) + 72 * 3_600_000);
    expect(byCode.get('protection.non_refoulement')).toMatchObject({ status: 'open', dueBy: null });
    expect(byCode.get('protection.confidentiality')).toMatchObject({ status: 'open', dueBy: null });
  });

  it('gives every concurrent screening its own version, or refuses it with 409 — never 500', async () => {
    const personId = await newPerson();
    const answers = await Promise.all(
      ['injured', 'medical_need', 'witness', 'pregnant', 'disability'].map((indicator) => officer.post(`/api/persons/${personId}/screenings`, { indicators: [indicator] })),
    );
    for (const answer of answers) expect([201, 409], JSON.stringify(answer.body)).toContain(answer.status);
    const created = answers.filter((a) => a.status === 201).map((a) => a.body.version as number);
    expect(created.length).toBeGreaterThan(0);
    const stored = await db().selectFrom('screenings').select('screening_version').where('person_id', '=', personId).orderBy('screening_version').execute();
    expect(stored.map((s) => s.screening_version)).toEqual(created.sort((a, b) => a - b));
    expect(stored.map((s) => s.screening_version)).toEqual(stored.map((_, i) => i + 1));
  });

  it('returns statements only to roles with the statements group', async () => {
    const personId = await newPerson();
    await officer.post(`/api/persons/${personId}/screenings`, { indicators: ['fear_of_return'], statement: STATEMENT, statementLanguage: 'ti' });
    const asOfficer = await officer.get(`/api/persons/${personId}/screenings`);
    expect(asOfficer.body[0].statement).toBe(STATEMENT);
    const asResponder = await responder.get(`/api/persons/${personId}/screenings`);
    expect(asResponder.status).toBe(200);
    expect(asResponder.body[0].indicators).toEqual(['fear_of_return']);
    expect(asResponder.body[0]).not.toHaveProperty('statement');
    expect(JSON.stringify(asResponder.body)).not.toContain('militia');
    expect((await otherAgencyOfficer.get(`/api/persons/${personId}/screenings`)).status).toBe(404);
    expect((await otherAgencyOfficer.post(`/api/persons/${personId}/screenings`, { indicators: ['injured'] })).status).toBe(404);
  });

  it('stores the statement encrypted', async () => {
    const personId = await newPerson();
    const answer = await officer.post(`/api/persons/${personId}/screenings`, { indicators: ['torture_survivor'], statement: `${STATEMENT} (torture)` });
    const row = await db().selectFrom('screenings').select('statement_enc').where('id', '=', answer.body.id).executeTakeFirstOrThrow();
    expect(row.statement_enc).toBeTruthy();
    expect(row.statement_enc).not.toContain('militia');
    if (kind === 'sqlite') {
      const files = [server.database.sqliteFile!, `${server.database.sqliteFile!}-wal`].filter((f) => existsSync(f));
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        const bytes = readFileSync(file);
        expect(bytes.toString('latin1').toLowerCase().includes('militia'), file).toBe(false);
        expect(bytes.includes(Buffer.from('militia', 'utf16le')), file).toBe(false);
      }
    }
  });
});
