import { randomUUID } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../platform/audit/chain.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import { openDatabase, postgresSchema } from '../../platform/db/database.js';
import { migrationProvider } from '../../platform/db/migrations/index.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';
import { ENCRYPTED_COLUMNS } from '../encrypted-columns.js';
import { bulkInsert, syntheticRows } from '../stats/synthetic.js';
import { compactAfterPurge, DERIVED_VALUES, derivedValueTables, ERASERS, NOT_PERSONAL_RECORDS, REQUIRED_CIPHERTEXTS } from './purge.js';
import { runRetention, type RetentionProgress } from './service.js';

const YEAR = 366 * 24 * 3600 * 1000;

describe('the purge plan', () => {
  it('knows how every table with an encrypted column belongs to a person, or why it does not', () => {
    for (const { table } of ENCRYPTED_COLUMNS) expect(ERASERS[table] ?? NOT_PERSONAL_RECORDS[table], table).toBeDefined();
    for (const column of REQUIRED_CIPHERTEXTS) {
      const [table, name] = column.split('.') as [string, string];
      expect(ENCRYPTED_COLUMNS.find((t) => t.table === table)?.columns).toContain(name);
    }
  });
});

describe.each(await databaseKinds())('retention and erasure on %s', (kind) => {
  let server: TestServer;
  let officer: Caller;
  let supervisor: Caller;
  let investigator: Caller;
  let encounterId: string;
  const staff = { officer: '', supervisor: '', investigator: '' };
  /** Sessions end while the clock moves years ahead: sign in again. */
  const signIn = async () => {
    officer = await sessionFor(server, staff.officer);
    supervisor = await sessionFor(server, staff.supervisor);
    investigator = await sessionFor(server, staff.investigator);
  };

  const register = async (givenName: string, familyName: string, more: Record<string, unknown> = {}): Promise<string> => {
    const answer = await officer.post(`/api/encounters/${encounterId}/persons`, {
      persons: [{ givenName, familyName, sex: 'male', ageClaimed: 30, phone: '+000 5550 1234', indicators: ['witness'], ...more }],
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body.persons[0].id as string;
  };
  const closeCase = (personId: string) =>
    server.platform.database.db.updateTable('cases').set({ stage: 'closed', updated_at: server.platform.clock().toISOString() }).where('person_id', '=', personId).execute();

  /** Every stored text of the database, as one string (PostgreSQL: each row rendered as text). */
  async function everyRow(): Promise<string> {
    const { db } = server.platform.database;
    const tables = (await db.introspection.getTables()).filter((t) => kind === 'sqlite' || t.schema === server.database.schema);
    const texts: string[] = [];
    for (const table of tables) {
      const rows = await sql<{ row: string }>`select cast(${sql.table(table.name)}.* as text) as row from ${sql.table(table.name)}`
        .execute(db)
        .catch(async () => sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`.execute(db).then((r) => ({ rows: r.rows.map((x) => ({ row: JSON.stringify(x) })) })));
      texts.push(...rows.rows.map((r) => r.row));
    }
    return texts.join('\n');
  }

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const agency = await makeAgency(server.platform, 'Coast guard');
    staff.officer = await makeUser(server.platform, agency, 'protection_officer', 'officer');
    staff.supervisor = await makeUser(server.platform, agency, 'supervisor', 'supervisor');
    staff.investigator = await makeUser(server.platform, agency, 'investigator', 'investigator');
    await signIn();
    encounterId = (await officer.post('/api/encounters', { type: 'rescue_at_sea', occurredAt: '2026-03-01T05:00:00Z', place: { name: 'Test bay' }, notes: 'Landed at the north pier.' })).body.id;
  });
  afterAll(async () => server?.close());

  it('knows which feature deletes the rows of every table of keyed derived values', async () => {
    const tables = await derivedValueTables(server.platform.database.db, kind);
    expect(tables.sort()).toEqual(Object.keys(DERIVED_VALUES).sort());
  });

  it('purges a closed case past retention in batches, keeps a held one, and the name leaves the database files', async () => {
    const { db } = server.platform.database;
    const purged = await register('Qorvash', 'Teldrimbek', { birthDate: '1995-08-17', birthDatePrecision: 'day' });
    const held = await register('Ulmaris', 'Fennoquay');
    const investigation = await investigator.post('/api/investigations', { reference: 'RET-1' });
    expect((await officer.post(`/api/persons/${held}/justice-links`, { investigationId: investigation.body.id, role: 'witness' })).status).toBe(201);
    await closeCase(purged);
    await closeCase(held);

    const before = await db
      .selectFrom('persons')
      .select(['given_name_enc', 'family_name_enc', 'name_index', 'phone_enc', 'birth_date_enc', 'birth_date_index', 'age_at_encounter'])
      .where('id', '=', purged)
      .executeTakeFirstOrThrow();
    expect(before.age_at_encounter).toBe(30);
    const secrets = [before.given_name_enc!, before.family_name_enc!, before.name_index!, before.phone_enc!, before.birth_date_enc!, before.birth_date_index!];
    const obligationsBefore = await db.selectFrom('obligations').select('code').where('person_id', '=', purged).orderBy('code').execute();
    expect(obligationsBefore.length).toBeGreaterThan(0);

    // Four years on, nothing is due yet (the default period is five years).
    server.clock.advance(4 * YEAR);
    expect((await runRetention(server.platform, { dryRun: true })).types.case.due).toBe(0);
    server.clock.advance(2 * YEAR);
    const dry = await runRetention(server.platform, { dryRun: true });
    expect(dry.types.case).toMatchObject({ due: 2, purged: 0, held: 1 });
    expect((await db.selectFrom('persons').select('purged_at').where('id', '=', purged).executeTakeFirstOrThrow()).purged_at).toBeNull();

    const progress: RetentionProgress[] = [];
    const report = await runRetention(server.platform, { batch: 1, onProgress: (p) => progress.push(p) });
    expect(report.types.case).toMatchObject({ due: 2, purged: 1, held: 1 });
    expect(progress.filter((p) => p.recordType === 'case').map((p) => p.done)).toEqual([1, 2]);

    const after = await db.selectFrom('persons').selectAll().where('id', '=', purged).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ given_name_enc: null, family_name_enc: null, phone_enc: null, name_index: null, sex: 'male', age_claimed: 30 });
    expect(after.purged_at).not.toBeNull();
    // The date of birth is kept to the year, encrypted as before; the age at the encounter follows it.
    expect(after).toMatchObject({ birth_year: 1995, birth_date_precision: 'year', birth_date_index: null, age_at_encounter: 31 });
    expect(server.platform.cipher.decrypt(after.birth_date_enc!, placeOf('persons', 'birth_date_enc', purged))).toBe('1995-01-01');
    // Aggregate facts stay: the obligations and their deadlines still count.
    expect(await db.selectFrom('obligations').select('code').where('person_id', '=', purged).orderBy('code').execute()).toEqual(obligationsBefore);
    const keptPerson = await db.selectFrom('persons').select(['given_name_enc', 'purged_at']).where('id', '=', held).executeTakeFirstOrThrow();
    expect(keptPerson.given_name_enc).not.toBeNull();
    expect(keptPerson.purged_at).toBeNull();

    const verdict = await verifyAuditChain(db, server.platform.cipher);
    expect(verdict.ok, JSON.stringify(verdict.firstBad)).toBe(true);
    const purgeEvent = await db.selectFrom('audit_events').select('fields').where('action', '=', 'person.purged').where('record_id', '=', purged).executeTakeFirstOrThrow();
    expect(JSON.parse(purgeEvent.fields)).toContain('persons.given_name_enc');

    // The destroyed values are in no row, and (SQLite) in neither the database file nor its WAL.
    const rows = await everyRow();
    for (const secret of secrets) expect(rows.includes(secret)).toBe(false);
    expect(rows.includes(keptPerson.given_name_enc!)).toBe(true);
    if (kind === 'sqlite') {
      const file = server.database.sqliteFile!;
      const bytes = Buffer.concat([readFileSync(file), existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0)]);
      expect(bytes.includes(Buffer.from(keptPerson.given_name_enc!)), 'the check can see a ciphertext that is kept').toBe(true);
      const names = ['given name', 'family name', 'name index', 'phone', 'birth date', 'birth date index'];
      const inDatabaseFile = readFileSync(file);
      const left = secrets.flatMap((secret, i) => (bytes.includes(Buffer.from(secret)) ? [`${names[i]} (${inDatabaseFile.includes(Buffer.from(secret)) ? 'database file' : 'WAL'})`] : []));
      expect(left, 'a destroyed value is still in the files').toEqual([]);
    }
  });

  it('carries out an erasure request, refuses one while a hold stands, and records both', async () => {
    const { db } = server.platform.database;
    await signIn();
    const free = await register('Brannoc', 'Vexhollow');
    const freeRow = await db.selectFrom('persons').select(['given_name_enc', 'name_index']).where('id', '=', free).executeTakeFirstOrThrow();
    const freeSecrets = [freeRow.given_name_enc!, freeRow.name_index!];
    const erased = await officer.post(`/api/persons/${free}/erasure-requests`, { requestedBy: 'person', reason: 'Wants no record kept' });
    expect(erased.status, JSON.stringify(erased.body)).toBe(201);
    expect(erased.body).toMatchObject({ status: 'carried_out', refusedBecause: [] });
    expect((await db.selectFrom('persons').select('given_name_enc').where('id', '=', free).executeTakeFirstOrThrow()).given_name_enc).toBeNull();
    if (kind === 'sqlite') {
      // Without a VACUUM: secure_delete zeroed the freed space and the WAL was truncated.
      const file = server.database.sqliteFile!;
      const bytes = Buffer.concat([readFileSync(file), existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0)]);
      for (const secret of freeSecrets) expect(bytes.includes(Buffer.from(secret)), 'an erased value is still in the files').toBe(false);
    }
    expect((await officer.post(`/api/persons/${free}/erasure-requests`, { requestedBy: 'person' })).status).toBe(409);

    const heldPerson = await register('Ostrevan', 'Quillmere');
    const hold = await supervisor.post(`/api/persons/${heldPerson}/legal-holds`, { reason: 'Evidence for the appeal hearing' });
    expect(hold.status, JSON.stringify(hold.body)).toBe(201);
    const refused = await officer.post(`/api/persons/${heldPerson}/erasure-requests`, { requestedBy: 'legal_representative' });
    expect(refused.status).toBe(201);
    expect(refused.body.status).toBe('refused');
    expect(refused.body.refusedBecause.join(' ')).toContain('legal hold');
    expect((await db.selectFrom('persons').select('given_name_enc').where('id', '=', heldPerson).executeTakeFirstOrThrow()).given_name_enc).not.toBeNull();

    const holds = await investigator.get(`/api/persons/${heldPerson}/legal-holds`);
    expect(holds.body.holds[0]).toMatchObject({ reason: 'Evidence for the appeal hearing', releasedAt: null });
    expect((await supervisor.post(`/api/legal-holds/${hold.body.id}/release`, { version: 2, reason: 'The appeal was heard' })).status).toBe(409);
    expect((await supervisor.post(`/api/legal-holds/${hold.body.id}/release`, { version: 1, reason: 'The appeal was heard' })).status).toBe(200);
    const second = await officer.post(`/api/persons/${heldPerson}/erasure-requests`, { requestedBy: 'person' });
    expect(second.body.status).toBe('carried_out');
    const history = await officer.get(`/api/persons/${heldPerson}/erasure-requests`);
    expect(history.body.requests.map((r: { status: string }) => r.status)).toEqual(['refused', 'carried_out']);
    expect(history.body.purgedAt).not.toBeNull();

    // A person who is a witness in an open investigation: refused, naming the investigation.
    const witness = await register('Daskerin', 'Morrowgate');
    const investigation = await investigator.post('/api/investigations', { reference: 'RET-2' });
    await officer.post(`/api/persons/${witness}/justice-links`, { investigationId: investigation.body.id, role: 'witness' });
    const byInvestigation = await officer.post(`/api/persons/${witness}/erasure-requests`, { requestedBy: 'person' });
    expect(byInvestigation.body.refusedBecause).toEqual(['the open investigation RET-2, in which the person is a witness']);

    expect((await officer.post(`/api/persons/${witness}/erasure-requests`, { requestedBy: 'someone' })).status).toBe(400);

    // The administrator's report counts them, without naming anyone.
    const admin = await sessionFor(server, await makeUser(server.platform, await makeAgency(server.platform, 'Ministry'), 'admin', `admin-${kind}-report`));
    await supervisor.post(`/api/persons/${witness}/legal-holds`, { reason: 'Kept for the trial' });
    const report = await admin.get('/api/retention');
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    expect(report.body).toMatchObject({ standingHolds: 1, erasureRequests: { carriedOut: 2, refused: 2 } });
    expect(report.body.lastPurgedAt).not.toBeNull();
    const verdict = await verifyAuditChain(db, server.platform.cipher);
    expect(verdict.ok).toBe(true);
  });
});

describe.each(await databaseKinds())('who may lift a legal hold, on %s', (kind) => {
  let server: TestServer;
  const as: Record<'officerA' | 'supervisorA' | 'investigatorA' | 'investigatorB' | 'supervisorB' | 'investigatorC' | 'oversight', Caller> = {} as never;
  let personId: string;
  let investigationB: string;
  let agencyA: string;
  let agencyB: string;

  /** The answer without the fields that name the request itself. */
  const problem = (answer: { status: number; body: Record<string, unknown> }) => {
    const { instance: _instance, requestId: _requestId, ...rest } = answer.body;
    return { status: answer.status, ...rest };
  };

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const { platform } = server;
    agencyA = await makeAgency(platform, 'Coast guard');
    agencyB = await makeAgency(platform, 'Prosecution service');
    const agencyC = await makeAgency(platform, 'Border police');
    const ombudsman = await makeAgency(platform, 'Ombudsman', 'oversight');
    const users: [keyof typeof as, string, Parameters<typeof makeUser>[2]][] = [
      ['officerA', agencyA, 'protection_officer'],
      ['supervisorA', agencyA, 'supervisor'],
      ['investigatorA', agencyA, 'investigator'],
      ['investigatorB', agencyB, 'investigator'],
      ['supervisorB', agencyB, 'supervisor'],
      ['investigatorC', agencyC, 'investigator'],
      ['oversight', ombudsman, 'oversight'],
    ];
    for (const [name, agency, role] of users) as[name] = await sessionFor(server, await makeUser(platform, agency, role, name.replace(/[A-Z]/g, (c) => `.${c.toLowerCase()}`)));
    const encounter = await as.officerA.post('/api/encounters', { type: 'rescue_at_sea', occurredAt: '2026-03-01T05:00:00Z', place: { name: 'Test bay' } });
    const registered = await as.officerA.post(`/api/encounters/${encounter.body.id}/persons`, { persons: [{ givenName: 'Ostrevan', familyName: 'Quillmere', sex: 'male', ageClaimed: 30, indicators: ['witness'] }] });
    personId = registered.body.persons[0].id;
    // Agency B investigates the smugglers; A links its person as a witness, so B's investigators see the person.
    investigationB = (await as.investigatorB.post('/api/investigations', { reference: 'PROS-B-1' })).body.id;
    expect((await as.officerA.post(`/api/persons/${personId}/justice-links`, { investigationId: investigationB, role: 'witness' })).status).toBe(201);
  });
  afterAll(async () => server?.close());

  it("refuses the release of agency A's hold to B's investigator who sees the person, and lets A's supervisor and the oversight body release holds, with a reason", async () => {
    const { db } = server.platform.database;
    const hold = await as.supervisorA.post(`/api/persons/${personId}/legal-holds`, { reason: 'Kept for the inquest at Tessmoor' });
    expect(hold.status, JSON.stringify(hold.body)).toBe(201);
    expect(hold.body).toMatchObject({ agencyId: agencyA, agencyName: 'Coast guard', investigationId: null, releasableBy: { agencyId: agencyA, agencyName: 'Coast guard' }, releaseReason: null });

    // B's investigator sees the hold through the justice link, and is told who may release it.
    const seen = await as.investigatorB.get(`/api/persons/${personId}/legal-holds`);
    expect(seen.body.holds.map((h: { id: string }) => h.id)).toContain(hold.body.id);
    const refused = await as.investigatorB.post(`/api/legal-holds/${hold.body.id}/release`, { version: 1, reason: 'Our witness no longer needs it' });
    expect(refused.status, JSON.stringify(refused.body)).toBe(403);
    expect(refused.body.detail).toBe('Only the agency that placed it (Coast guard) or the oversight body may release this legal hold.');
    expect((await db.selectFrom('legal_holds').select(['released_at', 'version']).where('id', '=', hold.body.id).executeTakeFirstOrThrow())).toEqual({ released_at: null, version: 1 });
    // The attempt stays in the audit trail, for the oversight body, though nothing changed.
    const attempts = await db.selectFrom('audit_events').select(['actor_agency_id', 'record_type']).where('action', '=', 'legal_hold.release_refused').where('record_id', '=', hold.body.id).execute();
    expect(attempts).toEqual([{ actor_agency_id: agencyB, record_type: 'legal_hold' }]);
    // An investigator of an agency that does not see the person learns nothing: the answer of a hold that does not exist.
    const outsider = await as.investigatorC.post(`/api/legal-holds/${hold.body.id}/release`, { version: 1, reason: 'Curious' });
    const unknown = await as.investigatorC.post(`/api/legal-holds/${randomUUID()}/release`, { version: 1, reason: 'Curious' });
    expect(problem(outsider)).toEqual(problem(unknown));
    expect(outsider.status).toBe(404);

    // A's supervisor releases it, in writing: the reason is encrypted, audited by name, and shown with the hold.
    const noReason = await as.supervisorA.post(`/api/legal-holds/${hold.body.id}/release`, { version: 1 });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors.map((e: { field: string }) => e.field)).toContain('reason');
    const released = await as.supervisorA.post(`/api/legal-holds/${hold.body.id}/release`, { version: 1, reason: 'The inquest at Tessmoor has closed' });
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    expect(released.body).toMatchObject({ releaseReason: 'The inquest at Tessmoor has closed', version: 2 });
    expect(released.body.releasedAt).not.toBeNull();
    const stored = await db.selectFrom('legal_holds').select('release_reason_enc').where('id', '=', hold.body.id).executeTakeFirstOrThrow();
    expect(stored.release_reason_enc).not.toContain('Tessmoor');
    const event = await db.selectFrom('audit_events').selectAll().where('action', '=', 'legal_hold.released').where('record_id', '=', hold.body.id).executeTakeFirstOrThrow();
    expect(JSON.parse(event.fields)).toEqual(['releaseReason']);
    expect(JSON.stringify(event)).not.toContain('Tessmoor');
    const afterwards = await as.investigatorB.get(`/api/persons/${personId}/legal-holds`);
    expect(afterwards.body.holds.find((h: { id: string }) => h.id === hold.body.id)).toMatchObject({ reason: 'Kept for the inquest at Tessmoor', releaseReason: 'The inquest at Tessmoor has closed' });

    // The oversight body knows which holds exist, without their reasons, and releases any with a reason.
    server.clock.advance(60_000);
    const second = await as.supervisorA.post(`/api/persons/${personId}/legal-holds`, { reason: 'Kept while the Varnholt complaint is heard' });
    const listed = await as.oversight.get('/api/oversight/legal-holds?status=standing');
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(listed.body.items.map((h: { id: string }) => h.id)).toEqual([second.body.id]);
    expect(listed.body.items[0]).toMatchObject({ personId, agencyName: 'Coast guard', releasableBy: { agencyId: agencyA } });
    expect(JSON.stringify(listed.body)).not.toMatch(/Varnholt|Tessmoor|Ostrevan/);
    expect((await as.oversight.get(`/api/persons/${personId}/legal-holds`)).status).toBe(403);
    const byOversight = await as.oversight.post(`/api/oversight/legal-holds/${second.body.id}/release`, { version: 1, reason: 'No ground to keep the record any longer' });
    expect(byOversight.status, JSON.stringify(byOversight.body)).toBe(200);
    expect(byOversight.body.releasedAt).not.toBeNull();
    expect(JSON.stringify(byOversight.body)).not.toMatch(/Varnholt|ground to keep/);
    expect((await as.oversight.post(`/api/oversight/legal-holds/${second.body.id}/release`, { version: 2, reason: 'Again' })).status).toBe(409);
    const shown = await as.supervisorA.get(`/api/persons/${personId}/legal-holds`);
    expect(shown.body.holds.find((h: { id: string }) => h.id === second.body.id)).toMatchObject({ releaseReason: 'No ground to keep the record any longer' });
    expect((await as.oversight.get('/api/oversight/legal-holds?status=released')).body.items.map((h: { id: string }) => h.id)).toEqual([second.body.id, hold.body.id]);
  });

  it("lets only B's investigators or the oversight body release a hold placed for B's prosecution, not agency A that placed it", async () => {
    const hold = await as.supervisorA.post(`/api/persons/${personId}/legal-holds`, { reason: 'Evidence for the trial', investigationId: investigationB });
    expect(hold.status, JSON.stringify(hold.body)).toBe(201);
    expect(hold.body).toMatchObject({ agencyId: agencyA, investigationId: investigationB, investigationReference: 'PROS-B-1', releasableBy: { agencyId: agencyB, agencyName: 'Prosecution service' } });

    for (const caller of [as.supervisorA, as.investigatorA]) {
      const refused = await caller.post(`/api/legal-holds/${hold.body.id}/release`, { version: 1, reason: 'We placed it' });
      expect(refused.status, JSON.stringify(refused.body)).toBe(403);
      expect(refused.body.detail).toBe('Only the agency of investigation PROS-B-1 (Prosecution service) or the oversight body may release this legal hold.');
    }
    const released = await as.investigatorB.post(`/api/legal-holds/${hold.body.id}/release`, { version: 1, reason: 'The trial has ended' });
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    expect(released.body.releaseReason).toBe('The trial has ended');

    // Placed by B's investigator for its own investigation; the oversight body may release it too.
    const own = await as.investigatorB.post(`/api/persons/${personId}/legal-holds`, { reason: 'Evidence for the appeal', investigationId: investigationB });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect((await as.supervisorA.post(`/api/legal-holds/${own.body.id}/release`, { version: 1, reason: 'The case is ours' })).status).toBe(403);
    expect((await as.oversight.post(`/api/oversight/legal-holds/${own.body.id}/release`, { version: 1, reason: 'Appeal withdrawn' })).status).toBe(200);
  });

  it('places a hold only for an investigation the placer can see, and refuses any other as one that does not exist', async () => {
    const investigationC = (await as.investigatorC.post('/api/investigations', { reference: 'BP-C-7' })).body.id;
    const unseen = await as.supervisorA.post(`/api/persons/${personId}/legal-holds`, { reason: 'For C', investigationId: investigationC });
    const unknown = await as.supervisorA.post(`/api/persons/${personId}/legal-holds`, { reason: 'For C', investigationId: randomUUID() });
    expect(unseen.status).toBe(422);
    expect(problem(unseen)).toEqual(problem(unknown));
    // An agency names its own investigations, the person linked to them or not; another agency's only when it works on the case and the person is linked to it.
    const investigationA = (await as.investigatorA.post('/api/investigations', { reference: 'CG-A-2' })).body.id;
    expect((await as.investigatorA.post(`/api/persons/${personId}/legal-holds`, { reason: 'For our own inquiry', investigationId: investigationA })).status).toBe(201);
    expect((await as.investigatorB.post(`/api/persons/${personId}/legal-holds`, { reason: 'For A', investigationId: investigationA })).status).toBe(422);
  });
});

describe.each(await databaseKinds())('legal holds placed before who may lift them was recorded, on %s', (kind) => {
  let database: TestDatabase | undefined;
  afterAll(async () => database?.destroy());

  it("belong to their placer's agency", async () => {
    database = await createTestDatabase(kind);
    const old = await openDatabase(database.config.db);
    const at = '2026-01-01T00:00:00.000Z';
    const world = { agencyIds: [randomUUID()], officerIds: [randomUUID()], providerIds: [] };
    const holdId = randomUUID();
    try {
      const schema = await postgresSchema(old.db);
      const migrator = new Migrator({ db: old.db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
      expect((await migrator.migrateTo('010_stats_day_rollups')).error).toBeUndefined();
      const { encounters, persons } = syntheticRows(world, 1, 7, { plaintextBirthDates: true });
      await bulkInsert(old, {
        agencies: [{ id: world.agencyIds[0], name: 'Coast guard', type: 'government', area: null, version: 1, created_at: at, updated_at: at }],
        users: [{ id: world.officerIds[0], agency_id: world.agencyIds[0], username: 'old.supervisor', display_name: 'Supervisor', email: null, role: 'supervisor', password_hash: 'disabled', must_change_password: 1, totp_secret_enc: null, totp_enabled: 0, totp_last_step: null, failed_attempts: 0, locked_until: null, disabled: 1, version: 1, created_at: at, updated_at: at }],
        encounters,
        persons,
      });
      await bulkInsert(old, { legal_holds: [{ id: holdId, person_id: persons![0]!.id, reason_enc: null, placed_by: world.officerIds[0], placed_at: at, released_by: null, released_at: null, version: 1 }] });
    } finally {
      await old.close();
    }
    const platform = await database.open();
    try {
      const hold = await platform.database.db.selectFrom('legal_holds').select(['agency_id', 'investigation_id', 'release_reason_enc']).where('id', '=', holdId).executeTakeFirstOrThrow();
      expect(hold).toEqual({ agency_id: world.agencyIds[0], investigation_id: null, release_reason_enc: null });
    } finally {
      await platform.database.close();
    }
  });
});

describe('the log truncated after a purge, on sqlite', () => {
  let database: TestDatabase | undefined;
  afterAll(async () => database?.destroy());

  it('waits for a reader that holds the log back, without holding the event loop, instead of leaving old pages in it', async () => {
    database = await createTestDatabase('sqlite');
    const platform = await database.open();
    const reader = new BetterSqlite3(database.sqliteFile!);
    try {
      await makeAgency(platform, 'Coast guard');
      // Another connection reads from the snapshot before the last write, for 150 ms.
      reader.exec('begin');
      reader.prepare('select count(*) from agencies').get();
      await makeAgency(platform, 'Harbour clinic');
      let turns = 0;
      const ticking = setInterval(() => (turns += 1), 10);
      const released = new Promise<void>((resolve) => setTimeout(() => { reader.exec('commit'); resolve(); }, 150));
      const started = Date.now();
      const result = await compactAfterPurge(platform, { vacuum: false });
      clearInterval(ticking);
      await released;
      expect(result.walTruncated).toBe(true);
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(turns, 'the event loop kept turning').toBeGreaterThan(5);
    } finally {
      reader.close();
      await platform.database.close();
    }
  });
});

