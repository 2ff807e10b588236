import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../platform/auth/totp.js';
import { databaseKinds } from '../../test-support/databases.js';
import { anonymous, makeAgency, makeUser, sessionCaller, startTestServer, TEST_PASSWORD, type Caller, type HttpAnswer, type TestServer } from '../../test-support/server.js';

const MINUTE = 60_000;
const STEP_MS = 30_000;

describe.each(await databaseKinds())('browser sessions on %s', (kind) => {
  // About ten sign-ins per server: far below the 30 a minute the login route allows.
  let server: TestServer;
  let agency: string;
  const secrets = new Map<string, string>();

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    agency = await makeAgency(server.platform, 'Shelter Network', 'ngo');
  });
  afterAll(() => server.close());

  /** Signs in through the API, enrolling or verifying the second factor; returns the session's parts. */
  async function signIn(username: string): Promise<{ caller: Caller; cookie: string; csrf: string }> {
    const answer = await anonymous(server).post('/api/auth/login', { username, password: TEST_PASSWORD });
    expect(answer.status).toBe(200);
    const cookie = answer.headers.get('set-cookie')!.split(';')[0]!;
    const csrf: string = answer.body.csrfToken;
    const caller = sessionCaller(server, cookie, csrf);
    let done: HttpAnswer;
    if (answer.body.next === 'totp_enrol') {
      const { secret } = (await caller.post('/api/auth/totp/enrol')).body;
      secrets.set(username, secret);
      done = await caller.post('/api/auth/totp/confirm', { code: totpCode(secret, server.clock.now()) });
    } else {
      done = await caller.post('/api/auth/totp/verify', { code: totpCode(secrets.get(username)!, server.clock.now()) });
    }
    expect(done.status).toBe(200);
    // Each code is single-use; the next sign-in of this user needs a later time step.
    server.clock.advance(STEP_MS);
    // The second factor replaced the password-stage session with a new one.
    const fullCookie = done.headers.get('set-cookie')!.split(';')[0]!;
    const fullCsrf: string = done.body.csrfToken;
    return { caller: sessionCaller(server, fullCookie, fullCsrf), cookie: fullCookie, csrf: fullCsrf };
  }

  it('sets the session cookie HttpOnly and SameSite=Strict, and not Secure when served over plain http', async () => {
    await makeUser(server.platform, agency, 'service_provider', 'provider.cookie');
    const answer = await anonymous(server).post('/api/auth/login', { username: 'provider.cookie', password: TEST_PASSWORD });
    const setCookie = answer.headers.get('set-cookie')!;
    const [pair, ...attributes] = setCookie.split(';').map((part) => part.trim());
    expect(pair).toMatch(/^haven_session=[A-Za-z0-9_-]{40,}$/);
    const names = attributes.map((a) => a.split('=')[0]!.toLowerCase());
    expect(names).toContain('httponly');
    expect(attributes).toContainEqual(expect.stringMatching(/^SameSite=Strict$/i));
    expect(attributes).toContainEqual(expect.stringMatching(/^Path=\/$/i));
    expect(names).not.toContain('secure');
    // The CSRF token travels in the body only, never in a cookie a script could be tricked into sending.
    expect(setCookie).not.toContain(answer.body.csrfToken);
  });

  it('refuses a state-changing request without the CSRF token or with a wrong one', async () => {
    await makeUser(server.platform, agency, 'protection_officer', 'officer.csrf');
    const { caller, cookie, csrf } = await signIn('officer.csrf');
    const withoutToken = sessionCaller(server, cookie);
    const person = { givenName: 'Selam', sex: 'female' };

    const missing = await withoutToken.post('/api/persons', person);
    expect(missing.status).toBe(403);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const wrong = await withoutToken.post('/api/persons', person, { 'x-csrf-token': `${csrf.slice(0, -2)}xx` });
    expect(wrong.status).toBe(403);
    const otherSessions = await withoutToken.post('/api/auth/logout', undefined, { 'x-csrf-token': 'A'.repeat(csrf.length) });
    expect(otherSessions.status).toBe(403);
    expect((await withoutToken.get('/api/persons')).body.items).toHaveLength(0);

    // Reads need no token; the right token lets the write through.
    expect((await withoutToken.get('/api/auth/me')).status).toBe(200);
    expect((await caller.post('/api/persons', person)).status).toBe(201);
    expect((await caller.get('/api/persons')).body.items).toHaveLength(1);
  });

  it('keeps a session alive while it is used and ends it after thirty idle minutes', async () => {
    await makeUser(server.platform, agency, 'protection_officer', 'officer.idle');
    const { caller } = await signIn('officer.idle');
    for (let i = 0; i < 3; i += 1) {
      server.clock.advance(29 * MINUTE);
      expect((await caller.get('/api/auth/me')).status, `after ${(i + 1) * 29} minutes of use`).toBe(200);
    }
    server.clock.advance(31 * MINUTE);
    const idle = await caller.get('/api/auth/me');
    expect(idle.status).toBe(401);
    expect(idle.headers.get('content-type')).toContain('application/problem+json');
    expect((await caller.get('/api/persons')).status).toBe(401);
  });

  it('ends a session after twelve hours even while it is being used', async () => {
    await makeUser(server.platform, agency, 'protection_officer', 'officer.long');
    const { caller } = await signIn('officer.long');
    for (let minutes = 20; minutes < 12 * 60; minutes += 20) {
      server.clock.advance(20 * MINUTE);
      expect((await caller.get('/api/auth/me')).status, `after ${minutes} minutes`).toBe(200);
    }
    server.clock.advance(20 * MINUTE);
    expect((await caller.get('/api/auth/me')).status).toBe(401);
  });

  it('ends the session at logout', async () => {
    await makeUser(server.platform, agency, 'protection_officer', 'officer.logout');
    const { caller } = await signIn('officer.logout');
    const logout = await caller.post('/api/auth/logout');
    expect(logout.status).toBe(200);
    expect(logout.headers.get('set-cookie')).toMatch(/^haven_session=;/);
    expect((await caller.get('/api/auth/me')).status).toBe(401);
    expect((await caller.post('/api/persons', { givenName: 'Late', sex: 'male' })).status).toBe(401);
  });

  it('ends every session of the user at logout-all, and nobody else’s', async () => {
    await makeUser(server.platform, agency, 'protection_officer', 'officer.everywhere');
    await makeUser(server.platform, agency, 'protection_officer', 'officer.colleague');
    const laptop = await signIn('officer.everywhere');
    const phone = await signIn('officer.everywhere');
    const colleague = await signIn('officer.colleague');
    expect((await phone.caller.get('/api/persons')).status).toBe(200);

    const ended = await laptop.caller.post('/api/auth/logout-all');
    expect(ended.status).toBe(200);
    expect(ended.body.ended).toBe(2);
    expect((await laptop.caller.get('/api/auth/me')).status).toBe(401);
    expect((await phone.caller.get('/api/auth/me')).status).toBe(401);
    expect((await phone.caller.get('/api/persons')).status).toBe(401);
    expect((await colleague.caller.get('/api/auth/me')).status).toBe(200);
  });

  it('answers a forged or unknown session cookie with 401', async () => {
    const forged = sessionCaller(server, 'haven_session=not-a-session-token-at-all-1234567890');
    expect((await forged.get('/api/auth/me')).status).toBe(401);
    expect((await forged.get('/api/persons')).status).toBe(401);
    expect((await anonymous(server).get('/api/persons')).status).toBe(401);
  });
});
