import { RETENTION_RECORD_TYPES, ROLES } from '@haven/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROLE_POLICIES } from '../../platform/access/roles.js';
import { withAudit } from '../../platform/audit/recorder.js';
import { HttpProblem } from '../../platform/http/problem.js';
import { databaseKinds } from '../../test-support/databases.js';
import { anonymous, makeAgency, makeUser, sessionFor, startTestServer, TEST_PASSWORD, type Caller, type HttpAnswer, type TestServer } from '../../test-support/server.js';
import { createUser, updateUser, USERNAME_PATTERN } from './accounts.js';

const WRONG = 'not-the-right-password-1';
const problemCode = (answer: HttpAnswer): string => String(answer.body?.type ?? '').split('/').pop() ?? '';
const fields = (answer: HttpAnswer): string[] => (answer.body?.errors ?? []).map((e: { field: string }) => e.field);

describe.each(await databaseKinds())('administration on %s', (kind) => {
  // About ten sign-ins through the API per server, below the 30 a minute the login route allows.
  let server: TestServer;
  let agency: string;
  let adminId: string;
  let admin: Caller;
  /** A second administrator, who approves what gives an account access to personal data. */
  let second: Caller;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    agency = await makeAgency(server.platform, 'Ministry of Interior');
    adminId = await makeUser(server.platform, agency, 'admin', 'admin.main');
  });
  afterAll(() => server.close());

  beforeEach(async () => {
    // A fresh session per test: no test depends on what the clock did in another.
    admin = await sessionFor(server, adminId);
    const secondId = (await server.platform.database.db.selectFrom('users').select('id').where('username', '=', 'admin.second').executeTakeFirst())?.id;
    second = await sessionFor(server, secondId ?? (await makeUser(server.platform, agency, 'admin', 'admin.second')));
  });

  const approve = async (answer: HttpAnswer): Promise<void> => {
    expect(answer.body.pendingChange).toMatchObject({ status: 'pending' });
    expect((await second.post(`/api/admin/access-changes/${answer.body.pendingChange.id}/approve`)).status).toBe(200);
  };

  const login = (username: string, password = TEST_PASSWORD) => anonymous(server).post('/api/auth/login', { username, password });

  async function newUser(username: string, role = 'protection_officer'): Promise<HttpAnswer> {
    const created = await admin.post('/api/admin/users', { agencyId: agency, username, displayName: username, role, password: TEST_PASSWORD });
    expect(created.status).toBe(201);
    return created;
  }

  it('creates agencies, refusing a second one of the same name with 409', async () => {
    const created = await admin.post('/api/admin/agencies', { name: 'Red Crescent Branch', type: 'ngo', area: 'Island of Lesvos' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Red Crescent Branch', type: 'ngo', area: 'Island of Lesvos', version: 1 });
    expect((await admin.get('/api/admin/agencies')).body.map((a: { id: string }) => a.id)).toContain(created.body.id);
    const duplicate = await admin.post('/api/admin/agencies', { name: 'Red Crescent Branch', type: 'ngo' });
    expect(duplicate.status).toBe(409);
  });

  it('refuses to rename an agency to the name of another with 409, and leaves it as it was', async () => {
    const other = await admin.post('/api/admin/agencies', { name: 'Harbour Medical Team', type: 'ngo' });
    expect(other.status).toBe(201);
    const renamed = await admin.patch(`/api/admin/agencies/${other.body.id}`, { version: 1, name: 'Red Crescent Branch' });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(409);
    expect(renamed.body.type).toMatch(/agency-exists$/);
    const kept = (await admin.get('/api/admin/agencies')).body.find((a: { id: string }) => a.id === other.body.id);
    expect(kept).toMatchObject({ name: 'Harbour Medical Team', version: 1 });
    // Its own name again is no conflict.
    expect((await admin.patch(`/api/admin/agencies/${other.body.id}`, { version: 1, name: 'Harbour Medical Team' })).status).toBe(200);
  });

  it('creates a user who must change the temporary password and enrol a second factor, once a second administrator approves', async () => {
    const created = await newUser('officer.new');
    expect(created.body).toMatchObject({ username: 'officer.new', role: 'protection_officer', agencyId: agency, mustChangePassword: true, totpEnabled: false, disabled: false, approved: false, version: 1 });
    expect(created.body).not.toHaveProperty('passwordHash');
    expect(JSON.stringify(created.body)).not.toContain('argon2');
    const listed = (await admin.get('/api/admin/users')).body.find((u: { id: string }) => u.id === created.body.id);
    expect(listed).toMatchObject({ username: 'officer.new', approved: false, pendingChange: { id: created.body.pendingChange.id, kind: 'create' } });
    // Until approved, the account signs in no more than one that does not exist.
    const early = await login('officer.new');
    expect(early.status).toBe(401);
    expect(early.body.detail).toBe((await login('nobody.at.all')).body.detail);
    await approve(created);
    const signedIn = await login('officer.new');
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.next).toBe('totp_enrol');
  });

  it('refuses a weak password for a new user with 422 naming password', async () => {
    for (const password of ['short-pw-1', 'password1234', 'Welcome2026!!', 'officer.weak-pass-99', 'aaaaaaaaaaaaaaab']) {
      const refused = await admin.post('/api/admin/users', { agencyId: agency, username: 'officer.weak', displayName: 'Weak', role: 'first_responder', password });
      expect(refused.status, password).toBe(422);
      expect(fields(refused), password).toEqual(['password']);
    }
    expect((await admin.get('/api/admin/users')).body.map((u: { username: string }) => u.username)).not.toContain('officer.weak');
  });

  it('refuses a user name that is already taken with 409', async () => {
    await newUser('officer.twin');
    const duplicate = await admin.post('/api/admin/users', { agencyId: agency, username: 'officer.twin', displayName: 'Twin', role: 'investigator', password: 'another-good-passphrase-7' });
    expect(duplicate.status).toBe(409);
    expect(problemCode(duplicate)).toBe('username-taken');
  });

  it('changes a user only against the current version, answering a stale one with 409 and the current version', async () => {
    const { id } = (await newUser('officer.versioned')).body;
    const first = await admin.patch(`/api/admin/users/${id}`, { version: 1, displayName: 'Officer Versioned' });
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(2);
    const stale = await admin.patch(`/api/admin/users/${id}`, { version: 1, displayName: 'Somebody Else' });
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toContain('application/problem+json');
    expect(stale.body.currentVersion).toBe(2);
    const users = (await admin.get('/api/admin/users')).body;
    expect(users.find((u: { id: string }) => u.id === id)).toMatchObject({ displayName: 'Officer Versioned', version: 2 });
  });

  it('ends every session of a disabled user at once, and refuses their sign-in like a wrong password', async () => {
    const userId = await makeUser(server.platform, agency, 'protection_officer', 'officer.disabled');
    const laptop = await sessionFor(server, userId);
    const phone = await sessionFor(server, userId);
    expect((await laptop.get('/api/persons')).status).toBe(200);

    const disabled = await admin.patch(`/api/admin/users/${userId}`, { version: 1, disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);
    expect((await laptop.get('/api/persons')).status).toBe(401);
    expect((await phone.get('/api/auth/me')).status).toBe(401);

    const refused = await login('officer.disabled');
    const unknown = await login('nobody.at.all');
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toBe(unknown.body.detail);

    // Enabling the account again does not bring the old sessions back.
    expect((await admin.patch(`/api/admin/users/${userId}`, { version: 2, disabled: false })).status).toBe(200);
    expect((await laptop.get('/api/auth/me')).status).toBe(401);
  });

  it('ends the sessions of a user whose role or agency changes, when the change is approved', async () => {
    const other = await makeAgency(server.platform, 'Regional Office', 'government');
    const userId = await makeUser(server.platform, agency, 'protection_officer', 'officer.moved');
    const before = await sessionFor(server, userId);
    const changed = await admin.patch(`/api/admin/users/${userId}`, { version: 1, role: 'investigator' });
    expect(changed.status).toBe(202);
    expect((await before.get('/api/auth/me')).body.role).toBe('protection_officer');
    await approve(changed);
    expect((await before.get('/api/auth/me')).status).toBe(401);
    const after = await sessionFor(server, userId);
    expect((await after.get('/api/auth/me')).body.role).toBe('investigator');
    const moved = await admin.patch(`/api/admin/users/${userId}`, { version: 3, agencyId: other });
    expect(moved.status).toBe(202);
    await approve(moved);
    expect((await after.get('/api/auth/me')).status).toBe(401);
  });

  it('unlocks a locked user', async () => {
    const userId = await makeUser(server.platform, agency, 'first_responder', 'responder.locked');
    for (let i = 0; i < 5; i += 1) await login('responder.locked', WRONG);
    expect((await login('responder.locked')).status).toBe(429);
    const locked = (await admin.get('/api/admin/users')).body.find((u: { id: string }) => u.id === userId);
    expect(locked.lockedUntil).not.toBeNull();

    const unlocked = await admin.patch(`/api/admin/users/${userId}`, { version: locked.version, unlock: true });
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.lockedUntil).toBeNull();
    const signedIn = await login('responder.locked');
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.next).toBe('totp_enrol');
  });

  it('shows what each role may do, as the access policy in force says', async () => {
    const answer = await admin.get('/api/admin/roles');
    expect(answer.status).toBe(200);
    expect(answer.body.map((r: { role: string }) => r.role)).toEqual([...ROLES]);
    const byRole = new Map(answer.body.map((r: { role: string }) => [r.role, r]));
    for (const role of ROLES) {
      expect(byRole.get(role)).toEqual({ role, permissions: [...ROLE_POLICIES[role].permissions], fieldGroups: [...ROLE_POLICIES[role].fieldGroups], mfaRequired: ROLE_POLICIES[role].mfaRequired });
    }
    expect(byRole.get('admin')).toMatchObject({ fieldGroups: [] });
    expect((byRole.get('admin') as { permissions: string[] }).permissions).not.toContain('person:read');
  });

  it('shows the SOP profile in force: obligations with deadline and basis, guards, retention', async () => {
    const answer = await admin.get('/api/admin/sop-profile');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: server.platform.profile.id, name: server.platform.profile.name });
    expect(answer.body.obligations).toHaveLength(server.platform.profile.obligations.length);
    const refoulement = answer.body.obligations.find((o: { code: string }) => o.code === 'protection.non_refoulement');
    expect(refoulement).toMatchObject({ origin: 'baseline', base: expect.any(String) });
    expect(refoulement.basis.length).toBeGreaterThan(0);
    // How long each may stay overdue before the oversight body sees it: a standing one never is.
    expect(refoulement.escalationMs).toBeNull();
    expect(answer.body.obligations.find((o: { code: string }) => o.code === 'life.emergency_care').escalationMs).toBe(3_600_000);
    const returnGuard = answer.body.guards.find((g: { action: string }) => g.action === 'return');
    expect(returnGuard.blockedBy).toContain('protection.non_refoulement');
    expect(answer.body.retention).toEqual(RETENTION_RECORD_TYPES.map((recordType) => ({ recordType, period: server.platform.profile.retention[recordType].iso })));
  });

  it('keeps case data from administrators', async () => {
    const officer = await sessionFor(server, await makeUser(server.platform, agency, 'protection_officer', 'officer.case'));
    const person = await officer.post('/api/persons', { givenName: 'Miriam', sex: 'female' });
    expect(person.status).toBe(201);
    for (const answer of [
      await admin.get('/api/persons'),
      await admin.get(`/api/persons/${person.body.id}`),
      await admin.post('/api/persons', { givenName: 'Admin', sex: 'male' }),
      await admin.patch(`/api/persons/${person.body.id}`, { version: 1, familyName: 'Changed' }),
    ]) {
      expect(answer.status).toBe(403);
      expect(JSON.stringify(answer.body)).not.toContain('Miriam');
    }
  });

  it('refuses every other role on every administration route with 403', async () => {
    const created = await newUser('officer.target');
    const userId: string = created.body.id;
    const routes: [string, string, unknown][] = [
      ['GET', '/api/admin/agencies', undefined],
      ['POST', '/api/admin/agencies', { name: 'Rogue Agency', type: 'ngo' }],
      ['PATCH', `/api/admin/agencies/${agency}`, { version: 1, name: 'Renamed' }],
      ['GET', '/api/admin/users', undefined],
      ['POST', '/api/admin/users', { agencyId: agency, username: 'rogue.user', displayName: 'Rogue', role: 'admin', password: 'a-rogue-passphrase-31' }],
      ['PATCH', `/api/admin/users/${userId}`, { version: 1, role: 'admin' }],
      ['GET', '/api/admin/access-changes', undefined],
      ['POST', `/api/admin/access-changes/${created.body.pendingChange.id}/approve`, {}],
      ['POST', `/api/admin/access-changes/${created.body.pendingChange.id}/refuse`, { reason: 'Refused by someone who may not.' }],
      ['POST', `/api/admin/access-changes/${created.body.pendingChange.id}/withdraw`, {}],
      ['POST', '/api/admin/conduct', { text: 'A code of conduct nobody asked for.' }],
      ['GET', '/api/admin/settings/mfa-roles', undefined],
      ['PUT', '/api/admin/settings/mfa-roles', { roles: [] }],
      ['GET', '/api/admin/roles', undefined],
      ['GET', '/api/admin/sop-profile', undefined],
    ];
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      const caller = await sessionFor(server, await makeUser(server.platform, agency, role, `${role.replace(/_/g, '-')}.probe`));
      for (const [method, path, body] of routes) {
        const answer = await caller.request(method, path, body);
        expect(answer.status, `${role}: ${method} ${path}`).toBe(403);
        expect(problemCode(answer)).toBe('forbidden');
      }
    }
    for (const [method, path, body] of routes) expect((await anonymous(server).request(method, path, body)).status).toBe(401);
    // Nothing was changed by the refused calls.
    const users = (await admin.get('/api/admin/users')).body;
    expect(users.find((u: { id: string }) => u.id === userId)).toMatchObject({ role: 'protection_officer', version: 1, approved: false, pendingChange: { status: 'pending' } });
    expect(users.map((u: { username: string }) => u.username)).not.toContain('rogue.user');
  });
});

describe.each(await databaseKinds())('the last administrator on %s', (kind) => {
  let server: TestServer;
  let agency: string;
  const SYSTEM = { actorUserId: null, actorAgencyId: null, requestId: 'test', clientAddress: null };

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    agency = await makeAgency(server.platform, 'Ministry of Interior');
  });
  afterAll(() => server.close());

  const versionOf = async (userId: string) =>
    (await server.platform.database.db.selectFrom('users').select('version').where('id', '=', userId).executeTakeFirstOrThrow()).version;
  const row = (userId: string) => server.platform.database.db.selectFrom('users').select(['role', 'disabled']).where('id', '=', userId).executeTakeFirstOrThrow();

  it('refuses an administrator disabling their own account with 422 naming disabled, even when others remain', async () => {
    const selfId = await makeUser(server.platform, agency, 'admin', 'admin.self');
    await makeUser(server.platform, agency, 'admin', 'admin.spare');
    const self = await sessionFor(server, selfId);
    const refused = await self.patch(`/api/admin/users/${selfId}`, { version: 1, disabled: true });
    expect(refused.status).toBe(422);
    expect(fields(refused)).toEqual(['disabled']);
    expect(await row(selfId)).toMatchObject({ disabled: 0 });
    expect((await self.get('/api/auth/me')).status).toBe(200);
  });

  it('keeps at least one active administrator: the last cannot be disabled or demoted', async () => {
    // admin.self and admin.spare from above are the two active administrators; one is disabled here.
    const users = await server.platform.database.db.selectFrom('users').select(['id', 'username']).where('role', '=', 'admin').execute();
    const selfId = users.find((u) => u.username === 'admin.self')!.id;
    const spareId = users.find((u) => u.username === 'admin.spare')!.id;
    const self = await sessionFor(server, selfId);
    expect((await self.patch(`/api/admin/users/${spareId}`, { version: 1, disabled: true })).status).toBe(200);

    // admin.self is now the last: neither the system nor anyone else may demote or disable them.
    for (const [changes, field] of [[{ role: 'coordinator' }, 'role'], [{ disabled: true }, 'disabled']] as const) {
      const refused = await withAudit(server.platform, SYSTEM, (trx, record) =>
        updateUser(trx, record, selfId, 1, changes, server.clock.now(), null),
      ).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(HttpProblem);
      expect((refused as HttpProblem).status).toBe(422);
      expect((refused as HttpProblem).errors?.map((e) => e.field)).toEqual([field]);
      expect((refused as HttpProblem).detail).toContain('last active administrator');
    }
    expect(await row(selfId)).toEqual({ role: 'admin', disabled: 0 });

    // Nor may they change their own role or agency, even to what it is already.
    const regional = await makeAgency(server.platform, 'Regional Office');
    for (const [changes, field] of [[{ role: 'supervisor' }, 'role'], [{ role: 'admin', displayName: 'Still Admin' }, 'role'], [{ agencyId: regional }, 'agencyId']] as const) {
      const refused = await self.patch(`/api/admin/users/${selfId}`, { version: await versionOf(selfId), ...changes });
      expect(refused.status).toBe(422);
      expect(fields(refused)).toEqual([field]);
    }
    expect((await self.patch(`/api/admin/users/${selfId}`, { version: 1, displayName: 'Still Admin' })).status).toBe(200);
    expect(await row(selfId)).toEqual({ role: 'admin', disabled: 0 });

    // With a second active administrator again, the first may be stepped down (to a role
    // without personal data: at once).
    const successor = await makeUser(server.platform, agency, 'admin', 'admin.successor');
    const next = await sessionFor(server, successor);
    expect((await next.patch(`/api/admin/users/${selfId}`, { version: 2, role: 'coordinator' })).status).toBe(200);
    expect(await row(selfId)).toEqual({ role: 'coordinator', disabled: 0 });
  });

  it('lets only one of two administrators disabling each other at the same moment succeed', async () => {
    // admin.successor is the one active administrator left from above; two more come, then it goes.
    const a = await makeUser(server.platform, agency, 'admin', 'admin.duel-a');
    const b = await makeUser(server.platform, agency, 'admin', 'admin.duel-b');
    const successor = (await server.platform.database.db.selectFrom('users').select('id').where('username', '=', 'admin.successor').executeTakeFirstOrThrow()).id;
    expect((await (await sessionFor(server, a)).patch(`/api/admin/users/${successor}`, { version: 1, disabled: true })).status).toBe(200);

    const [callerA, callerB] = [await sessionFor(server, a), await sessionFor(server, b)];
    const answers = await Promise.all([callerA.patch(`/api/admin/users/${b}`, { version: 1, disabled: true }), callerB.patch(`/api/admin/users/${a}`, { version: 1, disabled: true })]);
    // The loser is refused as the last administrator (422), or finds its own session ended (401).
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    expect([401, 422]).toContain(answers.find((r) => r.status !== 200)!.status);
    const active = await server.platform.database.db.selectFrom('users').select('id').where('role', '=', 'admin').where('disabled', '=', 0).execute();
    expect(active).toHaveLength(1);
  });
});

describe.each(await databaseKinds())('the user name rule on %s', (kind) => {
  let server: TestServer;
  let agency: string;
  const SYSTEM = { actorUserId: null, actorAgencyId: null, requestId: 'test', clientAddress: null };

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    agency = await makeAgency(server.platform, 'Coast Guard');
  });
  afterAll(() => server.close());

  const create = (username: string) =>
    withAudit(server.platform, SYSTEM, (trx, record) =>
      createUser(trx, record, { agencyId: agency, username, displayName: 'Anyone', role: 'first_responder', password: TEST_PASSWORD, mustChangePassword: true }, server.clock.now()),
    );

  it.each(['Officer.Upper', 'ab', '.leading-dot', '-leading-dash', 'with space', 'émile.accent', 'tab\tname', `x${'y'.repeat(64)}`, 'semi;colon'])(
    'refuses %j in createUser, whichever path calls it, with 422 naming username',
    async (username) => {
      const refused = await create(username).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(HttpProblem);
      expect((refused as HttpProblem).status).toBe(422);
      expect((refused as HttpProblem).errors?.map((e) => e.field)).toEqual(['username']);
      const stored = await server.platform.database.db.selectFrom('users').select('id').where('username', '=', username).execute();
      expect(stored).toHaveLength(0);
    },
  );

  it('accepts the names the rule allows, and the API documents the same rule', async () => {
    for (const username of ['abc', 'officer.7', 'field_team-2', `a${'b'.repeat(63)}`]) expect((await create(username)).username).toBe(username);
    const adminId = await makeUser(server.platform, agency, 'admin', 'admin.names');
    const refused = await (await sessionFor(server, adminId)).post('/api/admin/users', { agencyId: agency, username: 'Mixed.Case', displayName: 'x', role: 'first_responder', password: TEST_PASSWORD });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(fields(refused)).toEqual(['username']);
    const openapi = (await anonymous(server).get('/api/openapi.json')).body;
    expect(JSON.stringify(openapi)).toContain(JSON.stringify(USERNAME_PATTERN.source).slice(1, -1));
  });
});
