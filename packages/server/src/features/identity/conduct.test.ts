import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAudit } from '../../platform/audit/recorder.js';
import { createSession } from '../../platform/auth/sessions.js';
import { databaseKinds } from '../../test-support/databases.js';
import { bearer, makeAgency, makeUser, sessionCaller, sessionFor, startTestServer, type Caller, type HttpAnswer, type TestServer } from '../../test-support/server.js';
import { publishConduct } from './conduct.js';

const PERSON = { givenName: 'Hawa', sex: 'female' };
const problemCode = (answer: HttpAnswer): string => String(answer.body?.type ?? '').split('/').pop() ?? '';

describe.each(await databaseKinds())('code of conduct on %s', (kind) => {
  let server: TestServer;
  let agency: string;
  let adminId: string;
  let edition = 0;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    agency = await makeAgency(server.platform, 'Child Protection Unit');
    adminId = await makeUser(server.platform, agency, 'admin', 'admin.conduct');
  });
  afterAll(() => server.close());

  /** A signed-in officer who has accepted nothing (sessionFor would accept the code in force). */
  async function newOfficer(username: string): Promise<{ userId: string; caller: Caller }> {
    const userId = await makeUser(server.platform, agency, 'protection_officer', username);
    const session = await createSession(server.platform.database.db, userId, 'full', server.clock.now());
    return { userId, caller: sessionCaller(server, `haven_session=${session.token}`, session.csrfToken) };
  }

  /** Publishes a new edition through the admin API and returns its version. */
  async function publish(): Promise<number> {
    edition += 1;
    const admin = await sessionFor(server, adminId);
    const published = await admin.post('/api/admin/conduct', { text: `Standards of conduct for officials, edition ${edition}: do no harm.` });
    expect(published.status).toBe(201);
    return published.body.version;
  }

  async function expectLocked(caller: Caller): Promise<void> {
    for (const answer of [await caller.get('/api/persons'), await caller.post('/api/persons', PERSON)]) {
      expect(answer.status).toBe(403);
      expect(problemCode(answer)).toBe('conduct-not-accepted');
    }
  }

  it('locks personal data for a user who has not accepted the code in force, until they accept it', async () => {
    const { caller } = await newOfficer('officer.first');
    const version = await publish();
    await expectLocked(caller);

    // What is needed to accept stays reachable.
    const me = await caller.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.conduct).toMatchObject({ version, acceptedAt: null });
    const current = await caller.get('/api/conduct');
    expect(current.body).toMatchObject({ version, acceptedAt: null });
    expect(current.body.text).toContain('Standards of conduct');

    const accepted = await caller.post('/api/conduct/accept', { version });
    expect(accepted.status).toBe(200);
    expect(accepted.body.acceptedAt).toBe(server.clock.now().toISOString());
    expect((await caller.get('/api/persons')).status).toBe(200);
    expect((await caller.post('/api/persons', PERSON)).status).toBe(201);
  });

  it('locks again when a new version is published, until that version is accepted', async () => {
    const { caller } = await newOfficer('officer.again');
    const first = await publish();
    expect((await caller.post('/api/conduct/accept', { version: first })).status).toBe(200);
    expect((await caller.get('/api/persons')).status).toBe(200);

    const second = await publish();
    expect(second).toBe(first + 1);
    await expectLocked(caller);
    expect((await caller.post('/api/conduct/accept', { version: second })).status).toBe(200);
    expect((await caller.get('/api/persons')).status).toBe(200);
  });

  it('locks a new version published by the service as well as through the API', async () => {
    const { caller } = await newOfficer('officer.service');
    const current = await publish();
    expect((await caller.post('/api/conduct/accept', { version: current })).status).toBe(200);
    const next = await withAudit(server.platform, { actorUserId: null, actorAgencyId: null, requestId: 'test', clientAddress: null }, (trx, record) =>
      publishConduct(trx, record, 'Standards of conduct for officials, published by the seed.', null, server.clock.now()),
    );
    edition += 1;
    expect(next).toBe(current + 1);
    await expectLocked(caller);
  });

  it('refuses to accept a version that is not the one in force, with 409', async () => {
    const { caller } = await newOfficer('officer.stale');
    const old = await publish();
    const current = await publish();
    for (const version of [old, current + 1]) {
      const refused = await caller.post('/api/conduct/accept', { version });
      expect(refused.status, `version ${version}`).toBe(409);
      expect(refused.body.currentVersion).toBe(current);
    }
    await expectLocked(caller);
  });

  it('records each acceptance in the audit trail as conduct.accepted, once', async () => {
    const { userId, caller } = await newOfficer('officer.audited');
    const version = await publish();
    expect((await caller.post('/api/conduct/accept', { version })).status).toBe(200);
    expect((await caller.post('/api/conduct/accept', { version })).status).toBe(200);
    const events = await server.platform.database.db
      .selectFrom('audit_events')
      .select(['action', 'record_type', 'record_id', 'actor_user_id', 'actor_agency_id'])
      .where('action', '=', 'conduct.accepted')
      .where('actor_user_id', '=', userId)
      .execute();
    expect(events).toEqual([{ action: 'conduct.accepted', record_type: 'conduct', record_id: String(version), actor_user_id: userId, actor_agency_id: agency }]);
  });

  it('holds API tokens to the code their user accepted', async () => {
    const { caller } = await newOfficer('officer.token');
    const version = await publish();
    expect((await caller.post('/api/conduct/accept', { version })).status).toBe(200);
    const { token } = (await caller.post('/api/auth/tokens', { name: 'sync', scopes: ['person:read', 'person:write'], expiresInDays: 7 })).body;
    expect((await bearer(server, token).get('/api/persons')).status).toBe(200);
    await publish();
    await expectLocked(bearer(server, token));
  });

  it('lets only an administrator publish the code', async () => {
    const { caller } = await newOfficer('officer.publisher');
    const inForce = async () => (await caller.get('/api/conduct')).body?.version ?? null;
    const before = await inForce();
    const refused = await caller.post('/api/admin/conduct', { text: 'Standards of conduct written by the wrong person.' });
    expect(refused.status).toBe(403);
    expect(await inForce()).toBe(before);
  });
});
