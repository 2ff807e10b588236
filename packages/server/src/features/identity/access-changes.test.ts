import type { Role } from '@haven/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAudit } from '../../platform/audit/recorder.js';
import { databaseKinds } from '../../test-support/databases.js';
import { anonymous, bearer, makeAgency, makeUser, sessionFor, startTestServer, TEST_PASSWORD, type Caller, type HttpAnswer, type TestServer } from '../../test-support/server.js';
import { createUser, updateUser } from './accounts.js';

// Four eyes: what gives an account access to personal data (or another administrator's powers)
// waits for a second administrator; what removes access, or is harmless, takes effect at once.

const problemCode = (answer: HttpAnswer): string => String(answer.body?.type ?? '').split('/').pop() ?? '';
const fields = (answer: HttpAnswer): string[] => (answer.body?.errors ?? []).map((e: { field: string }) => e.field);
const NEW_PASSWORD = 'harbour-lantern-evening-31';
const SYSTEM = { actorUserId: null, actorAgencyId: null, requestId: 'test', clientAddress: null };

describe.each(await databaseKinds())('four eyes on access to personal data on %s', (kind) => {
  let server: TestServer;
  const agencies = { coast: '', crescent: '', ombudsman: '' };
  const ids = { adminA: '', adminB: '', inspector: '' };
  let adminA: Caller;
  let adminB: Caller;
  let counter = 0;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    agencies.coast = await makeAgency(server.platform, 'Coast Guard');
    agencies.crescent = await makeAgency(server.platform, 'Red Crescent', 'ngo');
    agencies.ombudsman = await makeAgency(server.platform, 'Ombudsman', 'oversight');
    ids.adminA = await makeUser(server.platform, agencies.coast, 'admin', 'admin.amal');
    ids.adminB = await makeUser(server.platform, agencies.coast, 'admin', 'admin.bruno');
    ids.inspector = await makeUser(server.platform, agencies.ombudsman, 'oversight', 'inspector.olga');
    adminA = await sessionFor(server, ids.adminA);
    adminB = await sessionFor(server, ids.adminB);
  });
  afterAll(() => server.close());

  /** A fresh account made by the system, in the Coast Guard unless said. */
  async function account(role: Role, agencyId = agencies.coast): Promise<string> {
    counter += 1;
    return makeUser(server.platform, agencyId, role, `staff.${role.replace(/_/g, '-')}.${counter}`);
  }
  const stored = (userId: string) =>
    server.platform.database.db
      .selectFrom('users')
      .select(['role', 'agency_id', 'password_hash', 'totp_enabled', 'approved', 'disabled', 'version'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
  const eventsOf = (recordId: string) =>
    server.platform.database.db.selectFrom('audit_events').select(['action', 'fields', 'actor_user_id']).where('record_id', '=', recordId).orderBy('seq').execute();
  const login = (username: string, password = TEST_PASSWORD) => anonymous(server).post('/api/auth/login', { username, password });
  const usernameOf = async (userId: string) => (await server.platform.database.db.selectFrom('users').select('username').where('id', '=', userId).executeTakeFirstOrThrow()).username;

  it('refuses an administrator changing their own role or agency with 422 naming the field, and changes nothing', async () => {
    for (const [changes, field] of [
      [{ role: 'supervisor' }, 'role'],
      [{ agencyId: agencies.crescent }, 'agencyId'],
      [{ role: 'supervisor', agencyId: agencies.crescent }, 'role'],
    ] as const) {
      const refused = await adminA.patch(`/api/admin/users/${ids.adminA}`, { version: (await stored(ids.adminA)).version, ...changes });
      expect(refused.status).toBe(422);
      expect(fields(refused)).toEqual([field]);
    }
    expect(await stored(ids.adminA)).toMatchObject({ role: 'admin', agency_id: agencies.coast });
    expect(await server.platform.database.db.selectFrom('access_changes').select('id').where('user_id', '=', ids.adminA).execute()).toEqual([]);
  });

  it.each([
    ['a role that reads personal data', 'coordinator', () => ({ role: 'supervisor' }), ['role']],
    ['a move between agencies of an account that reads personal data', 'protection_officer', () => ({ agencyId: agencies.crescent }), ['agencyId']],
    ['a move to a role reading personal data in another agency', 'coordinator', () => ({ role: 'investigator', agencyId: agencies.crescent }), ['agencyId', 'role']],
    ['a temporary password of an account that reads personal data', 'supervisor', () => ({ password: NEW_PASSWORD }), ['password']],
    ['a reset second factor of an account that reads personal data', 'investigator', () => ({ resetSecondFactor: true }), ['resetSecondFactor']],
    ['the administrator role', 'coordinator', () => ({ role: 'admin' }), ['role']],
    ['a temporary password of another administrator', 'admin', () => ({ password: NEW_PASSWORD }), ['password']],
  ] as const)('holds %s until a second administrator approves it (202, nothing changed yet)', async (_what, role, changes, held) => {
    const userId = await account(role);
    await server.platform.database.db.updateTable('users').set({ totp_enabled: 1 }).where('id', '=', userId).execute();
    const before = await stored(userId);
    const session = await sessionFor(server, userId);
    const answer = await adminA.patch(`/api/admin/users/${userId}`, { version: before.version, ...changes() });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ id: userId, role, agencyId: agencies.coast, version: before.version + 1 });
    expect(answer.body.pendingChange).toMatchObject({
      kind: 'update',
      status: 'pending',
      account: { id: userId, username: await usernameOf(userId) },
      requestedBy: { id: ids.adminA, username: 'admin.amal', displayName: 'admin.amal' },
      roleFrom: role,
      agencyFrom: { id: agencies.coast, name: 'Coast Guard' },
      decidedBy: null,
    });
    expect(await stored(userId)).toEqual({ ...before, version: before.version + 1 });
    // The account works on as before: nothing of it took effect.
    expect((await session.get('/api/auth/me')).status).toBe(200);
    const requested = (await eventsOf(answer.body.pendingChange.id)).find((e) => e.action === 'access_change.requested');
    expect(requested).toMatchObject({ actor_user_id: ids.adminA });
    expect(JSON.parse(requested!.fields)).toEqual(held);
    // Withdrawn by its requester, it leaves the account as it was.
    const withdrawn = await adminA.post(`/api/admin/access-changes/${answer.body.pendingChange.id}/withdraw`);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', decidedBy: { id: ids.adminA } });
    expect(await stored(userId)).toEqual({ ...before, version: before.version + 1 });
  });

  it.each([
    ['a demotion to a role without personal data', 'supervisor', () => ({ role: 'coordinator' }), { role: 'coordinator' }],
    ['disabling', 'protection_officer', () => ({ disabled: true }), { disabled: 1 }],
    ['a new name and e-mail', 'protection_officer', () => ({ displayName: 'Yonas Tesfaye', email: 'yonas@example.org' }), {}],
    ['a move between agencies of an account without personal data', 'coordinator', () => ({ agencyId: agencies.crescent }), { agency_id: 'crescent' }],
    ['a temporary password of an account without personal data', 'coordinator', () => ({ password: NEW_PASSWORD }), {}],
  ] as const)('applies %s at once (200, no pending change)', async (_what, role, changes, expected) => {
    const userId = await account(role);
    const before = await stored(userId);
    const answer = await adminA.patch(`/api/admin/users/${userId}`, { version: before.version, ...changes() });
    expect(answer.status).toBe(200);
    expect(answer.body.pendingChange).toBeNull();
    const resolved = Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, v === 'crescent' ? agencies.crescent : v]));
    expect(await stored(userId)).toMatchObject({ ...resolved, version: before.version + 1 });
  });

  it('creates an account reading personal data awaiting approval: it cannot sign in until a second administrator approves', async () => {
    const created = await adminA.post('/api/admin/users', { agencyId: agencies.crescent, username: 'officer.samira', displayName: 'Samira Haddad', role: 'protection_officer', password: TEST_PASSWORD });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ approved: false, pendingChange: { kind: 'create', status: 'pending', roleFrom: null, roleTo: 'protection_officer', agencyFrom: null, agencyTo: { name: 'Red Crescent' } } });
    const refused = await login('officer.samira');
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toBe((await login('officer.nobody')).body.detail);
    // Not the requester: 403, and still pending.
    const self = await adminA.post(`/api/admin/access-changes/${created.body.pendingChange.id}/approve`);
    expect(self.status).toBe(403);
    expect(problemCode(self)).toBe('second-administrator-required');
    expect((await login('officer.samira')).status).toBe(401);

    const approved = await adminB.post(`/api/admin/access-changes/${created.body.pendingChange.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: { id: ids.adminB, username: 'admin.bruno' }, decidedAt: expect.any(String) });
    expect((await login('officer.samira')).body.next).toBe('totp_enrol');
    expect((await eventsOf(created.body.pendingChange.id)).map((e) => e.action)).toEqual(['access_change.requested', 'access_change.approved']);
    // Deciding twice: 409.
    expect((await adminB.post(`/api/admin/access-changes/${created.body.pendingChange.id}/approve`)).status).toBe(409);
    expect(problemCode(await adminB.post(`/api/admin/access-changes/${created.body.pendingChange.id}/refuse`, { reason: 'Too late to refuse this one.' }))).toBe('access-change-decided');
  });

  it('creates an account without personal data at once', async () => {
    const created = await adminA.post('/api/admin/users', { agencyId: agencies.coast, username: 'coordinator.ines', displayName: 'Ines', role: 'coordinator', password: TEST_PASSWORD });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ approved: true, pendingChange: null });
    expect((await login('coordinator.ines')).status).toBe(200);
  });

  it('applies an approved change in one go: the role, the agency, the account\'s sessions and API tokens ended, audited', async () => {
    const userId = await account('first_responder');
    const session = await sessionFor(server, userId);
    const token = await session.post('/api/auth/tokens', { name: 'device', scopes: ['person:read'], expiresInDays: 5 });
    expect(token.status).toBe(201);
    const requested = await adminA.patch(`/api/admin/users/${userId}`, { version: 1, role: 'supervisor', agencyId: agencies.crescent });
    expect(requested.status).toBe(202);
    expect((await bearer(server, token.body.token).get('/api/persons')).status).toBe(200);

    const approved = await adminB.post(`/api/admin/access-changes/${requested.body.pendingChange.id}/approve`);
    expect(approved.status).toBe(200);
    expect(await stored(userId)).toMatchObject({ role: 'supervisor', agency_id: agencies.crescent, version: 3 });
    expect((await session.get('/api/auth/me')).status).toBe(401);
    expect((await bearer(server, token.body.token).get('/api/persons')).status).toBe(401);
    const onAccount = (await eventsOf(userId)).filter((e) => e.action === 'user.update');
    expect(onAccount.at(-1)).toMatchObject({ actor_user_id: ids.adminB });
    expect(JSON.parse(onAccount.at(-1)!.fields)).toEqual(['agencyId', 'role']);
    const users = (await adminA.get('/api/admin/users')).body;
    expect(users.find((u: { id: string }) => u.id === userId)).toMatchObject({ role: 'supervisor', pendingChange: null });
  });

  it('keeps a temporary password only as its argon2id hash until approved, then the account signs in with it', async () => {
    const userId = await account('protection_officer');
    const username = await usernameOf(userId);
    const requested = await adminA.patch(`/api/admin/users/${userId}`, { version: 1, password: NEW_PASSWORD });
    expect(requested.status).toBe(202);
    expect(requested.body.pendingChange).toMatchObject({ setsPassword: true, resetsSecondFactor: false });
    const row = await server.platform.database.db.selectFrom('access_changes').selectAll().where('id', '=', requested.body.pendingChange.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(row)).not.toContain(NEW_PASSWORD);
    expect(JSON.stringify(requested.body)).not.toContain('argon2');
    expect((await login(username, NEW_PASSWORD)).status).toBe(401);
    expect((await login(username)).status).toBe(200);

    expect((await adminB.post(`/api/admin/access-changes/${requested.body.pendingChange.id}/approve`)).status).toBe(200);
    expect((await login(username)).status).toBe(401);
    const signedIn = await login(username, NEW_PASSWORD);
    expect(signedIn.status).toBe(200);
    expect(await stored(userId)).toMatchObject({ version: 3 });
  });

  it('refuses a weak temporary password or an unknown agency at the request, with 422 naming the field', async () => {
    const userId = await account('protection_officer');
    const weak = await adminA.patch(`/api/admin/users/${userId}`, { version: 1, password: 'password1234' });
    expect(weak.status).toBe(422);
    expect(fields(weak)).toEqual(['password']);
    const nowhere = await adminA.patch(`/api/admin/users/${userId}`, { version: 1, agencyId: '00000000-0000-4000-8000-000000000000' });
    expect(nowhere.status).toBe(422);
    expect(fields(nowhere)).toEqual(['agencyId']);
    expect(await stored(userId)).toMatchObject({ version: 1 });
    expect(await server.platform.database.db.selectFrom('access_changes').select('id').where('user_id', '=', userId).execute()).toEqual([]);
  });

  it('keeps one pending change per account: a second request gets 409 naming it, harmless changes still apply', async () => {
    const userId = await account('first_responder');
    const first = await adminA.patch(`/api/admin/users/${userId}`, { version: 1, role: 'supervisor' });
    expect(first.status).toBe(202);
    const second = await adminB.patch(`/api/admin/users/${userId}`, { version: 2, agencyId: agencies.crescent, displayName: 'Not applied' });
    expect(second.status).toBe(409);
    expect(problemCode(second)).toBe('access-change-pending');
    expect(second.body.accessChangeId).toBe(first.body.pendingChange.id);
    expect(second.body.detail).toContain(first.body.pendingChange.id);
    expect(await stored(userId)).toMatchObject({ version: 2, agency_id: agencies.coast });
    const renamed = await adminB.patch(`/api/admin/users/${userId}`, { version: 2, displayName: 'Renamed meanwhile' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.pendingChange).toMatchObject({ id: first.body.pendingChange.id });
    // The account changed, but not its role or agency: the approval still applies what was asked.
    expect((await adminB.post(`/api/admin/access-changes/${first.body.pendingChange.id}/approve`)).status).toBe(200);
    expect(await stored(userId)).toMatchObject({ role: 'supervisor', version: 4 });
  });

  it('re-validates an approval when the account\'s role changed since the request: 409, nothing applied, still pending', async () => {
    const userId = await account('protection_officer');
    const moved = await adminA.patch(`/api/admin/users/${userId}`, { version: 1, agencyId: agencies.crescent });
    expect(moved.status).toBe(202);
    // Meanwhile demoted at once to a role without personal data.
    expect((await adminB.patch(`/api/admin/users/${userId}`, { version: 2, role: 'coordinator' })).status).toBe(200);
    const approval = await adminB.post(`/api/admin/access-changes/${moved.body.pendingChange.id}/approve`);
    expect(approval.status).toBe(409);
    expect(problemCode(approval)).toBe('access-change-outdated');
    expect(await stored(userId)).toMatchObject({ role: 'coordinator', agency_id: agencies.coast, version: 3 });
    const listed = (await adminB.get('/api/admin/access-changes?status=pending')).body;
    expect(listed.map((c: { id: string }) => c.id)).toContain(moved.body.pendingChange.id);
  });

  it('lets neither the requester nor the account itself decide, and only the requester withdraw', async () => {
    const adminC = await account('admin');
    const callerC = await sessionFor(server, adminC);
    // Another administrator's move to a role reading personal data: not for them to approve.
    const requested = await adminA.patch(`/api/admin/users/${adminC}`, { version: 1, role: 'supervisor' });
    expect(requested.status).toBe(202);
    const id = requested.body.pendingChange.id;
    for (const [caller, action, body] of [
      [adminA, 'approve', {}],
      [adminA, 'refuse', { reason: 'I changed my mind about it.' }],
      [callerC, 'approve', {}],
      [callerC, 'refuse', { reason: 'I would rather stay an administrator.' }],
    ] as const) {
      const answer = await caller.post(`/api/admin/access-changes/${id}/${action}`, body);
      expect(answer.status, action).toBe(403);
      expect(problemCode(answer)).toBe('second-administrator-required');
    }
    for (const caller of [adminB, callerC]) {
      const answer = await caller.post(`/api/admin/access-changes/${id}/withdraw`);
      expect(answer.status).toBe(403);
      expect(problemCode(answer)).toBe('not-the-requester');
    }
    expect(await stored(adminC)).toMatchObject({ role: 'admin' });
    expect((await adminA.post('/api/admin/access-changes/00000000-0000-4000-8000-000000000000/approve')).status).toBe(404);

    // A refusal needs a written reason; it is stored encrypted and shown to administrators.
    const short = await adminB.post(`/api/admin/access-changes/${id}/refuse`, { reason: 'No.' });
    expect(short.status).toBe(400);
    expect(fields(short)).toEqual(['reason']);
    const reason = 'Nobody asked for this change of role.';
    const refused = await adminB.post(`/api/admin/access-changes/${id}/refuse`, { reason });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ status: 'refused', refusalReason: reason, decidedBy: { id: ids.adminB } });
    const row = await server.platform.database.db.selectFrom('access_changes').select('refusal_reason_enc').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.refusal_reason_enc).not.toContain('Nobody');
    expect(await stored(adminC)).toMatchObject({ role: 'admin' });
    expect((await adminA.post(`/api/admin/access-changes/${id}/withdraw`)).status).toBe(409);
    const audited = await eventsOf(id);
    expect(audited.map((e) => e.action)).toEqual(['access_change.requested', 'access_change.refused']);
    expect(JSON.stringify(audited)).not.toContain('Nobody');
  });

  it('holds nothing the system itself does (the demo seed, haven user create)', async () => {
    const created = await withAudit(server.platform, SYSTEM, (trx, record) =>
      createUser(trx, record, { agencyId: agencies.coast, username: 'system.officer', displayName: 'System', role: 'supervisor', password: TEST_PASSWORD, mustChangePassword: true }, server.clock.now()),
    );
    expect(created).toMatchObject({ approved: true, pendingChange: null });
    const changed = await withAudit(server.platform, SYSTEM, (trx, record) => updateUser(trx, record, created.id, 1, { agencyId: agencies.crescent }, server.clock.now(), null));
    expect(changed).toMatchObject({ held: false, user: { agencyId: agencies.crescent, pendingChange: null } });
    expect((await eventsOf(created.id)).map((e) => [e.action, e.actor_user_id])).toEqual([
      ['user.create', null],
      ['user.update', null],
    ]);
  });

  it('shows the oversight body every access change by name, pending and decided; a supervisor sees none', async () => {
    const userId = await account('first_responder');
    const requested = await adminA.patch(`/api/admin/users/${userId}`, { version: 1, role: 'investigator', agencyId: agencies.crescent });
    const pendingId = requested.body.pendingChange.id;
    const inspector = await sessionFor(server, ids.inspector);
    let queue = (await inspector.get('/api/oversight/queue?limit=500')).body;
    expect(queue.find((item: { id: string }) => item.id === pendingId)).toMatchObject({
      kind: 'access_change',
      at: requested.body.pendingChange.requestedAt,
      change: {
        status: 'pending',
        account: { id: userId, username: await usernameOf(userId) },
        requestedBy: { username: 'admin.amal' },
        roleFrom: 'first_responder',
        roleTo: 'investigator',
        agencyFrom: { name: 'Coast Guard' },
        agencyTo: { name: 'Red Crescent' },
        decidedBy: null,
      },
    });
    server.clock.advance(60_000);
    expect((await adminB.post(`/api/admin/access-changes/${pendingId}/approve`)).status).toBe(200);
    queue = (await inspector.get('/api/oversight/queue?limit=500')).body;
    const decided = queue.find((item: { id: string }) => item.id === pendingId);
    expect(decided).toMatchObject({ change: { status: 'approved', decidedBy: { username: 'admin.bruno' } } });
    expect(decided.at).toBe(decided.change.decidedAt);
    expect(queue[0].at >= decided.at).toBe(true);
    // The reading is audited as the queue's other reads are.
    const reads = await server.platform.database.db.selectFrom('audit_events').select('action').where('actor_user_id', '=', ids.inspector).execute();
    expect(reads.map((r) => r.action)).toContain('oversight.read');

    const supervisor = await sessionFor(server, await account('supervisor', agencies.crescent));
    const theirs = await supervisor.get('/api/oversight/queue?limit=500');
    expect(theirs.status).toBe(200);
    expect(theirs.body.filter((item: { kind: string }) => item.kind === 'access_change')).toEqual([]);
  });
});
