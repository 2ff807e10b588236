import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAudit } from '../../platform/audit/recorder.js';
import { totpCode } from '../../platform/auth/totp.js';
import { databaseKinds } from '../../test-support/databases.js';
import { anonymous, makeAgency, makeUser, sessionCaller, startTestServer, TEST_PASSWORD, type Caller, type HttpAnswer, type TestServer } from '../../test-support/server.js';
import { createUser } from './accounts.js';

// Every sign-in here goes through POST /api/auth/login, which is rate-limited to 30 a minute per
// client address: this file stays well below that (about 16 sign-ins per server).

const STEP_MS = 30_000;

interface SignedIn extends HttpAnswer {
  caller: Caller;
}

async function login(server: TestServer, username: string, password = TEST_PASSWORD): Promise<SignedIn> {
  const answer = await anonymous(server).post('/api/auth/login', { username, password });
  const cookie = answer.headers.get('set-cookie')?.split(';')[0] ?? '';
  return { ...answer, caller: sessionCaller(server, cookie, answer.body?.csrfToken) };
}

/** The session a successful second-factor step (or password change) replaced the old one with. */
function rotated(server: TestServer, answer: HttpAnswer): Caller {
  expect(answer.status).toBe(200);
  return sessionCaller(server, answer.headers.get('set-cookie')?.split(';')[0] ?? '', answer.body?.csrfToken);
}

/** A well-formed code that is valid at none of the given times (allowing one step of drift either way). */
function wrongCodeFor(secret: string, ...times: Date[]): string {
  const valid = new Set(times.flatMap((t) => [-1, 0, 1].map((k) => totpCode(secret, new Date(t.getTime() + k * STEP_MS)))));
  let candidate = 0;
  while (valid.has(String(candidate).padStart(6, '0'))) candidate += 1;
  return String(candidate).padStart(6, '0');
}

const problemCode = (answer: HttpAnswer): string => String(answer.body?.type ?? '').split('/').pop() ?? '';
const fields = (answer: HttpAnswer): string[] => (answer.body?.errors ?? []).map((e: { field: string }) => e.field);

describe.each(await databaseKinds())('sign-in on %s', (kind) => {
  let server: TestServer;
  let agency: string;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    agency = await makeAgency(server.platform, 'Coast Guard Sector 4');
  });
  afterAll(() => server.close());

  /** Signs a new user in and enrols their second factor; returns the TOTP secret and recovery codes. */
  async function enrolled(username: string): Promise<{ secret: string; recoveryCodes: string[] }> {
    await makeUser(server.platform, agency, 'protection_officer', username);
    const first = await login(server, username);
    const { secret } = (await first.caller.post('/api/auth/totp/enrol')).body;
    const confirmed = await first.caller.post('/api/auth/totp/confirm', { code: totpCode(secret, server.clock.now()) });
    expect(confirmed.status).toBe(200);
    // The next code must come from a later time step: the one just used is spent.
    server.clock.advance(STEP_MS);
    return { secret, recoveryCodes: confirmed.body.recoveryCodes };
  }

  it('names the account in the audit of its sign-in and of a failure against it, and no one for an unknown name', async () => {
    const userId = await makeUser(server.platform, agency, 'first_responder', 'responder.named');
    const failed = await login(server, 'responder.named', 'not-the-right-password-1');
    expect((await login(server, 'responder.named')).status).toBe(200);
    const unknown = await login(server, 'nobody.named', TEST_PASSWORD);
    const events = server.platform.database.db.selectFrom('audit_events').select(['action', 'record_id', 'actor_user_id', 'actor_agency_id', 'request_id']);
    const ofAccount = await events.where('record_id', '=', userId).where('action', 'like', 'auth.%').orderBy('seq').execute();
    expect(ofAccount.map(({ action, actor_user_id, actor_agency_id }) => ({ action, actor_user_id, actor_agency_id }))).toEqual([
      { action: 'auth.login_failed', actor_user_id: userId, actor_agency_id: agency },
      { action: 'auth.login', actor_user_id: userId, actor_agency_id: agency },
    ]);
    expect(ofAccount[0]!.request_id).toBe(failed.body.requestId);
    expect(await events.where('request_id', '=', unknown.body.requestId).execute()).toEqual([
      { action: 'auth.login_failed', record_id: null, actor_user_id: null, actor_agency_id: null, request_id: unknown.body.requestId },
    ]);
  });

  it('answers a wrong password and an unknown user alike, with 401 that does not say which part was wrong', async () => {
    await makeUser(server.platform, agency, 'first_responder', 'responder.alike');
    const wrongPassword = await login(server, 'responder.alike', 'not-the-right-password-1');
    const unknownUser = await login(server, 'nobody.here', TEST_PASSWORD);
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.status).toBe(401);
    expect(wrongPassword.headers.get('content-type')).toContain('application/problem+json');
    const { requestId: _a, ...wrongBody } = wrongPassword.body;
    const { requestId: _b, ...unknownBody } = unknownUser.body;
    expect(wrongBody).toEqual(unknownBody);
    expect(wrongBody.detail).not.toMatch(/unknown|no such|not exist|not found/i);
    expect(wrongPassword.headers.get('set-cookie')).toBeNull();
  });

  it('asks a role that needs a second factor to enrol one, and refuses every other protected route until it is done', async () => {
    await makeUser(server.platform, agency, 'protection_officer', 'officer.pending');
    const signedIn = await login(server, 'officer.pending');
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ stage: 'password', next: 'totp_enrol' });

    for (const [method, path, body] of [
      ['GET', '/api/persons', undefined],
      ['POST', '/api/persons', { givenName: 'Amina', sex: 'female' }],
      ['GET', '/api/auth/tokens', undefined],
      ['POST', '/api/auth/tokens', { name: 'x', scopes: ['person:read'], expiresInDays: 1 }],
      ['GET', '/api/conduct', undefined],
      ['GET', '/api/admin/users', undefined],
    ] as const) {
      const answer = await signedIn.caller.request(method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(problemCode(answer), `${method} ${path}`).toBe('sign-in-incomplete');
      expect(answer.body.pending).toBe('mfa_enrol');
    }
    const me = await signedIn.caller.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'officer.pending', pending: 'mfa_enrol' });
  });

  it('refuses a password change before the second factor is done, as an incomplete sign-in', async () => {
    await makeUser(server.platform, agency, 'protection_officer', 'officer.early');
    const signedIn = await login(server, 'officer.early');
    const change = await signedIn.caller.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'a-brand-new-passphrase-77' });
    expect(change.status).toBe(403);
    expect(problemCode(change)).toBe('sign-in-incomplete');
    expect((await login(server, 'officer.early', 'a-brand-new-passphrase-77')).status).toBe(401);
  });

  it('completes the session and hands out ten single-use recovery codes when enrolment is confirmed with a code', async () => {
    await makeUser(server.platform, agency, 'protection_officer', 'officer.enrol');
    const signedIn = await login(server, 'officer.enrol');
    const enrol = await signedIn.caller.post('/api/auth/totp/enrol');
    expect(enrol.status).toBe(200);
    expect(enrol.body.uri).toMatch(/^otpauth:\/\/totp\//);
    const confirmed = await signedIn.caller.post('/api/auth/totp/confirm', { code: totpCode(enrol.body.secret, server.clock.now()) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.next).toBeNull();
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.body.recoveryCodes).size).toBe(10);

    const full = rotated(server, confirmed);
    expect((await full.get('/api/persons')).status).toBe(200);
    expect((await full.get('/api/auth/me')).body.pending).toBe('none');
    // A second enrolment would let whoever holds the password replace the factor.
    const again = await full.post('/api/auth/totp/enrol');
    expect(again.status).toBe(409);
  });

  it('asks for a code again at the next sign-in and never accepts the same code twice in one time step', async () => {
    const { secret } = await enrolled('officer.verify');
    const replayedCode = totpCode(secret, new Date(server.clock.now().getTime() - STEP_MS));

    const second = await login(server, 'officer.verify');
    expect(second.body).toMatchObject({ stage: 'password', next: 'totp_verify' });
    const blocked = await second.caller.get('/api/persons');
    expect(blocked.status).toBe(403);
    expect(blocked.body.pending).toBe('mfa_verify');
    // The code used at enrolment is still inside the drift window, but it was spent.
    const replay = await second.caller.post('/api/auth/totp/verify', { code: replayedCode });
    expect(replay.status).toBe(401);

    const code = totpCode(secret, server.clock.now());
    const verified = await second.caller.post('/api/auth/totp/verify', { code });
    expect(verified.status).toBe(200);
    expect(verified.body.next).toBeNull();
    expect((await rotated(server, verified).get('/api/persons')).status).toBe(200);

    const third = await login(server, 'officer.verify');
    const sameStep = await third.caller.post('/api/auth/totp/verify', { code });
    expect(sameStep.status).toBe(401);
    expect((await third.caller.get('/api/persons')).status).toBe(403);
  });

  it('accepts a recovery code once only', async () => {
    const { recoveryCodes } = await enrolled('officer.recovery');
    const first = await login(server, 'officer.recovery');
    const recovered = await first.caller.post('/api/auth/totp/verify', { recoveryCode: recoveryCodes[0] });
    expect((await rotated(server, recovered).get('/api/persons')).status).toBe(200);

    const second = await login(server, 'officer.recovery');
    const reused = await second.caller.post('/api/auth/totp/verify', { recoveryCode: recoveryCodes[0] });
    expect(reused.status).toBe(401);
    expect(fields(reused)).toEqual(['recoveryCode']);
    expect((await second.caller.get('/api/persons')).status).toBe(403);
    expect((await second.caller.post('/api/auth/totp/verify', { recoveryCode: recoveryCodes[1] })).status).toBe(200);
  });

  it('refuses a wrong code with 401 naming the field code, at enrolment and at sign-in', async () => {
    await makeUser(server.platform, agency, 'protection_officer', 'officer.wrong');
    const signedIn = await login(server, 'officer.wrong');
    const { secret } = (await signedIn.caller.post('/api/auth/totp/enrol')).body;
    const right = totpCode(secret, server.clock.now());
    // Wrong now, and still wrong one step later when it is tried at sign-in.
    const wrong = wrongCodeFor(secret, server.clock.now(), new Date(server.clock.now().getTime() + STEP_MS));

    const atEnrolment = await signedIn.caller.post('/api/auth/totp/confirm', { code: wrong });
    expect(atEnrolment.status).toBe(401);
    expect(fields(atEnrolment)).toEqual(['code']);
    expect((await signedIn.caller.get('/api/persons')).status).toBe(403);

    expect((await signedIn.caller.post('/api/auth/totp/confirm', { code: right })).status).toBe(200);
    server.clock.advance(STEP_MS);
    const next = await login(server, 'officer.wrong');
    const atSignIn = await next.caller.post('/api/auth/totp/verify', { code: wrong });
    expect(atSignIn.status).toBe(401);
    expect(fields(atSignIn)).toEqual(['code']);
    expect((await next.caller.get('/api/persons')).status).toBe(403);
  });

  it('makes a user with a preset password change it after the second factor, and refuses weak new passwords', async () => {
    await withAudit(server.platform, { actorUserId: null, actorAgencyId: null, requestId: 'test', clientAddress: null }, (trx, record) =>
      createUser(
        trx,
        record,
        { agencyId: agency, username: 'demo.officer', displayName: 'Demo', role: 'protection_officer', password: TEST_PASSWORD, mustChangePassword: true },
        server.clock.now(),
      ),
    );
    const signedIn = await login(server, 'demo.officer');
    expect(signedIn.body.next).toBe('totp_enrol');
    const { secret } = (await signedIn.caller.post('/api/auth/totp/enrol')).body;
    const confirmed = await signedIn.caller.post('/api/auth/totp/confirm', { code: totpCode(secret, server.clock.now()) });
    expect(confirmed.body.next).toBe('change_password');
    const enrolled = rotated(server, confirmed);

    const blocked = await enrolled.get('/api/persons');
    expect(blocked.status).toBe(403);
    expect(problemCode(blocked)).toBe('sign-in-incomplete');
    expect(blocked.body.pending).toBe('password_change');
    expect((await enrolled.get('/api/auth/me')).body.pending).toBe('password_change');

    for (const weak of ['Short-pass1', 'password1234', 'Password12345!', 'demo.officer-2026', TEST_PASSWORD]) {
      const refused = await enrolled.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: weak });
      expect(refused.status, weak).toBe(422);
      expect(fields(refused), weak).toEqual(['newPassword']);
    }
    const wrongCurrent = await enrolled.post('/api/auth/password', { currentPassword: 'not-my-password-at-all', newPassword: 'tide-lantern-orchard-58' });
    expect(wrongCurrent.status).toBe(401);
    expect(fields(wrongCurrent)).toEqual(['currentPassword']);

    const changed = await enrolled.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'tide-lantern-orchard-58' });
    expect(changed.status).toBe(200);
    const renewed = rotated(server, changed);
    expect((await renewed.get('/api/persons')).status).toBe(200);
    expect((await renewed.get('/api/auth/me')).body.pending).toBe('none');

    expect((await login(server, 'demo.officer')).status).toBe(401);
    const withNew = await login(server, 'demo.officer', 'tide-lantern-orchard-58');
    expect(withNew.status).toBe(200);
    expect(withNew.body.next).toBe('totp_verify');
  });
});
