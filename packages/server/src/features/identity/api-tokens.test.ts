import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../platform/auth/sessions.js';
import { databaseKinds } from '../../test-support/databases.js';
import { anonymous, bearer, makeAgency, makeUser, sessionCaller, sessionFor, startTestServer, TEST_PASSWORD, type Caller, type HttpAnswer, type TestServer } from '../../test-support/server.js';

const DAY = 86_400_000;
const PERSON = { givenName: 'Tesfay', sex: 'male' };

const problemCode = (answer: HttpAnswer): string => String(answer.body?.type ?? '').split('/').pop() ?? '';

describe.each(await databaseKinds())('API tokens on %s', (kind) => {
  let server: TestServer;
  let agency: string;
  let adminId: string;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    agency = await makeAgency(server.platform, 'Asylum Service');
    adminId = await makeUser(server.platform, agency, 'admin', 'admin.tokens');
  });
  afterAll(() => server.close());

  async function officer(username: string): Promise<{ userId: string; session: Caller }> {
    const userId = await makeUser(server.platform, agency, 'protection_officer', username);
    return { userId, session: await sessionFor(server, userId) };
  }

  async function newToken(session: Caller, scopes: string[], expiresInDays = 30): Promise<{ id: string; token: string }> {
    const created = await session.post('/api/auth/tokens', { name: `integration ${scopes.join(' ')}`, scopes, expiresInDays });
    expect(created.status).toBe(201);
    return created.body;
  }

  it('creates a token only for a signed-in browser session, and shows its secret once', async () => {
    const { session } = await officer('officer.create');
    const body = { name: 'case export', scopes: ['person:read'], expiresInDays: 30 };
    expect((await anonymous(server).post('/api/auth/tokens', body)).status).toBe(401);

    const created = await session.post('/api/auth/tokens', body);
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^hvt_[0-9a-f-]{36}\.[A-Za-z0-9_-]{20,}$/);
    expect(created.body).toMatchObject({ name: 'case export', scopes: ['person:read'], revokedAt: null });

    const listed = await session.get('/api/auth/tokens');
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0].id).toBe(created.body.id);
    expect(listed.body[0]).not.toHaveProperty('token');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token.split('.')[1]);

    // Nor can a token mint another token.
    const minted = await bearer(server, created.body.token).post('/api/auth/tokens', body);
    expect(minted.status).toBe(403);
  });

  it('refuses to create a token before the second factor is done', async () => {
    const userId = await makeUser(server.platform, agency, 'protection_officer', 'officer.halfway');
    const half = await createSession(server.platform.database.db, userId, 'password', server.clock.now());
    const caller = sessionCaller(server, `haven_session=${half.token}`, half.csrfToken);
    const refused = await caller.post('/api/auth/tokens', { name: 'too early', scopes: ['person:read'], expiresInDays: 1 });
    expect(refused.status).toBe(403);
    expect(problemCode(refused)).toBe('sign-in-incomplete');
  });

  it('lets a bearer token act for its user, within its scopes only', async () => {
    const { session } = await officer('officer.scopes');
    const readWrite = bearer(server, (await newToken(session, ['person:read', 'person:write'])).token);
    const created = await readWrite.post('/api/persons', PERSON);
    expect(created.status).toBe(201);
    expect((await readWrite.get(`/api/persons/${created.body.id}`)).status).toBe(200);

    const readOnly = bearer(server, (await newToken(session, ['person:read'])).token);
    expect((await readOnly.get(`/api/persons/${created.body.id}`)).status).toBe(200);
    const write = await readOnly.post('/api/persons', PERSON);
    expect(write.status).toBe(403);
    expect(problemCode(write)).toBe('forbidden');
    const patch = await readOnly.patch(`/api/persons/${created.body.id}`, { version: 1, familyName: 'Gebre' });
    expect(patch.status).toBe(403);
    expect((await session.get(`/api/persons/${created.body.id}`)).body.fields.familyName).toBeUndefined();
  });

  it('shows when a token was last used', async () => {
    const { session } = await officer('officer.last-used');
    const { id, token } = await newToken(session, ['person:read']);
    const lastUsed = async () => (await session.get('/api/auth/tokens')).body.find((t: { id: string }) => t.id === id).lastUsedAt;
    expect(await lastUsed()).toBeNull();
    server.clock.advance(5 * 60_000);
    const usedAt = server.clock.now().toISOString();
    expect((await bearer(server, token).get('/api/persons')).status).toBe(200);
    expect(await lastUsed()).toBe(usedAt);
  });

  it('refuses a scope the role does not have with 422 naming scopes', async () => {
    const { session } = await officer('officer.greedy');
    const refused = await session.post('/api/auth/tokens', { name: 'too much', scopes: ['person:read', 'users:manage'], expiresInDays: 30 });
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['scopes']);
    expect((await session.get('/api/auth/tokens')).body).toHaveLength(0);
  });

  it('refuses a revoked token with 401', async () => {
    const { session } = await officer('officer.revoke');
    const { id, token } = await newToken(session, ['person:read']);
    expect((await bearer(server, token).get('/api/persons')).status).toBe(200);
    const revoked = await session.request('DELETE', `/api/auth/tokens/${id}`);
    expect(revoked.status).toBe(200);
    expect((await bearer(server, token).get('/api/persons')).status).toBe(401);
    expect((await session.get('/api/auth/tokens')).body[0].revokedAt).not.toBeNull();
    expect((await session.request('DELETE', `/api/auth/tokens/${id}`)).status).toBe(404);
  });

  it('does not let anyone revoke a token of another user', async () => {
    const owner = await officer('officer.owner');
    const other = await officer('officer.other');
    const { id, token } = await newToken(owner.session, ['person:read']);
    expect((await other.session.request('DELETE', `/api/auth/tokens/${id}`)).status).toBe(404);
    expect((await bearer(server, token).get('/api/persons')).status).toBe(200);
  });

  it('refuses an expired token with 401', async () => {
    const { session } = await officer('officer.expiry');
    const { token } = await newToken(session, ['person:read'], 2);
    server.clock.advance(2 * DAY - 60_000);
    expect((await bearer(server, token).get('/api/persons')).status).toBe(200);
    server.clock.advance(60_000);
    const expired = await bearer(server, token).get('/api/persons');
    expect(expired.status).toBe(401);
    expect(expired.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses a token on routes that need a browser session, with 403', async () => {
    const { session } = await officer('officer.session-only');
    const { id, token } = await newToken(session, ['person:read', 'person:write']);
    const caller = bearer(server, token);
    for (const [method, path, body] of [
      ['GET', '/api/auth/tokens', undefined],
      ['POST', '/api/auth/tokens', { name: 'x', scopes: ['person:read'], expiresInDays: 1 }],
      ['DELETE', `/api/auth/tokens/${id}`, undefined],
      ['GET', '/api/auth/csrf', undefined],
      ['POST', '/api/auth/totp/enrol', {}],
      ['POST', '/api/auth/password', { currentPassword: 'x', newPassword: 'a-long-new-passphrase-9' }],
      ['POST', '/api/auth/logout', {}],
      ['POST', '/api/auth/logout-all', {}],
      ['POST', '/api/conduct/accept', { version: 1 }],
    ] as const) {
      expect((await caller.request(method, path, body)).status, `${method} ${path}`).toBe(403);
    }
    // The token is still live: the refused DELETE did not revoke it.
    expect((await caller.get('/api/persons')).status).toBe(200);
  });

  it('refuses a malformed or forged token with 401', async () => {
    const { session } = await officer('officer.forged');
    const { id, token } = await newToken(session, ['person:read']);
    const secret = token.split('.')[1]!;
    const flipped = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    for (const forged of [`hvt_${id}.${flipped}`, `hvt_00000000-0000-4000-8000-000000000000.${secret}`, 'not-a-token', token.toUpperCase()]) {
      expect((await bearer(server, forged).get('/api/persons')).status, forged).toBe(401);
    }
    expect((await anonymous(server).get('/api/persons', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` })).status).toBe(401);
  });

  it('never grants more than the user’s current role, and dies with a disabled user', async () => {
    const { userId, session } = await officer('officer.demoted');
    const { token } = await newToken(session, ['person:read', 'person:write']);
    const caller = bearer(server, token);
    expect((await caller.post('/api/persons', PERSON)).status).toBe(201);

    // A fresh session: other tests move the clock past any session made in beforeAll.
    const admin = await sessionFor(server, adminId);
    const changed = await admin.patch(`/api/admin/users/${userId}`, { version: 1, role: 'investigator' });
    // A role reading personal data takes effect once a second administrator approves it.
    expect(changed.status).toBe(202);
    expect((await caller.post('/api/persons', PERSON)).status).toBe(201);
    const second = await sessionFor(server, await makeUser(server.platform, agency, 'admin', 'admin.second'));
    expect((await second.post(`/api/admin/access-changes/${changed.body.pendingChange.id}/approve`)).status).toBe(200);
    expect((await caller.post('/api/persons', PERSON)).status).toBe(403);

    const disabled = await admin.patch(`/api/admin/users/${userId}`, { version: 3, disabled: true });
    expect(disabled.status).toBe(200);
    expect((await caller.get('/api/persons')).status).toBe(401);
  });
});

describe.each(await databaseKinds())('API tokens follow their owner on %s', (kind) => {
  let server: TestServer;
  let agency: string;
  let otherAgency: string;
  let adminId: string;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    agency = await makeAgency(server.platform, 'Asylum Service');
    otherAgency = await makeAgency(server.platform, 'Regional Asylum Office');
    adminId = await makeUser(server.platform, agency, 'admin', 'admin.owners');
  });
  afterAll(() => server.close());

  /** A user with a live token, and a colleague's token that must survive whatever happens to the user. */
  async function withToken(username: string): Promise<{ userId: string; session: Caller; tokenId: string; token: string; bystander: string }> {
    const userId = await makeUser(server.platform, agency, 'protection_officer', username);
    const session = await sessionFor(server, userId);
    const created = await session.post('/api/auth/tokens', { name: 'case export', scopes: ['person:read'], expiresInDays: 30 });
    expect(created.status).toBe(201);
    expect((await bearer(server, created.body.token).get('/api/persons')).status).toBe(200);
    const colleague = await sessionFor(server, await makeUser(server.platform, agency, 'protection_officer', `${username}.colleague`));
    const bystander = (await colleague.post('/api/auth/tokens', { name: 'colleague export', scopes: ['person:read'], expiresInDays: 30 })).body.token as string;
    return { userId, session, tokenId: created.body.id, token: created.body.token, bystander };
  }

  async function expectRevoked(tokenId: string, token: string, bystander: string): Promise<void> {
    expect((await bearer(server, token).get('/api/persons')).status).toBe(401);
    const row = await server.platform.database.db.selectFrom('api_tokens').select('revoked_at').where('id', '=', tokenId).executeTakeFirstOrThrow();
    expect(row.revoked_at).toBe(server.clock.now().toISOString());
    const audited = await server.platform.database.db.selectFrom('audit_events').select('action').where('record_id', '=', tokenId).orderBy('seq').execute();
    expect(audited.map((a) => a.action)).toEqual(['auth.token_created', 'auth.token_revoked']);
    expect((await bearer(server, bystander).get('/api/persons')).status).toBe(200);
  }

  it.each([
    ['a password reset', 'officer.reset', () => ({ password: 'harbour-lantern-orchard-71' }), true],
    ['disabling the account', 'officer.disabled', () => ({ disabled: true }), false],
    ['a move to another agency', 'officer.moved', () => ({ agencyId: otherAgency }), true],
    ['a reset of the second factor', 'officer.lost-phone', () => ({ resetSecondFactor: true }), true],
  ] as const)('revokes the user’s tokens on %s by an administrator (approved by a second one where it needs to be)', async (_what, username, change, held) => {
    const { userId, tokenId, token, bystander } = await withToken(username);
    const admin = await sessionFor(server, adminId);
    const changed = await admin.patch(`/api/admin/users/${userId}`, { version: 1, ...change() });
    expect(changed.status).toBe(held ? 202 : 200);
    if (held) {
      // Held for a second administrator: the token lives until the change is approved.
      expect((await bearer(server, token).get('/api/persons')).status).toBe(200);
      const secondId = (await server.platform.database.db.selectFrom('users').select('id').where('username', '=', 'admin.second').executeTakeFirst())?.id;
      const second = await sessionFor(server, secondId ?? (await makeUser(server.platform, agency, 'admin', 'admin.second')));
      expect((await second.post(`/api/admin/access-changes/${changed.body.pendingChange.id}/approve`)).status).toBe(200);
    }
    await expectRevoked(tokenId, token, bystander);
  });

  it('does not bring a disabled user’s tokens back when the account is enabled again', async () => {
    const { userId, token } = await withToken('officer.returning');
    const admin = await sessionFor(server, adminId);
    expect((await admin.patch(`/api/admin/users/${userId}`, { version: 1, disabled: true })).status).toBe(200);
    expect((await admin.patch(`/api/admin/users/${userId}`, { version: 2, disabled: false })).status).toBe(200);
    expect((await bearer(server, token).get('/api/persons')).status).toBe(401);
  });

  it('revokes the user’s tokens when they change their own password', async () => {
    const { session, tokenId, token, bystander } = await withToken('officer.own-change');
    const changed = await session.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'harbour-lantern-orchard-72' });
    expect(changed.status).toBe(200);
    await expectRevoked(tokenId, token, bystander);
  });

  it('keeps the tokens on a change of display name or an unlock', async () => {
    const { userId, token } = await withToken('officer.renamed');
    const admin = await sessionFor(server, adminId);
    expect((await admin.patch(`/api/admin/users/${userId}`, { version: 1, displayName: 'Officer Renamed', unlock: true })).status).toBe(200);
    expect((await bearer(server, token).get('/api/persons')).status).toBe(200);
  });
});
