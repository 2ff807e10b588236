import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { anonymous, makeAgency, makeUser, sessionFor, startTestServer, type Caller, type HttpAnswer, type TestServer } from '../../test-support/server.js';

// Allegations of failure to assist — filed by users or
// anonymously, followed up with a receipt, investigated by the oversight body — and the audit
// trail of a record for that body.

const fieldsOf = (answer: HttpAnswer): string[] => (answer.body.errors ?? []).map((e: { field: string }) => e.field);
const codeOf = (answer: HttpAnswer): string => String(answer.body.type).split('/').pop()!;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const RECEIPT = /^HVN-[A-Z2-7]{16}$/;
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
const DESCRIPTION = 'The patrol boat saw the dinghy taking water at dawn and left without calling a rescue.';

describe.each(await databaseKinds())('oversight of failures to assist on %s', (kind) => {
  let server: TestServer;
  let officer: Caller;
  let officerId: string;
  let ombudsman: Caller;
  let inspector: Caller;
  let unitId: string;
  let ombudsmanId: string;
  let inspectorateId: string;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const { platform } = server;
    unitId = await makeAgency(platform, 'Protection Unit');
    ombudsmanId = await makeAgency(platform, 'National Ombudsman', 'oversight');
    server.clock.advance(1000);
    inspectorateId = await makeAgency(platform, 'Border Inspectorate', 'oversight');
    officerId = await makeUser(platform, unitId, 'protection_officer', 'officer');
    officer = await sessionFor(server, officerId);
    ombudsman = await sessionFor(server, await makeUser(platform, ombudsmanId, 'oversight', 'ombudsman'));
    inspector = await sessionFor(server, await makeUser(platform, inspectorateId, 'oversight', 'inspector'));
  });
  afterAll(() => server.close());

  const db = () => server.platform.database.db;
  const allegationOf = (receipt: string) => db().selectFrom('allegations').selectAll().where('receipt_hash', '=', sha256(receipt)).executeTakeFirstOrThrow();

  async function fileAsOfficer(description = DESCRIPTION): Promise<{ id: string; receipt: string }> {
    const filed = await officer.post('/api/allegations', { description });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    return { id: (await allegationOf(filed.body.receipt)).id, receipt: filed.body.receipt };
  }

  describe('intake', () => {
    it('takes an allegation from a signed-in user under their name, with a receipt shown once, for the first oversight agency', async () => {
      const filed = await officer.post('/api/allegations', { description: DESCRIPTION });
      expect(filed.status, JSON.stringify(filed.body)).toBe(201);
      expect(filed.body).toEqual({ receipt: expect.stringMatching(RECEIPT), status: 'received' });
      const row = await allegationOf(filed.body.receipt);
      expect(row).toMatchObject({ filed_by: officerId, oversight_agency_id: ombudsmanId, status: 'received', version: 1 });
      expect(row.description_enc).toMatch(/^hv1\./);
      expect(JSON.stringify(row)).not.toContain(filed.body.receipt);
      expect(JSON.stringify(row)).not.toContain('dinghy');

      const read = await ombudsman.get(`/api/oversight/allegations/${row.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id: row.id, description: DESCRIPTION, filedBy: officerId, status: 'received', findings: null, remedy: null });
      // Another oversight agency does not handle it.
      expect((await inspector.get(`/api/oversight/allegations/${row.id}`)).status).toBe(404);
      expect((await inspector.get('/api/oversight/allegations?limit=200')).body.items.map((a: { id: string }) => a.id)).not.toContain(row.id);
    });

    it('takes an allegation from every role, and none may read them but the oversight body', async () => {
      for (const role of ['coordinator', 'admin', 'service_provider', 'investigator'] as const) {
        const caller = await sessionFor(server, await makeUser(server.platform, unitId, role, `${role.replace(/_/g, '-')}.filer`));
        const filed = await caller.post('/api/allegations', { description: `${DESCRIPTION} (${role})` });
        expect(filed.status, role).toBe(201);
        expect((await caller.get('/api/oversight/allegations')).status, role).toBe(403);
      }
      expect((await officer.get('/api/oversight/allegations')).status).toBe(403);
    });

    it('takes an anonymous allegation through the public form and keeps nothing about who filed it', async () => {
      const filed = await anonymous(server).post('/api/public/allegations', { description: DESCRIPTION });
      expect(filed.status, JSON.stringify(filed.body)).toBe(201);
      expect(filed.body).toEqual({ receipt: expect.stringMatching(RECEIPT), status: 'received' });
      // Signed in or not, the public form is anonymous.
      const alsoAnonymous = await officer.post('/api/public/allegations', { description: DESCRIPTION }, { 'idempotency-key': 'public-form-retry-1' });
      expect(alsoAnonymous.status).toBe(201);
      for (const receipt of [filed.body.receipt, alsoAnonymous.body.receipt]) {
        const row = await allegationOf(receipt);
        expect(row).toMatchObject({ filed_by: null, oversight_agency_id: ombudsmanId, status: 'received' });
        const events = await db().selectFrom('audit_events').selectAll().where('record_id', '=', row.id).execute();
        expect(events).toMatchObject([{ action: 'allegation.filed', actor_user_id: null, actor_agency_id: null, client_address: null }]);
        expect(await db().selectFrom('idempotency_keys').select('key').where('user_id', '=', officerId).execute()).toEqual([]);
      }
      const read = await ombudsman.get(`/api/oversight/allegations/${(await allegationOf(filed.body.receipt)).id}`);
      expect(read.body).toMatchObject({ filedBy: null, description: DESCRIPTION });
    });

    it('refuses an overlong description, a missing one and unknown fields on the public form, keeping nothing', async () => {
      const before = (await db().selectFrom('allegations').select('id').execute()).length;
      const overlong = await anonymous(server).post('/api/public/allegations', { description: 'x'.repeat(5001) });
      expect(overlong.status).toBe(400);
      expect(fieldsOf(overlong)).toEqual(['description']);
      const personal = await anonymous(server).post('/api/public/allegations', { description: DESCRIPTION, name: 'Reporter', phone: '+000 555 0199' });
      expect(personal.status).toBe(400);
      expect(fieldsOf(personal).sort()).toEqual(['name', 'phone']);
      expect((await db().selectFrom('allegations').select('id').execute()).length).toBe(before);
    });
  });

  describe('follow-up with a receipt', () => {
    it('shows only the status and the last update, never findings', async () => {
      const { id, receipt } = await fileAsOfficer();
      const first = await anonymous(server).get(`/api/public/allegations/${receipt}`);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ status: 'received', updatedAt: server.clock.now().toISOString() });
      // Receipts are read case-insensitively, as people copy them by hand.
      expect((await anonymous(server).get(`/api/public/allegations/${receipt.toLowerCase()}`)).status).toBe(200);

      server.clock.advance(5 * 60_000);
      await ombudsman.patch(`/api/oversight/allegations/${id}`, { version: 1, status: 'under_investigation' });
      await ombudsman.patch(`/api/oversight/allegations/${id}`, { version: 2, status: 'substantiated', findings: 'Officer Karim Haddad ignored the distress call' });
      const later = await anonymous(server).get(`/api/public/allegations/${receipt}`);
      expect(later.body).toEqual({ status: 'substantiated', updatedAt: server.clock.now().toISOString() });
      expect(JSON.stringify(later.body)).not.toContain('Karim');
      const events = await db().selectFrom('audit_events').select(['action', 'actor_user_id', 'client_address']).where('record_id', '=', id).where('action', '=', 'allegation.followed_up').execute();
      expect(events).toHaveLength(3);
      expect(events.every((e) => e.actor_user_id === null && e.client_address === null)).toBe(true);
    });

    it('answers 404 for an unknown receipt and 400 for a malformed one', async () => {
      expect((await anonymous(server).get('/api/public/allegations/HVN-AAAAAAAAAAAAAAAA')).status).toBe(404);
      const malformed = await anonymous(server).get('/api/public/allegations/HVN-0000');
      expect(malformed.status).toBe(400);
      expect(fieldsOf(malformed)).toEqual(['params:receipt']);
    });
  });

  describe('investigation by the oversight body', () => {
    it('links the allegation to the obligation, person and incident concerned, checking they agree', async () => {
      const person = await officer.post('/api/persons', { givenName: 'Selam', sex: 'female', ageClaimed: 19, indicators: ['medical_emergency'] });
      const other = await officer.post('/api/persons', { givenName: 'Yonas', sex: 'male', ageClaimed: 30 });
      const obligation = (await officer.get(`/api/persons/${person.body.id}/obligations`)).body.find((o: { code: string }) => o.code === 'life.emergency_care');
      const incident = await officer.post(`/api/persons/${other.body.id}/incidents`, { kind: 'death' });
      const { id } = await fileAsOfficer();

      const linked = await ombudsman.patch(`/api/oversight/allegations/${id}`, { version: 1, obligationId: obligation.id });
      expect(linked.status, JSON.stringify(linked.body)).toBe(200);
      expect(linked.body).toMatchObject({ obligationId: obligation.id, personId: person.body.id, version: 2 });
      const mismatch = await ombudsman.patch(`/api/oversight/allegations/${id}`, { version: 2, incidentId: incident.body.id });
      expect(mismatch.status).toBe(422);
      expect(fieldsOf(mismatch)).toEqual(['incidentId']);
      for (const field of ['personId', 'obligationId', 'incidentId']) {
        const missing = await ombudsman.patch(`/api/oversight/allegations/${id}`, { version: 2, [field]: NO_SUCH_ID });
        expect(missing.status, field).toBe(422);
        expect(fieldsOf(missing)).toEqual([field]);
      }
      const relinked = await ombudsman.patch(`/api/oversight/allegations/${id}`, { version: 2, personId: other.body.id, obligationId: null, incidentId: incident.body.id });
      expect(relinked.body).toMatchObject({ personId: other.body.id, obligationId: null, incidentId: incident.body.id, version: 3 });
    });

    it('moves received → under_investigation → substantiated → closed, with findings and remedy encrypted', async () => {
      const { id } = await fileAsOfficer();
      const skip = await ombudsman.patch(`/api/oversight/allegations/${id}`, { version: 1, status: 'substantiated', findings: 'Too early' });
      expect(skip.status).toBe(409);
      expect(codeOf(skip)).toBe('transition-not-allowed');
      expect(skip.body).toMatchObject({ from: 'received', to: 'substantiated', allowed: ['under_investigation'] });
      const unknown = await ombudsman.patch(`/api/oversight/allegations/${id}`, { version: 1, status: 'dismissed' });
      expect(unknown.status).toBe(400);
      expect(fieldsOf(unknown)).toEqual(['status']);

      expect((await ombudsman.patch(`/api/oversight/allegations/${id}`, { version: 1, status: 'under_investigation' })).body).toMatchObject({ status: 'under_investigation', version: 2 });
      const noFindings = await ombudsman.patch(`/api/oversight/allegations/${id}`, { version: 2, status: 'unsubstantiated' });
      expect(noFindings.status).toBe(422);
      expect(fieldsOf(noFindings)).toEqual(['findings']);
      const concluded = await ombudsman.patch(`/api/oversight/allegations/${id}`, { version: 2, status: 'substantiated', findings: 'The crew logged the sighting and did not alert the rescue centre' });
      expect(concluded.body).toMatchObject({ status: 'substantiated', findings: 'The crew logged the sighting and did not alert the rescue centre', version: 3 });

      const stale = await ombudsman.patch(`/api/oversight/allegations/${id}`, { version: 2, status: 'closed', remedy: 'Retraining' });
      expect(stale.status).toBe(409);
      expect(codeOf(stale)).toBe('stale-version');
      const noRemedy = await ombudsman.patch(`/api/oversight/allegations/${id}`, { version: 3, status: 'closed' });
      expect(noRemedy.status).toBe(422);
      expect(fieldsOf(noRemedy)).toEqual(['remedy']);
      const closed = await ombudsman.patch(`/api/oversight/allegations/${id}`, { version: 3, status: 'closed', remedy: 'Disciplinary procedure and retraining on the SOP' });
      expect(closed.body).toMatchObject({ status: 'closed', remedy: 'Disciplinary procedure and retraining on the SOP', version: 4 });
      const row = await db().selectFrom('allegations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.findings_enc).toMatch(/^hv1\./);
      expect(row.remedy_enc).toMatch(/^hv1\./);
      expect(`${row.findings_enc}${row.remedy_enc}`).not.toMatch(/crew|retraining/i);

      const afterClosing = await ombudsman.patch(`/api/oversight/allegations/${id}`, { version: 4, findings: 'Rewritten' });
      expect(afterClosing.status).toBe(409);
      expect(codeOf(afterClosing)).toBe('allegation-closed');
    });

    it('hands an allegation on only to another oversight agency, which then handles it alone', async () => {
      const { id } = await fileAsOfficer();
      const notOversight = await ombudsman.patch(`/api/oversight/allegations/${id}`, { version: 1, oversightAgencyId: unitId });
      expect(notOversight.status).toBe(422);
      expect(fieldsOf(notOversight)).toEqual(['oversightAgencyId']);
      expect((await inspector.patch(`/api/oversight/allegations/${id}`, { version: 1, status: 'under_investigation' })).status).toBe(404);
      const handed = await ombudsman.patch(`/api/oversight/allegations/${id}`, { version: 1, oversightAgencyId: inspectorateId });
      expect(handed.body).toMatchObject({ oversightAgencyId: inspectorateId, version: 2 });
      expect((await ombudsman.get(`/api/oversight/allegations/${id}`)).status).toBe(404);
      expect((await inspector.get(`/api/oversight/allegations/${id}`)).status).toBe(200);
      const listed = await inspector.get('/api/oversight/allegations?status=received&limit=200');
      expect(listed.body.items.map((a: { id: string }) => a.id)).toContain(id);
    });

    it('audits every read and change of an allegation by field name, never by value', async () => {
      const { id } = await fileAsOfficer('Nobody-gave-water-at-checkpoint-9');
      await ombudsman.get(`/api/oversight/allegations/${id}`);
      await ombudsman.get('/api/oversight/allegations?limit=200');
      await ombudsman.patch(`/api/oversight/allegations/${id}`, { version: 1, status: 'under_investigation', findings: 'Checkpoint-9-log-shows-no-water' });
      const events = await db().selectFrom('audit_events').selectAll().where('record_type', '=', 'allegation').where('record_id', '=', id).orderBy('seq').execute();
      expect(events.map((e) => e.action)).toEqual(['allegation.filed', 'allegation.read', 'allegation.read', 'allegation.update']);
      expect(JSON.parse(events[3]!.fields)).toEqual(['findings', 'status']);
      const trail = JSON.stringify(await db().selectFrom('audit_events').selectAll().execute());
      expect(trail).not.toContain('Nobody-gave-water');
      expect(trail).not.toContain('Checkpoint-9-log');
    });
  });

  describe('the audit trail of a record', () => {
    it('shows the oversight body who did what to a record, naming fields and never values, and records that it looked', async () => {
      const person = await officer.post('/api/persons', { givenName: 'Hawa-Unique-Name', sex: 'female', ageClaimed: 28 });
      await officer.patch(`/api/persons/${person.body.id}`, { version: person.body.version, familyName: 'Kamara-Unique-Name' });
      await officer.get(`/api/persons/${person.body.id}`);
      const trail = await ombudsman.get(`/api/oversight/records/person/${person.body.id}/audit`);
      expect(trail.status, JSON.stringify(trail.body)).toBe(200);
      expect(trail.body.items.map((e: { action: string }) => e.action)).toEqual(['person.create', 'person.update', 'person.read']);
      expect(trail.body.items[1]).toMatchObject({ actorUserId: officerId, actorAgencyId: unitId, fields: ['familyName'] });
      // Said by name, not by an id the oversight body would have to look up.
      expect(trail.body.items[1]).toMatchObject({ actorName: 'officer', actorAgencyName: 'Protection Unit' });
      expect(JSON.stringify(trail.body)).not.toContain('Unique-Name');

      const again = await ombudsman.get(`/api/oversight/records/person/${person.body.id}/audit?after=${trail.body.items[2].seq}`);
      expect(again.body.items.map((e: { action: string }) => e.action)).toEqual(['audit.read']);
      const paged = await ombudsman.get(`/api/oversight/records/person/${person.body.id}/audit?limit=2`);
      expect(paged.body.items).toHaveLength(2);
      expect(paged.body.nextAfter).toBe(paged.body.items[1].seq);

      expect((await officer.get(`/api/oversight/records/person/${person.body.id}/audit`)).status).toBe(403);
      const bad = await ombudsman.get(`/api/oversight/records/Person%3Bdrop/${person.body.id}/audit`);
      expect(bad.status).toBe(400);
      expect(fieldsOf(bad)).toEqual(['params:recordType']);
    });

    it('keeps the queue of waivers and overrides beside the allegations', async () => {
      const queue = await ombudsman.get('/api/oversight/queue');
      expect(queue.status).toBe(200);
      expect(Array.isArray(queue.body)).toBe(true);
    });
  });
});

describe.each(await databaseKinds())('anonymous intake limits on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
  });
  afterAll(() => server.close());

  it('refuses the 6th anonymous allegation in an hour from one address, and keeps unassigned ones for any oversight user', async () => {
    const receipts: string[] = [];
    for (let i = 1; i <= 5; i += 1) {
      const filed = await anonymous(server).post('/api/public/allegations', { description: `${DESCRIPTION} Report ${i}.` });
      expect(filed.status, `report ${i}`).toBe(201);
      receipts.push(filed.body.receipt);
    }
    const sixth = await anonymous(server).post('/api/public/allegations', { description: `${DESCRIPTION} Report 6.` });
    expect(sixth.status).toBe(429);
    expect(codeOf(sixth)).toBe('too-many-requests');
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await server.platform.database.db.selectFrom('allegations').select('id').execute()).toHaveLength(5);
    // Following up is limited separately.
    expect((await anonymous(server).get(`/api/public/allegations/${receipts[0]}`)).status).toBe(200);

    // No oversight agency is registered here: the allegations wait unassigned, visible to oversight users.
    const agency = await makeAgency(server.platform, 'Ministry');
    const overseer = await sessionFor(server, await makeUser(server.platform, agency, 'oversight', 'overseer'));
    const listed = await overseer.get('/api/oversight/allegations?limit=200');
    expect(listed.body.items).toHaveLength(5);
    expect(listed.body.items.every((a: { oversightAgencyId: string | null; filedBy: string | null }) => a.oversightAgencyId === null && a.filedBy === null)).toBe(true);
  });
});

describe.each(await databaseKinds())('hostile public reports on %s', (kind) => {
  let server: TestServer;
  let overseer: Caller;
  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const agency = await makeAgency(server.platform, 'National Ombudsman', 'oversight');
    overseer = await sessionFor(server, await makeUser(server.platform, agency, 'oversight', 'overseer'));
  });
  afterAll(() => server.close());

  const stored = async () => (await server.platform.database.db.selectFrom('allegations').select('id').execute()).length;

  it('keeps a description with a script tag as text and gives it back to oversight as the same text', async () => {
    const hostile = `<script>alert("x")</script><img src=x onerror=alert(1)> ${DESCRIPTION}`;
    const filed = await anonymous(server).post('/api/public/allegations', { description: hostile });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const listed = await overseer.get('/api/oversight/allegations?limit=10');
    expect(listed.headers.get('content-type')).toContain('application/json');
    expect(listed.body.items.map((a: { description: string }) => a.description)).toEqual([hostile]);
  });

  it('refuses a 10 MB body with 413 problem+json naming the body, keeping nothing', async () => {
    const before = await stored();
    const huge = await anonymous(server).post('/api/public/allegations', { description: 'x'.repeat(10 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toContain('application/problem+json');
    expect(fieldsOf(huge)).toEqual(['body']);
    expect(await stored()).toBe(before);
  });

  it('answers 100 reports a minute from one address with 429 problem+json beyond the limit, never a 5xx', async () => {
    const before = await stored();
    const answers: HttpAnswer[] = [];
    for (let i = 1; i <= 100; i += 1) answers.push(await anonymous(server).post('/api/public/allegations', { description: `${DESCRIPTION} Flood ${i}.` }));
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 201 || s === 429), statuses.join(',')).toBe(true);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(95);
    for (const answer of refused) {
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(codeOf(answer)).toBe('too-many-requests');
    }
    expect(await stored()).toBe(before + (100 - refused.length));
  });
});
