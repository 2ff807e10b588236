import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type HttpAnswer, type TestServer } from '../../test-support/server.js';

// Investigations and prosecutions of smuggling, victims and witnesses linked to
// them (and what that lets the investigating agency see), protection measures, crimes against migrants.

const fieldsOf = (answer: HttpAnswer): string[] => (answer.body.errors ?? []).map((e: { field: string }) => e.field);
const codeOf = (answer: HttpAnswer): string => String(answer.body.type).split('/').pop()!;
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

describe.each(await databaseKinds())('justice on %s', (kind) => {
  let server: TestServer;
  let officer: Caller;
  let supervisor: Caller;
  let responder: Caller;
  let investigator: Caller;
  let otherInvestigator: Caller;
  let outsideOfficer: Caller;
  let policeId: string;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const { platform } = server;
    const unit = await makeAgency(platform, 'Protection Unit');
    policeId = await makeAgency(platform, 'Border Police Investigations');
    const otherPolice = await makeAgency(platform, 'Coastal Police');
    const elsewhere = await makeAgency(platform, 'Other Unit', 'ngo');
    officer = await sessionFor(server, await makeUser(platform, unit, 'protection_officer', 'officer'));
    supervisor = await sessionFor(server, await makeUser(platform, unit, 'supervisor', 'supervisor'));
    responder = await sessionFor(server, await makeUser(platform, unit, 'first_responder', 'responder'));
    investigator = await sessionFor(server, await makeUser(platform, policeId, 'investigator', 'investigator'));
    otherInvestigator = await sessionFor(server, await makeUser(platform, otherPolice, 'investigator', 'other.investigator'));
    outsideOfficer = await sessionFor(server, await makeUser(platform, elsewhere, 'protection_officer', 'outside.officer'));
  });
  afterAll(() => server.close());

  const db = () => server.platform.database.db;
  let references = 0;

  async function newPerson(indicators: string[] = []): Promise<string> {
    const created = await officer.post('/api/persons', { givenName: 'Amanuel', familyName: 'Tesfay', sex: 'male', ageClaimed: 24, phone: '+000 555 0100', indicators });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  }
  async function newInvestigation(by: Caller = investigator, body: Record<string, unknown> = {}): Promise<{ id: string; version: number; reference: string }> {
    references += 1;
    const created = await by.post('/api/investigations', { reference: `BPI-2026/${String(references).padStart(4, '0')}`, ...body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body;
  }
  async function link(personId: string, investigationId: string, role = 'witness'): Promise<{ id: string; version: number }> {
    const linked = await officer.post(`/api/persons/${personId}/justice-links`, { investigationId, role });
    expect(linked.status, JSON.stringify(linked.body)).toBe(201);
    return linked.body;
  }

  describe('investigations and prosecutions', () => {
    it('opens an investigation of smuggling in the investigator’s agency, with its aggravating circumstances', async () => {
      const created = await investigator.post('/api/investigations', { reference: 'BPI-2026/0142', aggravating: ['endangering_life', 'inhuman_or_degrading_treatment'] });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({
        reference: 'BPI-2026/0142',
        agencyId: policeId,
        kind: 'investigation',
        offence: 'smuggling_of_migrants',
        aggravating: ['endangering_life', 'inhuman_or_degrading_treatment'],
        status: 'open',
        version: 1,
      });
      const read = await investigator.get(`/api/investigations/${created.body.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id: created.body.id, links: [], incidents: [] });
      const listed = await investigator.get('/api/investigations?limit=200');
      expect(listed.body.items.map((i: { id: string }) => i.id)).toContain(created.body.id);

      // Another agency neither lists nor reads it.
      expect((await otherInvestigator.get(`/api/investigations/${created.body.id}`)).status).toBe(404);
      expect((await otherInvestigator.get('/api/investigations?limit=200')).body.items.map((i: { id: string }) => i.id)).not.toContain(created.body.id);
    });

    it('refuses a reference its agency already uses, but not one another agency uses', async () => {
      const first = await newInvestigation();
      const again = await investigator.post('/api/investigations', { reference: first.reference });
      expect(again.status).toBe(409);
      expect(codeOf(again)).toBe('reference-taken');
      expect((await otherInvestigator.post('/api/investigations', { reference: first.reference })).status).toBe(201);
    });

    it('refuses an unknown offence, aggravating circumstance or kind, naming the field', async () => {
      const offence = await investigator.post('/api/investigations', { reference: 'BPI-X-1', offence: 'fraud' });
      expect(offence.status).toBe(400);
      expect(fieldsOf(offence)).toEqual(['offence']);
      const aggravating = await investigator.post('/api/investigations', { reference: 'BPI-X-2', aggravating: ['endangering_life', 'being_smuggled'] });
      expect(aggravating.status).toBe(400);
      expect(fieldsOf(aggravating)).toEqual(['aggravating.1']);
      const kindOf = await investigator.post('/api/investigations', { reference: 'BPI-X-3', kind: 'inquiry' });
      expect(kindOf.status).toBe(400);
      expect(fieldsOf(kindOf)).toEqual(['kind']);
      const unknownField = await investigator.post('/api/investigations', { reference: 'BPI-X-4', suspectName: 'someone' });
      expect(unknownField.status).toBe(400);
      expect(fieldsOf(unknownField)).toEqual(['suspectName']);
      const names = await investigator.post('/api/investigations', { reference: 'Case of Ahmed, the driver!' });
      expect(names.status).toBe(400);
      expect(fieldsOf(names)).toEqual(['reference']);
    });

    it('becomes a prosecution but never an investigation again, moves between statuses, and refuses a stale version', async () => {
      const opened = await newInvestigation();
      const charged = await investigator.patch(`/api/investigations/${opened.id}`, { version: opened.version, kind: 'prosecution', aggravating: ['exploitation'] });
      expect(charged.status, JSON.stringify(charged.body)).toBe(200);
      expect(charged.body).toMatchObject({ kind: 'prosecution', aggravating: ['exploitation'], version: 2 });
      const back = await investigator.patch(`/api/investigations/${opened.id}`, { version: 2, kind: 'investigation' });
      expect(back.status).toBe(409);
      expect(codeOf(back)).toBe('transition-not-allowed');
      const stale = await investigator.patch(`/api/investigations/${opened.id}`, { version: 1, status: 'suspended' });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ currentVersion: 2 });
      const closed = await investigator.patch(`/api/investigations/${opened.id}`, { version: 2, status: 'closed' });
      expect(closed.body).toMatchObject({ status: 'closed', version: 3 });
      const editClosed = await investigator.patch(`/api/investigations/${opened.id}`, { version: 3, aggravating: [] });
      expect(editClosed.status).toBe(409);
      expect(codeOf(editClosed)).toBe('investigation-closed');
      // A closed investigation takes no new witnesses (and grants no new access).
      const personId = await newPerson();
      const late = await officer.post(`/api/persons/${personId}/justice-links`, { investigationId: opened.id, role: 'witness' });
      expect(late.status).toBe(409);
      expect(codeOf(late)).toBe('investigation-closed');
      const reopened = await investigator.patch(`/api/investigations/${opened.id}`, { version: 3, status: 'open' });
      expect(reopened.body).toMatchObject({ status: 'open', version: 4 });
      // Another agency's investigation is not found, whatever the version.
      expect((await otherInvestigator.patch(`/api/investigations/${opened.id}`, { version: 4, status: 'closed' })).status).toBe(404);
    });
  });

  describe('persons linked as victims and witnesses', () => {
    it('lets the investigating agency see the linked person’s identity and justice fields, never health, and no one else', async () => {
      const personId = await newPerson(['medical_need', 'crime_victim']);
      const unlinked = await newPerson(['medical_need']);
      const investigation = await newInvestigation();
      expect((await investigator.get(`/api/persons/${personId}`)).status).toBe(404);

      const linked = await officer.post(`/api/persons/${personId}/justice-links`, { investigationId: investigation.id, role: 'witness' });
      expect(linked.status, JSON.stringify(linked.body)).toBe(201);
      expect(linked.body).toMatchObject({
        personId,
        investigationId: investigation.id,
        investigation: { reference: investigation.reference, agencyId: policeId, kind: 'investigation', status: 'open' },
        role: 'witness',
        reachable: true,
        measures: [],
        version: 1,
      });

      // Stored with its role and person (the obligations engine reads them), and one grant to the police.
      const row = await db().selectFrom('justice_links').selectAll().where('id', '=', linked.body.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ person_id: personId, role: 'witness', reachable: 1 });
      const grants = await db().selectFrom('access_grants').selectAll().where('person_id', '=', personId).execute();
      expect(grants).toHaveLength(1);
      expect(grants[0]).toMatchObject({ agency_id: policeId, source_type: 'justice_link', source_id: linked.body.id, revoked_at: null });
      expect(JSON.parse(grants[0]!.field_groups)).toEqual(['identity', 'contact', 'justice']);

      const seen = await investigator.get(`/api/persons/${personId}`);
      expect(seen.status).toBe(200);
      expect([...seen.body.fieldGroups].sort()).toEqual(['contact', 'identity', 'justice']);
      expect(seen.body.fieldGroups).not.toContain('health');
      expect(seen.body.fields).toMatchObject({ givenName: 'Amanuel', familyName: 'Tesfay', phone: '+000 555 0100' });
      // What was observed at screening (health, protection) stays out of reach.
      expect((await investigator.get(`/api/persons/${personId}/screenings`)).status).toBe(403);
      expect((await investigator.get(`/api/persons/${personId}/obligations`)).status).toBe(403);
      const justice = await investigator.get(`/api/persons/${personId}/justice`);
      expect(justice.status).toBe(200);
      expect(justice.body.links.map((l: { id: string }) => l.id)).toEqual([linked.body.id]);

      expect((await investigator.get(`/api/persons/${unlinked}`)).status).toBe(404);
      expect((await investigator.get(`/api/persons/${unlinked}/justice`)).status).toBe(404);
      expect((await otherInvestigator.get(`/api/persons/${personId}`)).status).toBe(404);
      const listed = await investigator.get('/api/persons?limit=200');
      expect(listed.body.items.map((p: { id: string }) => p.id)).toContain(personId);
      expect(listed.body.items.map((p: { id: string }) => p.id)).not.toContain(unlinked);

      // The investigation shows its witness.
      const detail = await investigator.get(`/api/investigations/${investigation.id}`);
      expect(detail.body.links).toMatchObject([{ id: linked.body.id, personId, role: 'witness' }]);
    });

    it('raises witness support for a person linked as witness', async () => {
      const personId = await newPerson();
      await link(personId, (await newInvestigation()).id, 'witness');
      const obligations = await officer.get(`/api/persons/${personId}/obligations`);
      expect(obligations.body.map((o: { code: string }) => o.code)).toContain('justice.witness_support');
    });

    it('refuses a link to an investigation that does not exist, an unknown role, a duplicate, and callers who may not link', async () => {
      const personId = await newPerson();
      const investigation = await newInvestigation();
      const missing = await officer.post(`/api/persons/${personId}/justice-links`, { investigationId: NO_SUCH_ID, role: 'witness' });
      expect(missing.status).toBe(422);
      expect(fieldsOf(missing)).toEqual(['investigationId']);
      const role = await officer.post(`/api/persons/${personId}/justice-links`, { investigationId: investigation.id, role: 'suspect' });
      expect(role.status).toBe(400);
      expect(fieldsOf(role)).toEqual(['role']);
      await link(personId, investigation.id, 'victim');
      const twice = await supervisor.post(`/api/persons/${personId}/justice-links`, { investigationId: investigation.id, role: 'victim' });
      expect(twice.status).toBe(409);
      expect(codeOf(twice)).toBe('already-linked');
      // The same person may also be a witness in it.
      expect((await supervisor.post(`/api/persons/${personId}/justice-links`, { investigationId: investigation.id, role: 'witness' })).status).toBe(201);
      // Investigators do not pull persons into their investigations; another agency's officer does not see the person.
      expect((await investigator.post(`/api/persons/${personId}/justice-links`, { investigationId: investigation.id, role: 'witness' })).status).toBe(403);
      expect((await responder.post(`/api/persons/${personId}/justice-links`, { investigationId: investigation.id, role: 'witness' })).status).toBe(403);
      expect((await outsideOfficer.post(`/api/persons/${personId}/justice-links`, { investigationId: investigation.id, role: 'witness' })).status).toBe(404);
      expect(await db().selectFrom('justice_links').select('id').where('person_id', '=', personId).execute()).toHaveLength(2);
    });

    it('records whether the person remains reachable, by either party, refusing a stale version', async () => {
      const personId = await newPerson();
      const linked = await link(personId, (await newInvestigation()).id);
      const unreachable = await officer.patch(`/api/justice-links/${linked.id}`, { version: 1, reachable: false });
      expect(unreachable.status, JSON.stringify(unreachable.body)).toBe(200);
      expect(unreachable.body).toMatchObject({ reachable: false, version: 2 });
      const stale = await investigator.patch(`/api/justice-links/${linked.id}`, { version: 1, reachable: true });
      expect(stale.status).toBe(409);
      expect(codeOf(stale)).toBe('stale-version');
      const found = await investigator.patch(`/api/justice-links/${linked.id}`, { version: 2, reachable: true });
      expect(found.body).toMatchObject({ reachable: true, version: 3 });
      expect((await responder.patch(`/api/justice-links/${linked.id}`, { version: 3, reachable: false })).status).toBe(403);
      expect((await otherInvestigator.patch(`/api/justice-links/${linked.id}`, { version: 3, reachable: false })).status).toBe(404);
      const notABoolean = await officer.patch(`/api/justice-links/${linked.id}`, { version: 3, reachable: 'maybe' });
      expect(notABoolean.status).toBe(400);
      expect(fieldsOf(notABoolean)).toEqual(['reachable']);
    });

    it('shows an agency reading through a link only its own investigations', async () => {
      const personId = await newPerson();
      const ours = await link(personId, (await newInvestigation()).id, 'victim');
      server.clock.advance(60_000);
      const theirs = await link(personId, (await newInvestigation(otherInvestigator)).id, 'witness');
      const police = await investigator.get(`/api/persons/${personId}/justice`);
      expect(police.body.links.map((l: { id: string }) => l.id)).toEqual([ours.id]);
      const coast = await otherInvestigator.get(`/api/persons/${personId}/justice`);
      expect(coast.body.links.map((l: { id: string }) => l.id)).toEqual([theirs.id]);
      const caseAgency = await officer.get(`/api/persons/${personId}/justice`);
      expect(caseAgency.body.links.map((l: { id: string }) => l.id)).toEqual([ours.id, theirs.id]);
    });
  });

  describe('protection measures', () => {
    it('are requested by the case’s officer, decided once by the investigating agency, with notes encrypted', async () => {
      const personId = await newPerson();
      const linked = await link(personId, (await newInvestigation()).id);
      const requested = await officer.post(`/api/justice-links/${linked.id}/measures`, { type: 'safe_shelter', notes: 'Threatened by the network in the camp' });
      expect(requested.status, JSON.stringify(requested.body)).toBe(201);
      expect(requested.body).toMatchObject({ justiceLinkId: linked.id, type: 'safe_shelter', status: 'requested', notes: 'Threatened by the network in the camp', decidedAt: null, version: 1 });
      const stored = await db().selectFrom('protection_measures').selectAll().where('id', '=', requested.body.id).executeTakeFirstOrThrow();
      expect(stored.notes_enc).toMatch(/^hv1\./);
      expect(stored.notes_enc).not.toContain('Threatened');

      // The case's agency asks; it does not decide. Another police force does not see the measure.
      expect((await officer.patch(`/api/protection-measures/${requested.body.id}`, { version: 1, status: 'granted' })).status).toBe(403);
      expect((await otherInvestigator.patch(`/api/protection-measures/${requested.body.id}`, { version: 1, status: 'granted' })).status).toBe(404);
      const undecidable = await investigator.patch(`/api/protection-measures/${requested.body.id}`, { version: 1, status: 'requested' });
      expect(undecidable.status).toBe(400);
      expect(fieldsOf(undecidable)).toEqual(['status']);

      const granted = await investigator.patch(`/api/protection-measures/${requested.body.id}`, { version: 1, status: 'granted', notes: 'Shelter B from tonight' });
      expect(granted.status, JSON.stringify(granted.body)).toBe(200);
      expect(granted.body).toMatchObject({ status: 'granted', version: 2, decidedAt: server.clock.now().toISOString() });
      expect(granted.body.notes).toContain('Threatened by the network in the camp');
      expect(granted.body.notes).toContain('Shelter B from tonight');

      const stale = await investigator.patch(`/api/protection-measures/${requested.body.id}`, { version: 1, status: 'refused' });
      expect(stale.status).toBe(409);
      expect(codeOf(stale)).toBe('stale-version');
      const again = await investigator.patch(`/api/protection-measures/${requested.body.id}`, { version: 2, status: 'refused' });
      expect(again.status).toBe(409);
      expect(codeOf(again)).toBe('transition-not-allowed');

      // The investigator may ask too; both show on the person's justice fields, oldest first.
      server.clock.advance(60_000);
      const anonymised = await investigator.post(`/api/justice-links/${linked.id}/measures`, { type: 'anonymised_testimony' });
      expect(anonymised.status).toBe(201);
      const justice = await officer.get(`/api/persons/${personId}/justice`);
      expect(justice.body.links[0].measures.map((m: { type: string; status: string }) => `${m.type}:${m.status}`)).toEqual(['safe_shelter:granted', 'anonymised_testimony:requested']);
    });

    it('refuses an unknown measure type, naming the field, and callers who are not a party', async () => {
      const personId = await newPerson();
      const linked = await link(personId, (await newInvestigation()).id);
      const unknown = await officer.post(`/api/justice-links/${linked.id}/measures`, { type: 'new_identity' });
      expect(unknown.status).toBe(400);
      expect(fieldsOf(unknown)).toEqual(['type']);
      expect((await responder.post(`/api/justice-links/${linked.id}/measures`, { type: 'relocation' })).status).toBe(403);
      expect((await outsideOfficer.post(`/api/justice-links/${linked.id}/measures`, { type: 'relocation' })).status).toBe(404);
      expect((await otherInvestigator.post(`/api/justice-links/${linked.id}/measures`, { type: 'relocation' })).status).toBe(404);
      expect((await officer.post(`/api/justice-links/${NO_SUCH_ID}/measures`, { type: 'relocation' })).status).toBe(404);
    });
  });

  describe('justice fields and incidents', () => {
    it('refuses the justice fields to callers without the justice group', async () => {
      const personId = await newPerson();
      const refused = await responder.get(`/api/persons/${personId}/justice`);
      expect(refused.status).toBe(403);
      expect(codeOf(refused)).toBe('forbidden');
      expect((await outsideOfficer.get(`/api/persons/${personId}/justice`)).status).toBe(404);
    });

    it('records crimes against a person, with the description encrypted, and follows their investigation status', async () => {
      const personId = await newPerson();
      const death = await responder.post(`/api/persons/${personId}/incidents`, {
        kind: 'death',
        occurredAt: '2026-02-27T22:00:00Z',
        place: 'Central Mediterranean',
        description: 'His brother drowned when the smugglers forced them overboard',
      });
      expect(death.status, JSON.stringify(death.body)).toBe(201);
      expect(death.body).toMatchObject({ kind: 'death', personId, investigationId: null, status: 'reported', place: 'Central Mediterranean', version: 1 });
      const stored = await db().selectFrom('incidents').selectAll().where('id', '=', death.body.id).executeTakeFirstOrThrow();
      expect(stored).toMatchObject({ kind: 'death', person_id: personId });
      expect(stored.description_enc).toMatch(/^hv1\./);
      expect(stored.description_enc).not.toContain('drowned');

      const investigating = await officer.patch(`/api/incidents/${death.body.id}`, { version: 1, status: 'under_investigation' });
      expect(investigating.body).toMatchObject({ status: 'under_investigation', version: 2 });
      const stale = await officer.patch(`/api/incidents/${death.body.id}`, { version: 1, status: 'closed' });
      expect(stale.status).toBe(409);
      expect(codeOf(stale)).toBe('stale-version');
      const backwards = await officer.patch(`/api/incidents/${death.body.id}`, { version: 2, status: 'reported' });
      expect(backwards.status).toBe(409);
      expect(codeOf(backwards)).toBe('transition-not-allowed');
      expect((await officer.patch(`/api/incidents/${death.body.id}`, { version: 2, status: 'closed' })).body).toMatchObject({ status: 'closed', version: 3 });
      expect((await outsideOfficer.patch(`/api/incidents/${death.body.id}`, { version: 3, place: 'Elsewhere' })).status).toBe(404);

      const justice = await officer.get(`/api/persons/${personId}/justice`);
      expect(justice.body.incidents).toMatchObject([{ id: death.body.id, description: 'His brother drowned when the smugglers forced them overboard', status: 'closed' }]);
    });

    it('takes aggravating circumstances as incident kinds and files incidents under an investigation', async () => {
      const personId = await newPerson();
      const investigation = await newInvestigation();
      await link(personId, investigation.id, 'victim');
      // The investigator sees the person through the link and records what was done to them.
      const treatment = await investigator.post(`/api/persons/${personId}/incidents`, { kind: 'inhuman_or_degrading_treatment', investigationId: investigation.id, description: 'Held in a sealed container for two days' });
      expect(treatment.status, JSON.stringify(treatment.body)).toBe(201);
      const extortion = await officer.post(`/api/persons/${personId}/incidents`, { kind: 'extortion' });
      const filed = await investigator.patch(`/api/incidents/${extortion.body.id}`, { version: 1, investigationId: investigation.id });
      // Not the investigator's incident until it is filed under their investigation; the case's agency files it.
      expect(filed.status).toBe(403);
      expect((await officer.patch(`/api/incidents/${extortion.body.id}`, { version: 1, investigationId: investigation.id })).status).toBe(200);
      expect((await investigator.patch(`/api/incidents/${extortion.body.id}`, { version: 2, status: 'under_investigation' })).status).toBe(200);

      const detail = await investigator.get(`/api/investigations/${investigation.id}`);
      expect(detail.body.incidents.map((i: { kind: string }) => i.kind).sort()).toEqual(['extortion', 'inhuman_or_degrading_treatment']);
      expect(detail.body.incidents.find((i: { kind: string }) => i.kind === 'inhuman_or_degrading_treatment').description).toBe('Held in a sealed container for two days');
    });

    it('refuses an unknown kind, a missing investigation and a future time, naming the field', async () => {
      const personId = await newPerson();
      const unknown = await officer.post(`/api/persons/${personId}/incidents`, { kind: 'shoplifting' });
      expect(unknown.status).toBe(400);
      expect(fieldsOf(unknown)).toEqual(['kind']);
      const missing = await officer.post(`/api/persons/${personId}/incidents`, { kind: 'robbery', investigationId: NO_SUCH_ID });
      expect(missing.status).toBe(422);
      expect(fieldsOf(missing)).toEqual(['investigationId']);
      const future = await officer.post(`/api/persons/${personId}/incidents`, { kind: 'robbery', occurredAt: '2026-03-02T06:00:00Z' });
      expect(future.status).toBe(422);
      expect(fieldsOf(future)).toEqual(['occurredAt']);
      const incident = await officer.post(`/api/persons/${personId}/incidents`, { kind: 'robbery' });
      const relink = await officer.patch(`/api/incidents/${incident.body.id}`, { version: 1, investigationId: NO_SUCH_ID });
      expect(relink.status).toBe(422);
      expect(fieldsOf(relink)).toEqual(['investigationId']);
      const badStatus = await officer.patch(`/api/incidents/${incident.body.id}`, { version: 1, status: 'solved' });
      expect(badStatus.status).toBe(400);
      expect(fieldsOf(badStatus)).toEqual(['status']);
      expect((await outsideOfficer.post(`/api/persons/${personId}/incidents`, { kind: 'robbery' })).status).toBe(404);
      expect(await db().selectFrom('incidents').select('id').where('person_id', '=', personId).execute()).toHaveLength(1);
    });
  });

  describe('from the investigation page (issue 18, point 4)', () => {
    it('links a person the investigating agency sees, and refuses one it does not see as not found', async () => {
      const seen = await newPerson();
      const unseen = await newPerson();
      const first = await newInvestigation();
      await link(seen, first.id, 'witness');
      const second = await newInvestigation();
      expect(fieldsOf(await investigator.post(`/api/investigations/${second.id}/links`, { personId: unseen, role: 'victim' }))).toEqual(['personId']);
      const linked = await investigator.post(`/api/investigations/${second.id}/links`, { personId: seen, role: 'victim' });
      expect(linked.status, JSON.stringify(linked.body)).toBe(201);
      expect(linked.body).toMatchObject({ personId: seen, investigationId: second.id, role: 'victim', reachable: true, reachHow: null, reachConfirmedAt: null });
      expect(codeOf(await investigator.post(`/api/investigations/${second.id}/links`, { personId: seen, role: 'victim' }))).toBe('already-linked');
      // Another agency's investigation is not found.
      expect((await otherInvestigator.post(`/api/investigations/${second.id}/links`, { personId: seen, role: 'witness' })).status).toBe(404);
    });

    it('records an incident with its victims and witnesses in one transaction: one incident per victim, each person linked in their role', async () => {
      const victim = await newPerson();
      const witness = await newPerson();
      const unseen = await newPerson();
      const setup = await newInvestigation();
      await link(victim, setup.id, 'witness');
      await link(witness, setup.id, 'witness');
      const investigation = await newInvestigation();
      const body = { kind: 'assault', occurredAt: '2026-03-01T05:45:00Z', place: 'Landing beach', victims: [victim], witnesses: [witness] };
      // A person the agency does not see: nothing is saved.
      const refused = await investigator.post(`/api/investigations/${investigation.id}/incidents`, { ...body, witnesses: [unseen] });
      expect(fieldsOf(refused)).toEqual(['witnesses']);
      expect((await investigator.get(`/api/investigations/${investigation.id}`)).body).toMatchObject({ links: [], incidents: [] });
      expect(fieldsOf(await investigator.post(`/api/investigations/${investigation.id}/incidents`, { ...body, witnesses: [victim] }))).toEqual(['witnesses']);
      expect(fieldsOf(await investigator.post(`/api/investigations/${investigation.id}/incidents`, { ...body, victims: [] }))).toEqual(['victims']);

      const recorded = await investigator.post(`/api/investigations/${investigation.id}/incidents`, body);
      expect(recorded.status, JSON.stringify(recorded.body)).toBe(201);
      expect(recorded.body.incidents).toEqual([expect.objectContaining({ kind: 'assault', personId: victim, investigationId: investigation.id, place: 'Landing beach', status: 'reported' })]);
      expect(recorded.body.links.map((l: { personId: string; role: string }) => [l.personId, l.role])).toEqual([
        [victim, 'victim'],
        [witness, 'witness'],
      ]);
      // A second incident reuses the links.
      const again = await investigator.post(`/api/investigations/${investigation.id}/incidents`, { ...body, kind: 'extortion' });
      expect(again.body.links.map((l: { id: string }) => l.id)).toEqual(recorded.body.links.map((l: { id: string }) => l.id));
      const detail = await investigator.get(`/api/investigations/${investigation.id}`);
      expect(detail.body.links).toHaveLength(2);
      expect(detail.body.incidents.map((i: { kind: string }) => i.kind).sort()).toEqual(['assault', 'extortion']);
      // The witness is owed witness support.
      const obligations = await db().selectFrom('obligations').select('code').where('person_id', '=', witness).execute();
      expect(obligations.map((o) => o.code)).toContain('justice.witness_support');
    });

    it('keeps how to reach a witness, encrypted, and when it was last confirmed, with the version check', async () => {
      const personId = await newPerson();
      const investigation = await newInvestigation();
      const linked = await link(personId, investigation.id, 'witness');
      const changed = await investigator.patch(`/api/justice-links/${linked.id}`, { version: linked.version, reachHow: 'Through her sister, +000 555 0199', confirmed: true });
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      expect(changed.body).toMatchObject({ reachable: true, reachHow: 'Through her sister, +000 555 0199', reachConfirmedAt: server.clock.now().toISOString(), version: linked.version + 1 });
      const stored = await db().selectFrom('justice_links').select('reach_how_enc').where('id', '=', linked.id).executeTakeFirstOrThrow();
      expect(stored.reach_how_enc).not.toContain('sister');
      expect((await investigator.patch(`/api/justice-links/${linked.id}`, { version: linked.version, reachable: false })).status).toBe(409);
      const seenByOfficer = await officer.get(`/api/persons/${personId}/justice`);
      expect(seenByOfficer.body.links[0]).toMatchObject({ reachHow: 'Through her sister, +000 555 0199' });
    });

    it('sets a protection measure’s review date at the request and later, with the version check', async () => {
      const personId = await newPerson();
      const investigation = await newInvestigation();
      const linked = await link(personId, investigation.id, 'witness');
      const requested = await investigator.post(`/api/justice-links/${linked.id}/measures`, { type: 'safe_shelter', reviewOn: '2026-04-01' });
      expect(requested.status, JSON.stringify(requested.body)).toBe(201);
      expect(requested.body).toMatchObject({ status: 'requested', reviewOn: '2026-04-01' });
      expect(fieldsOf(await investigator.patch(`/api/protection-measures/${requested.body.id}`, { version: 1, reviewOn: '1 April' }))).toEqual(['reviewOn']);
      expect(fieldsOf(await investigator.patch(`/api/protection-measures/${requested.body.id}`, { version: 1 }))).toEqual(['status']);
      const granted = await investigator.patch(`/api/protection-measures/${requested.body.id}`, { version: 1, status: 'granted' });
      expect(granted.body).toMatchObject({ status: 'granted', reviewOn: '2026-04-01', version: 2 });
      const moved = await investigator.patch(`/api/protection-measures/${requested.body.id}`, { version: 2, reviewOn: '2026-06-01' });
      expect(moved.body).toMatchObject({ status: 'granted', reviewOn: '2026-06-01', version: 3 });
      expect((await investigator.patch(`/api/protection-measures/${requested.body.id}`, { version: 2, reviewOn: '2026-07-01' })).status).toBe(409);
    });

    it('lists the investigations of every agency that are not closed to a case manager, by reference and agency name', async () => {
      const open = await newInvestigation(otherInvestigator);
      const closed = await newInvestigation();
      expect((await investigator.patch(`/api/investigations/${closed.id}`, { version: closed.version, status: 'closed' })).status).toBe(200);
      const listed = await officer.get('/api/linkable-investigations');
      expect(listed.status).toBe(200);
      expect(listed.body.items).toContainEqual(expect.objectContaining({ id: open.id, reference: open.reference, agencyName: 'Coastal Police', status: 'open' }));
      expect(listed.body.items.map((i: { id: string }) => i.id)).not.toContain(closed.id);
      expect((await investigator.get('/api/linkable-investigations')).status).toBe(403);
      expect((await responder.get('/api/linkable-investigations')).status).toBe(403);
    });
  });

  it('audits every read and write by field name, never by value', async () => {
    const personId = await newPerson();
    const investigation = await newInvestigation();
    const linked = await link(personId, investigation.id);
    const measure = await officer.post(`/api/justice-links/${linked.id}/measures`, { type: 'relocation', notes: 'Secret-shelter-address-17' });
    await investigator.patch(`/api/protection-measures/${measure.body.id}`, { version: 1, status: 'refused', notes: 'No-place-available-here' });
    const incident = await officer.post(`/api/persons/${personId}/incidents`, { kind: 'kidnapping', description: 'Ransom-demanded-by-Abu-X' });
    await investigator.get(`/api/persons/${personId}/justice`);
    await investigator.get(`/api/investigations/${investigation.id}`);

    const events = await db().selectFrom('audit_events').selectAll().execute();
    const actions = (recordId: string) => events.filter((e) => e.record_id === recordId).map((e) => e.action);
    expect(actions(investigation.id)).toEqual(['investigation.create', 'investigation.read']);
    expect(actions(linked.id)).toEqual(['justice_link.create']);
    expect(actions(measure.body.id)).toEqual(['protection_measure.requested', 'protection_measure.decided']);
    expect(actions(incident.body.id)).toEqual(['incident.create']);
    expect(actions(personId)).toContain('justice.read');
    const grant = events.find((e) => e.action === 'access_grant.create' && JSON.parse(e.fields).includes('fieldGroups'));
    expect(grant).toBeDefined();
    const trail = JSON.stringify(events);
    for (const secret of ['Secret-shelter-address-17', 'No-place-available-here', 'Ransom-demanded-by-Abu-X']) expect(trail).not.toContain(secret);
  });
});
