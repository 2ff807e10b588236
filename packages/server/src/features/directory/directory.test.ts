import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type HttpAnswer, type TestServer } from '../../test-support/server.js';

// The service directory (kept by administrators, read by those who refer, free
// places kept by the provider's own staff) and the referral pathways.

const fields = (answer: HttpAnswer): string[] => ((answer.body?.errors ?? []) as { field: string }[]).map((e) => e.field);

describe.each(await databaseKinds())('the service directory on %s', (kind) => {
  let server: TestServer;
  let admin: Caller;
  let officer: Caller;
  let clinicStaff: Caller;
  let otherStaff: Caller;
  const agencies = { clinic: '', police: '', other: '' };

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const { platform } = server;
    agencies.clinic = await makeAgency(platform, 'Island Clinic', 'service_provider');
    agencies.police = await makeAgency(platform, 'Border Police');
    agencies.other = await makeAgency(platform, 'Other NGO', 'ngo');
    admin = await sessionFor(server, await makeUser(platform, agencies.police, 'admin', 'admin'));
    officer = await sessionFor(server, await makeUser(platform, agencies.police, 'protection_officer', 'officer'));
    clinicStaff = await sessionFor(server, await makeUser(platform, agencies.clinic, 'service_provider', 'nurse'));
    otherStaff = await sessionFor(server, await makeUser(platform, agencies.other, 'service_provider', 'other.staff'));
  });
  afterAll(() => server.close());

  const db = () => server.platform.database.db;
  const clinic = () => ({
    agencyId: agencies.clinic,
    name: 'Island Clinic',
    serviceTypes: ['emergency_medical', 'health', 'maternal_health'],
    area: 'Lampedusa',
    languages: ['it', 'en', 'ar'],
    capacity: 12,
    available: 3,
    hours: 'Open day and night',
    contact: 'Triage desk, +39 0922 000 000',
    acceptsFrom: [agencies.police],
  });

  it('lets an administrator add a provider, and those who refer find it by service and area', async () => {
    const created = await admin.post('/api/directory/providers', clinic());
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ ...clinic(), version: 1 });
    const byService = await officer.get('/api/directory/providers?service=maternal_health&area=Lampedusa');
    expect(byService.status).toBe(200);
    expect(byService.body.map((p: { id: string }) => p.id)).toContain(created.body.id);
    expect((await officer.get('/api/directory/providers?service=asylum')).body.map((p: { id: string }) => p.id)).not.toContain(created.body.id);
    expect((await officer.get('/api/directory/providers?area=Elsewhere')).body).toEqual([]);
    expect((await officer.get(`/api/directory/providers/${created.body.id}`)).body).toMatchObject({ name: 'Island Clinic', available: 3 });
    const audit = await db().selectFrom('audit_events').select('action').where('record_id', '=', created.body.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['provider.create']);
  });

  it('is kept by administrators only', async () => {
    expect((await officer.post('/api/directory/providers', clinic())).status).toBe(403);
    expect((await clinicStaff.get('/api/directory/providers')).status).toBe(403);
  });

  it('refuses an unknown agency, more free places than capacity, and an unknown referring agency, naming the field', async () => {
    const before = (await db().selectFrom('service_providers').select('id').execute()).length;
    expect(fields(await admin.post('/api/directory/providers', { ...clinic(), agencyId: '00000000-0000-4000-8000-000000000000' }))).toEqual(['agencyId']);
    expect(fields(await admin.post('/api/directory/providers', { ...clinic(), available: 13 }))).toEqual(['available']);
    expect(fields(await admin.post('/api/directory/providers', { ...clinic(), acceptsFrom: ['00000000-0000-4000-8000-000000000000'] }))).toEqual(['acceptsFrom']);
    const unknownService = await admin.post('/api/directory/providers', { ...clinic(), serviceTypes: ['dentistry'] });
    expect(unknownService.status).toBe(400);
    expect(fields(unknownService)).toEqual(['serviceTypes.0']);
    expect((await db().selectFrom('service_providers').select('id').execute()).length).toBe(before);
  });

  it('changes a provider on its current version only', async () => {
    const created = (await admin.post('/api/directory/providers', { ...clinic(), name: 'Mobile clinic' })).body;
    const changed = await admin.patch(`/api/directory/providers/${created.id}`, { version: 1, languages: ['it', 'ti'], acceptsFrom: null });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ languages: ['it', 'ti'], acceptsFrom: null, version: 2 });
    const stale = await admin.patch(`/api/directory/providers/${created.id}`, { version: 1, name: 'Late edit' });
    expect(stale.status).toBe(409);
    expect(stale.body.currentVersion).toBe(2);
    // The agency is fixed: its referrals and access grants name it.
    expect(fields(await admin.patch(`/api/directory/providers/${created.id}`, { version: 2, agencyId: agencies.other }))).toEqual(['agencyId']);
  });

  it("lets a provider's own staff report free places, not another agency's", async () => {
    const created = (await admin.post('/api/directory/providers', { ...clinic(), name: 'Day clinic' })).body;
    const updated = await clinicStaff.patch(`/api/directory/providers/${created.id}/availability`, { version: 1, available: 0 });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body).toMatchObject({ available: 0, version: 2 });
    expect((await otherStaff.patch(`/api/directory/providers/${created.id}/availability`, { version: 2, available: 5 })).status).toBe(404);
    expect(fields(await clinicStaff.patch(`/api/directory/providers/${created.id}/availability`, { version: 2, available: 99 }))).toEqual(['available']);
  });

  describe('referral pathways', () => {
    it('sets one default provider per service and area, which must offer the service', async () => {
      const provider = (await admin.post('/api/directory/providers', { ...clinic(), name: 'Pathway clinic', area: 'Pozzallo' })).body;
      const notOffered = await admin.post('/api/directory/pathways', { serviceType: 'asylum', area: 'Pozzallo', providerId: provider.id });
      expect(notOffered.status).toBe(422);
      expect(fields(notOffered)).toEqual(['providerId']);
      const created = await admin.post('/api/directory/pathways', { serviceType: 'health', area: 'Pozzallo', providerId: provider.id });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({ serviceType: 'health', area: 'Pozzallo', providerId: provider.id, version: 1 });
      const twice = await admin.post('/api/directory/pathways', { serviceType: 'health', area: 'Pozzallo', providerId: provider.id });
      expect(twice.status).toBe(409);
      expect(twice.body.pathwayId).toBe(created.body.id);
      expect((await officer.get('/api/directory/pathways?area=Pozzallo')).body.map((p: { id: string }) => p.id)).toEqual([created.body.id]);
      expect((await officer.post('/api/directory/pathways', { serviceType: 'mhpss', area: 'Pozzallo', providerId: provider.id })).status).toBe(403);

      // A provider cannot drop a service its pathway still needs.
      const dropped = await admin.patch(`/api/directory/providers/${provider.id}`, { version: provider.version, serviceTypes: ['emergency_medical'] });
      expect(dropped.status).toBe(422);
      expect(fields(dropped)).toEqual(['serviceTypes']);

      const other = (await admin.post('/api/directory/providers', { ...clinic(), name: 'Second clinic', area: 'Pozzallo' })).body;
      const moved = await admin.patch(`/api/directory/pathways/${created.body.id}`, { version: 1, providerId: other.id });
      expect(moved.body).toMatchObject({ providerId: other.id, version: 2 });
      const staleDelete = await admin.request('DELETE', `/api/directory/pathways/${created.body.id}?version=1`);
      expect(staleDelete.status).toBe(409);
      const removed = await admin.request('DELETE', `/api/directory/pathways/${created.body.id}?version=2`);
      expect(removed.status, JSON.stringify(removed.body)).toBe(200);
      expect((await officer.get('/api/directory/pathways?area=Pozzallo')).body).toEqual([]);
      const audit = await db().selectFrom('audit_events').select('action').where('record_id', '=', created.body.id).orderBy('seq').execute();
      expect(audit.map((a) => a.action)).toEqual(['pathway.create', 'pathway.update', 'pathway.delete']);
    });
  });
});
