import { readFileSync, existsSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../platform/audit/chain.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';
import { ENCRYPTED_COLUMNS } from '../encrypted-columns.js';
import { NOT_PERSONAL_RECORDS, PERSON_ROWS, REQUIRED_CIPHERTEXTS } from './purge.js';
import { runRetention, type RetentionProgress } from './service.js';

const YEAR = 366 * 24 * 3600 * 1000;

describe('the purge plan', () => {
  it('knows how every table with an encrypted column belongs to a person, or why it does not', () => {
    for (const { table } of ENCRYPTED_COLUMNS) expect(PERSON_ROWS[table] ?? NOT_PERSONAL_RECORDS[table], table).toBeDefined();
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
      for (const secret of secrets) expect(bytes.includes(Buffer.from(secret)), 'a destroyed value is still in the files').toBe(false);
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
    expect((await supervisor.post(`/api/legal-holds/${hold.body.id}/release`, { version: 2 })).status).toBe(409);
    expect((await supervisor.post(`/api/legal-holds/${hold.body.id}/release`, { version: 1 })).status).toBe(200);
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
    const verdict = await verifyAuditChain(db, server.platform.cipher);
    expect(verdict.ok).toBe(true);
  });
});
