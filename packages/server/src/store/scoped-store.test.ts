import { FIELD_GROUPS } from '@haven/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_POLICIES } from '../platform/access/roles.js';
import type { Actor, RequestContext } from '../platform/context.js';
import { databaseKinds } from '../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../test-support/server.js';
import { ScopedStore } from './scoped-store.js';
import { systemStore } from './system-store.js';

function contextOf(userId: string, agencyId: string, requestId: string): RequestContext {
  const policy = ROLE_POLICIES.protection_officer;
  const actor: Actor = {
    userId,
    username: 'store-officer',
    agencyId,
    role: 'protection_officer',
    via: 'session',
    sessionId: undefined,
    permissions: new Set(policy.permissions),
    fieldGroups: new Set(FIELD_GROUPS.filter((g) => policy.fieldGroups.includes(g))),
    pending: 'none',
  };
  return { actor, requestId, clientAddress: '127.0.0.1', audit: { actorUserId: userId, actorAgencyId: agencyId, requestId, clientAddress: '127.0.0.1' } };
}

describe.each(await databaseKinds())('the scoped store on %s', (kind) => {
  let server: TestServer;
  let officer: Caller;
  let agencyId: string;
  let otherAgencyId: string;
  let userId: string;

  beforeAll(async () => {
    server = await startTestServer(kind);
    agencyId = await makeAgency(server.platform, 'Store Unit');
    otherAgencyId = await makeAgency(server.platform, 'Store Other', 'ngo');
    userId = await makeUser(server.platform, agencyId, 'protection_officer', 'store-officer');
    officer = await sessionFor(server, userId);
  });
  afterAll(() => server.close());

  const db = () => server.platform.database.db;
  const eventsOf = (requestId: string) => db().selectFrom('audit_events').select(['action', 'record_id']).where('request_id', '=', requestId).execute();
  const obligationsOf = async (personId: string) =>
    (await db().selectFrom('obligations').select('code').where('person_id', '=', personId).execute()).map((o) => o.code).sort();

  it('refreshes obligations scheduled by a unit before it commits', async () => {
    const person = await officer.post('/api/persons', { givenName: 'Dawit', sex: 'male' });
    const before = await obligationsOf(person.body.id);
    // A child's obligations appear once the age claimed makes the person a minor.
    const store = new ScopedStore(server.platform, contextOf(userId, agencyId, 'store-refresh'));
    await store.unit(async (unit) => {
      await unit.caseGroups(person.body.id);
      await unit.db.updateTable('persons').set({ age_claimed: 12 }).where('id', '=', person.body.id).execute();
      unit.factsChanged([person.body.id]);
      unit.record({ action: 'person.update', recordType: 'person', recordId: person.body.id, fields: ['birthDate'] });
    });
    const after = await obligationsOf(person.body.id);
    expect(after).not.toEqual(before);
    expect(after.some((code) => code.startsWith('children.'))).toBe(true);
    expect(await eventsOf('store-refresh')).toEqual([{ action: 'person.update', record_id: person.body.id }]);
  });

  it('leaves no refresh and no audit event behind when the unit fails after scheduling them', async () => {
    const person = await officer.post('/api/persons', { givenName: 'Selam', sex: 'female' });
    const before = await obligationsOf(person.body.id);
    await db().deleteFrom('obligations').where('person_id', '=', person.body.id).execute();
    const store = new ScopedStore(server.platform, contextOf(userId, agencyId, 'store-fails'));
    await expect(
      store.unit(async (unit) => {
        unit.factsChanged([person.body.id]);
        unit.record({ action: 'person.update', recordType: 'person', recordId: person.body.id, fields: ['sex'] });
        throw new Error('the work failed after scheduling');
      }),
    ).rejects.toThrow('the work failed after scheduling');
    expect(before.length).toBeGreaterThan(0);
    expect(await obligationsOf(person.body.id)).toEqual([]);
    expect(await eventsOf('store-fails')).toEqual([]);
  });

  it("answers another agency's person exactly as a person that does not exist, and audits the read it allows", async () => {
    const person = await officer.post('/api/persons', { givenName: 'Hana', sex: 'female' });
    const outsider = new ScopedStore(server.platform, contextOf(userId, otherAgencyId, 'store-outsider'));
    const read = (id: string) => outsider.unit((unit) => unit.read({ personId: id, recordType: 'person', recordId: id }, async () => ({ id }), () => ['givenName']));
    const hidden = await read(person.body.id).catch((error: unknown) => error);
    const missing = await read('00000000-0000-4000-8000-000000000000').catch((error: unknown) => error);
    expect(hidden).toEqual(missing);
    expect(await eventsOf('store-outsider')).toEqual([]);
    const insider = new ScopedStore(server.platform, contextOf(userId, agencyId, 'store-insider'));
    await insider.unit((unit) => unit.read({ personId: person.body.id, recordType: 'person', recordId: person.body.id }, async () => ({}), () => ['givenName']));
    expect(await eventsOf('store-insider')).toEqual([{ action: 'person.read', record_id: person.body.id }]);
  });

  it('answers a stale version with the current one from the one versioned update', async () => {
    const person = await officer.post('/api/persons', { givenName: 'Abel', sex: 'male' });
    const system = systemStore(server.platform, 'cli');
    const next = await system.unit((unit) => unit.updateVersioned({ table: 'persons', id: person.body.id, version: 1, set: { sex: 'male' }, recordType: 'person', at: server.clock.now().toISOString() }));
    expect(next).toBe(2);
    const stale = await system
      .unit((unit) => unit.updateVersioned({ table: 'persons', id: person.body.id, version: 1, set: { sex: 'female' }, recordType: 'person' }))
      .catch((error: unknown) => error as { status: number; code: string; extra: { currentVersion: number } });
    expect(stale).toMatchObject({ status: 409, code: 'stale-version', extra: { currentVersion: 2 } });
    const row = await db().selectFrom('persons').select(['sex', 'version']).where('id', '=', person.body.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ sex: 'male', version: 2 });
  });

  it('keeps nothing of who asked in an anonymous unit, even from a signed-in request', async () => {
    const store = new ScopedStore(server.platform, contextOf(userId, agencyId, 'store-anonymous'));
    await store.anonymous(async (unit) => {
      unit.record({ action: 'allegation.followed_up', recordType: 'allegation', recordId: 'anonymous-record', fields: ['status'] });
    });
    const events = await db().selectFrom('audit_events').select(['actor_user_id', 'actor_agency_id', 'client_address']).where('request_id', '=', 'store-anonymous').execute();
    expect(events).toEqual([{ actor_user_id: null, actor_agency_id: null, client_address: null }]);
  });

  it('records a refusal apart from the unit that failed and rolled back', async () => {
    const store = new ScopedStore(server.platform, contextOf(userId, agencyId, 'store-apart'));
    await expect(
      store.unit(async (unit) => {
        unit.record({ action: 'legal_hold.released', recordType: 'legal_hold', recordId: 'refused-hold', fields: ['releaseReason'] });
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await store.recordApart({ action: 'legal_hold.release_refused', recordType: 'legal_hold', recordId: 'refused-hold' });
    expect(await eventsOf('store-apart')).toEqual([{ action: 'legal_hold.release_refused', record_id: 'refused-hold' }]);
  });
});
