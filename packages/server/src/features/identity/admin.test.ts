import { ROLES } from '@haven/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { anonymous, makeAgency, makeUser, sessionFor, startTestServer, TEST_PASSWORD, type Caller, type HttpAnswer, type TestServer } from '../../test-support/server.js';

const WRONG = 'not-the-right-password-1';
const problemCode = (answer: HttpAnswer): string => String(answer.body?.type ?? '').split('/').pop() ?? '';
const fields = (answer: HttpAnswer): string[] => (answer.body?.errors ?? []).map((e: { field: string }) => e.field);

describe.each(await databaseKinds())('administration on %s', (kind) => {
  // About ten sign-ins through the API per server, below the 30 a minute the login route allows.
  let server: TestServer;
  let agency: string;
  let adminId: string;
  let admin: Caller;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    agency = await makeAgency(server.platform, 'Ministry of Interior');
    adminId = await makeUser(server.platform, agency, 'admin', 'admin.main');
  });
  afterAll(() => server.close());

  beforeEach(async () => {
    // A fresh session per test: no test depends on what the clock did in another.
    admin = await sessionFor(server, adminId);
  });

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

  it('creates a user who must change the temporary password and enrol a second factor', async () => {
    const created = await newUser('officer.new');
    expect(created.body).toMatchObject({ username: 'officer.new', role: 'protection_officer', agencyId: agency, mustChangePassword: true, totpEnabled: false, disabled: false, version: 1 });
    expect(created.body).not.toHaveProperty('passwordHash');
    expect(JSON.stringify(created.body)).not.toContain('argon2');
    const listed = (await admin.get('/api/admin/users')).body.find((u: { id: string }) => u.id === created.body.id);
    expect(listed).toMatchObject({ username: 'officer.new' });
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

  it('ends the sessions of a user whose role or agency changes', async () => {
    const other = await makeAgency(server.platform, 'Regional Office', 'government');
    const userId = await makeUser(server.platform, agency, 'protection_officer', 'officer.moved');
    const before = await sessionFor(server, userId);
    expect((await admin.patch(`/api/admin/users/${userId}`, { version: 1, role: 'investigator' })).status).toBe(200);
    expect((await before.get('/api/auth/me')).status).toBe(401);
    const after = await sessionFor(server, userId);
    expect((await after.get('/api/auth/me')).body.role).toBe('investigator');
    expect((await admin.patch(`/api/admin/users/${userId}`, { version: 2, agencyId: other })).status).toBe(200);
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
    const { id: userId } = (await newUser('officer.target')).body;
    const routes: [string, string, unknown][] = [
      ['GET', '/api/admin/agencies', undefined],
      ['POST', '/api/admin/agencies', { name: 'Rogue Agency', type: 'ngo' }],
      ['PATCH', `/api/admin/agencies/${agency}`, { version: 1, name: 'Renamed' }],
      ['GET', '/api/admin/users', undefined],
      ['POST', '/api/admin/users', { agencyId: agency, username: 'rogue.user', displayName: 'Rogue', role: 'admin', password: 'a-rogue-passphrase-31' }],
      ['PATCH', `/api/admin/users/${userId}`, { version: 1, role: 'admin' }],
      ['POST', '/api/admin/conduct', { text: 'A code of conduct nobody asked for.' }],
      ['GET', '/api/admin/settings/mfa-roles', undefined],
      ['PUT', '/api/admin/settings/mfa-roles', { roles: [] }],
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
    expect(users.find((u: { id: string }) => u.id === userId)).toMatchObject({ role: 'protection_officer', version: 1 });
    expect(users.map((u: { username: string }) => u.username)).not.toContain('rogue.user');
  });
});
