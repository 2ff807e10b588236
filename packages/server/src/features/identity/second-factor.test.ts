import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../platform/auth/totp.js';
import { databaseKinds } from '../../test-support/databases.js';
import { anonymous, makeAgency, makeUser, sessionCaller, sessionFor, startTestServer, TEST_PASSWORD, type Caller, type HttpAnswer, type TestServer } from '../../test-support/server.js';

// The sign-in routes are each limited to 30 calls a minute per client address (real time): every
// describe below starts its own server and stays under that on each route.

const STEP_MS = 30_000;
const MINUTE = 60_000;
const LOCKOUT_S = 15 * 60;

const problemCode = (answer: HttpAnswer): string => String(answer.body?.type ?? '').split('/').pop() ?? '';
const fields = (answer: HttpAnswer): string[] => (answer.body?.errors ?? []).map((e: { field: string }) => e.field);
const retryAfter = (answer: HttpAnswer): number => Number(answer.headers.get('retry-after'));
const cookieOf = (answer: HttpAnswer): string => answer.headers.get('set-cookie')?.split(';')[0] ?? '';

/** A well-formed code that is valid at none of the given times (allowing one step of drift either way). */
function wrongCodeFor(secret: string, ...times: Date[]): string {
  const valid = new Set(times.flatMap((t) => [-1, 0, 1].map((k) => totpCode(secret, new Date(t.getTime() + k * STEP_MS)))));
  let candidate = 0;
  while (valid.has(String(candidate).padStart(6, '0'))) candidate += 1;
  return String(candidate).padStart(6, '0');
}

/** What every describe needs: a server, an agency, sign-in through the API, enrolment. */
function signInKit(kind: Awaited<ReturnType<typeof databaseKinds>>[number]) {
  const kit = {
    server: undefined as unknown as TestServer,
    agency: '',
    async login(username: string, password = TEST_PASSWORD): Promise<HttpAnswer & { caller: Caller; cookie: string }> {
      const answer = await anonymous(kit.server).post('/api/auth/login', { username, password });
      const cookie = cookieOf(answer);
      return { ...answer, cookie, caller: sessionCaller(kit.server, cookie, answer.body?.csrfToken) };
    },
    /** A new user whose second factor is enrolled; the clock is moved past the code spent at enrolment. */
    async enrolled(username: string): Promise<{ userId: string; secret: string; recoveryCodes: string[] }> {
      const userId = await makeUser(kit.server.platform, kit.agency, 'protection_officer', username);
      const first = await kit.login(username);
      const { secret } = (await first.caller.post('/api/auth/totp/enrol')).body;
      const confirmed = await first.caller.post('/api/auth/totp/confirm', { code: totpCode(secret, kit.server.clock.now()) });
      expect(confirmed.status).toBe(200);
      kit.server.clock.advance(STEP_MS);
      return { userId, secret, recoveryCodes: confirmed.body.recoveryCodes };
    },
    wrongCode(secret: string): string {
      return wrongCodeFor(secret, kit.server.clock.now());
    },
    async user(userId: string) {
      return kit.server.platform.database.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
    },
    async audited(userId: string, action: string): Promise<number> {
      const rows = await kit.server.platform.database.db.selectFrom('audit_events').select('seq').where('record_id', '=', userId).where('action', '=', action).execute();
      return rows.length;
    },
  };
  beforeAll(async () => {
    kit.server = await startTestServer(kind, { logLevel: 'warn' });
    kit.agency = await makeAgency(kit.server.platform, 'Protection Unit');
  });
  afterAll(() => kit.server.close());
  return kit;
}

describe.each(await databaseKinds())('second-factor guessing locks the account on %s', (kind) => {
  const kit = signInKit(kind);

  it('locks after five wrong authenticator codes, refuses even the right code while locked, and records each failure', async () => {
    const { userId, secret } = await kit.enrolled('officer.guessed');
    const signedIn = await kit.login('officer.guessed');
    expect(signedIn.body.next).toBe('totp_verify');
    const wrong = kit.wrongCode(secret);
    for (let i = 1; i <= 4; i += 1) {
      const answer = await signedIn.caller.post('/api/auth/totp/verify', { code: wrong });
      expect(answer.status, `attempt ${i}`).toBe(401);
      expect(fields(answer)).toEqual(['code']);
    }
    const fifth = await signedIn.caller.post('/api/auth/totp/verify', { code: wrong });
    expect(fifth.status).toBe(429);
    expect(problemCode(fifth)).toBe('too-many-requests');
    expect(retryAfter(fifth)).toBe(LOCKOUT_S);
    // The refusal committed although the request failed: the lock and the trail are there.
    expect((await kit.user(userId)).locked_until).not.toBeNull();
    expect(await kit.audited(userId, 'auth.totp_failed')).toBe(5);
    expect(await kit.audited(userId, 'auth.locked')).toBe(1);

    const stepBefore = (await kit.user(userId)).totp_last_step;
    const rightButLocked = await signedIn.caller.post('/api/auth/totp/verify', { code: totpCode(secret, kit.server.clock.now()) });
    expect(rightButLocked.status).toBe(429);
    expect(retryAfter(rightButLocked)).toBeGreaterThan(0);
    expect(retryAfter(rightButLocked)).toBeLessThanOrEqual(LOCKOUT_S);
    expect(rightButLocked.headers.get('set-cookie')).toBeNull();
    expect((await kit.user(userId)).totp_last_step).toBe(stepBefore);
    expect((await signedIn.caller.get('/api/persons')).status).toBe(403);
    // The same lock as for wrong passwords: the password does not get in either.
    expect((await kit.login('officer.guessed')).status).toBe(429);

    kit.server.clock.advance(15 * MINUTE);
    const again = await kit.login('officer.guessed');
    expect(again.status).toBe(200);
    const verified = await again.caller.post('/api/auth/totp/verify', { code: totpCode(secret, kit.server.clock.now()) });
    expect(verified.status).toBe(200);
  });

  it('counts wrong recovery codes the same way, and spends no recovery code while locked', async () => {
    const { userId, recoveryCodes } = await kit.enrolled('officer.recovering');
    const signedIn = await kit.login('officer.recovering');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const answer = await signedIn.caller.post('/api/auth/totp/verify', { recoveryCode: `dead-beef-0000-000${i}` });
      statuses.push(answer.status);
      if (answer.status === 401) expect(fields(answer)).toEqual(['recoveryCode']);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const rightButLocked = await signedIn.caller.post('/api/auth/totp/verify', { recoveryCode: recoveryCodes[0] });
    expect(rightButLocked.status).toBe(429);
    const unused = await kit.server.platform.database.db.selectFrom('recovery_codes').select('id').where('user_id', '=', userId).where('used_at', 'is', null).execute();
    expect(unused).toHaveLength(10);
    expect(await kit.audited(userId, 'auth.totp_failed')).toBe(5);
  });

  it('locks after five wrong codes at enrolment too, and enrols nothing while locked', async () => {
    const userId = await makeUser(kit.server.platform, kit.agency, 'protection_officer', 'officer.enrolling');
    const signedIn = await kit.login('officer.enrolling');
    const { secret } = (await signedIn.caller.post('/api/auth/totp/enrol')).body;
    const wrong = kit.wrongCode(secret);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await signedIn.caller.post('/api/auth/totp/confirm', { code: wrong })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    expect(await kit.audited(userId, 'auth.totp_failed')).toBe(5);
    expect(await kit.audited(userId, 'auth.locked')).toBe(1);

    const rightButLocked = await signedIn.caller.post('/api/auth/totp/confirm', { code: totpCode(secret, kit.server.clock.now()) });
    expect(rightButLocked.status).toBe(429);
    expect(retryAfter(rightButLocked)).toBeGreaterThan(0);
    expect((await kit.user(userId)).totp_enabled).toBe(0);

    kit.server.clock.advance(15 * MINUTE);
    const confirmed = await signedIn.caller.post('/api/auth/totp/confirm', { code: totpCode(secret, kit.server.clock.now()) });
    expect(confirmed.status).toBe(200);
    expect((await kit.user(userId)).failed_attempts).toBe(0);
  });
});

describe.each(await databaseKinds())('counting second-factor failures on %s', (kind) => {
  const kit = signInKit(kind);

  it('counts afresh after the second factor succeeds', async () => {
    const { userId, secret } = await kit.enrolled('officer.fumbling');
    const first = await kit.login('officer.fumbling');
    for (let i = 0; i < 4; i += 1) expect((await first.caller.post('/api/auth/totp/verify', { code: kit.wrongCode(secret) })).status).toBe(401);
    expect((await kit.user(userId)).failed_attempts).toBe(4);
    expect((await first.caller.post('/api/auth/totp/verify', { code: totpCode(secret, kit.server.clock.now()) })).status).toBe(200);
    expect((await kit.user(userId)).failed_attempts).toBe(0);

    kit.server.clock.advance(STEP_MS);
    const second = await kit.login('officer.fumbling');
    for (let i = 0; i < 4; i += 1) expect((await second.caller.post('/api/auth/totp/verify', { code: kit.wrongCode(secret) })).status).toBe(401);
  });

  it('does not let a sign-in with the password wipe the count of wrong codes', async () => {
    // Otherwise whoever holds the password could sign in again after every four wrong codes and never be locked.
    const { secret } = await kit.enrolled('officer.persistent');
    const first = await kit.login('officer.persistent');
    for (let i = 0; i < 4; i += 1) expect((await first.caller.post('/api/auth/totp/verify', { code: kit.wrongCode(secret) })).status).toBe(401);
    const second = await kit.login('officer.persistent');
    expect(second.status).toBe(200);
    const fifth = await second.caller.post('/api/auth/totp/verify', { code: kit.wrongCode(secret) });
    expect(fifth.status).toBe(429);
    expect(retryAfter(fifth)).toBe(LOCKOUT_S);
  });

  it('counts wrong passwords and wrong codes together', async () => {
    const { secret } = await kit.enrolled('officer.mixed');
    for (let i = 0; i < 2; i += 1) expect((await kit.login('officer.mixed', 'not-the-right-password-1')).status).toBe(401);
    const signedIn = await kit.login('officer.mixed');
    expect(signedIn.status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await signedIn.caller.post('/api/auth/totp/verify', { code: kit.wrongCode(secret) })).status);
    expect(statuses).toEqual([401, 401, 429]);
  });
});

describe.each(await databaseKinds())('session rotation on %s', (kind) => {
  const kit = signInKit(kind);

  /** Checks that the answer replaced the session: a new cookie and CSRF token that work, the old ones dead. */
  async function expectRotated(before: { cookie: string; csrf: string; caller: Caller }, answer: HttpAnswer): Promise<Caller> {
    expect(answer.status).toBe(200);
    const cookie = cookieOf(answer);
    expect(cookie).toMatch(/^haven_session=[A-Za-z0-9_-]{40,}$/);
    expect(cookie).not.toBe(before.cookie);
    expect(answer.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    expect(typeof answer.body.csrfToken).toBe('string');
    expect(answer.body.csrfToken).not.toBe(before.csrf);

    // The token seen before is worthless now, for reads and writes alike.
    expect((await before.caller.get('/api/auth/me')).status).toBe(401);
    expect((await before.caller.post('/api/persons', { givenName: 'Stale', sex: 'male' })).status).toBe(401);
    // The new cookie needs the new CSRF token, not the old one.
    expect((await sessionCaller(kit.server, cookie, before.csrf).post('/api/persons', { givenName: 'Crossed', sex: 'male' })).status).toBe(403);
    const after = sessionCaller(kit.server, cookie, answer.body.csrfToken);
    expect((await after.get('/api/auth/me')).body.pending).toBe('none');
    expect((await after.post('/api/persons', { givenName: 'Fresh', sex: 'female' })).status).toBe(201);
    return after;
  }

  it('replaces the session when enrolment is confirmed', async () => {
    await makeUser(kit.server.platform, kit.agency, 'protection_officer', 'officer.rotated-enrol');
    const signedIn = await kit.login('officer.rotated-enrol');
    const { secret } = (await signedIn.caller.post('/api/auth/totp/enrol')).body;
    const confirmed = await signedIn.caller.post('/api/auth/totp/confirm', { code: totpCode(secret, kit.server.clock.now()) });
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(confirmed.body.next).toBeNull();
    await expectRotated({ cookie: signedIn.cookie, csrf: signedIn.body.csrfToken, caller: signedIn.caller }, confirmed);
  });

  it('replaces the session when the second factor is verified, with a code or a recovery code', async () => {
    const { secret, recoveryCodes } = await kit.enrolled('officer.rotated-verify');
    const withCode = await kit.login('officer.rotated-verify');
    const verified = await withCode.caller.post('/api/auth/totp/verify', { code: totpCode(secret, kit.server.clock.now()) });
    expect(verified.body.next).toBeNull();
    await expectRotated({ cookie: withCode.cookie, csrf: withCode.body.csrfToken, caller: withCode.caller }, verified);

    const withRecovery = await kit.login('officer.rotated-verify');
    const recovered = await withRecovery.caller.post('/api/auth/totp/verify', { recoveryCode: recoveryCodes[0] });
    await expectRotated({ cookie: withRecovery.cookie, csrf: withRecovery.body.csrfToken, caller: withRecovery.caller }, recovered);
  });

  it('keeps the session when the code is wrong', async () => {
    const { secret } = await kit.enrolled('officer.kept');
    const signedIn = await kit.login('officer.kept');
    const refused = await signedIn.caller.post('/api/auth/totp/verify', { code: kit.wrongCode(secret) });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('set-cookie')).toBeNull();
    expect((await signedIn.caller.get('/api/auth/me')).body.pending).toBe('mfa_verify');
  });

  it('gives the current session a fresh token when the password changes, and ends every other one', async () => {
    const userId = await makeUser(kit.server.platform, kit.agency, 'protection_officer', 'officer.rotated-password');
    const current = await sessionFor(kit.server, userId);
    const other = await sessionFor(kit.server, userId);
    const before = await kit.server.platform.database.db.selectFrom('sessions').select(['id', 'csrf_token']).where('user_id', '=', userId).execute();
    expect(before).toHaveLength(2);
    // sessionFor's caller does not expose its cookie: read it back through a request the server answers.
    const currentCsrf = (await current.get('/api/auth/csrf')).body.csrfToken as string;

    const changed = await current.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'tide-lantern-orchard-58' });
    expect(changed.status).toBe(200);
    expect(changed.body.ok).toBe(true);
    const after = await expectRotated({ cookie: '', csrf: currentCsrf, caller: current }, changed);
    expect((await other.get('/api/auth/me')).status).toBe(401);
    expect((await after.get('/api/persons')).status).toBe(200);
    const live = await kit.server.platform.database.db.selectFrom('sessions').select('id').where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
    expect(live).toHaveLength(1);
    expect(before.map((s) => s.id)).not.toContain(live[0]!.id);
  });
});
