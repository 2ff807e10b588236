import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAudit } from '../../platform/audit/recorder.js';
import { totpCode } from '../../platform/auth/totp.js';
import type { Platform } from '../../platform/context.js';
import type { HavenApp } from '../../platform/http/app.js';
import { buildHavenApp } from '../../server.js';
import { databaseKinds } from '../../test-support/databases.js';
import { anonymous, Caller, makeAgency, makeUser, sessionCaller, startTestServer, TEST_PASSWORD, type HttpAnswer, type TestServer } from '../../test-support/server.js';
import { updateUser } from './accounts.js';

const MINUTE = 60_000;
const WRONG = 'not-the-right-password-1';

const problemCode = (answer: HttpAnswer): string => String(answer.body?.type ?? '').split('/').pop() ?? '';
const retryAfter = (answer: HttpAnswer): number => Number(answer.headers.get('retry-after'));

describe.each(await databaseKinds())('account lockout on %s', (kind) => {
  // POST /api/auth/login is also limited to 30 a minute per client address (real time, not the
  // test clock); this server sees about 20 sign-ins, so that limit never interferes.
  let server: TestServer;
  let agency: string;
  const login = (username: string, password: string) => anonymous(server).post('/api/auth/login', { username, password });

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    agency = await makeAgency(server.platform, 'Border Police');
  });
  afterAll(() => server.close());

  it('locks an account for fifteen minutes after five failed sign-ins, even against the right password', async () => {
    const userId = await makeUser(server.platform, agency, 'first_responder', 'responder.locked');
    for (let i = 1; i <= 4; i += 1) expect((await login('responder.locked', WRONG)).status, `attempt ${i}`).toBe(401);
    const fifth = await login('responder.locked', WRONG);
    expect(fifth.status).toBe(429);
    expect(retryAfter(fifth)).toBe(15 * 60);

    const rightButLocked = await login('responder.locked', TEST_PASSWORD);
    expect(rightButLocked.status).toBe(429);
    expect(problemCode(rightButLocked)).toBe('too-many-requests');
    expect(rightButLocked.headers.get('content-type')).toContain('application/problem+json');
    expect(rightButLocked.headers.get('set-cookie')).toBeNull();
    expect(retryAfter(rightButLocked)).toBeGreaterThan(0);
    expect(retryAfter(rightButLocked)).toBeLessThanOrEqual(15 * 60);

    server.clock.advance(14 * MINUTE);
    const stillLocked = await login('responder.locked', TEST_PASSWORD);
    expect(stillLocked.status).toBe(429);
    expect(retryAfter(stillLocked)).toBe(60);

    server.clock.advance(MINUTE);
    const unlocked = await login('responder.locked', TEST_PASSWORD);
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.next).toBe('totp_enrol');

    const actions = await server.platform.database.db
      .selectFrom('audit_events')
      .select('action')
      .where('record_id', '=', userId)
      .where('action', 'in', ['auth.login_failed', 'auth.locked'])
      .execute();
    expect(actions.filter((a) => a.action === 'auth.login_failed')).toHaveLength(5);
    expect(actions.filter((a) => a.action === 'auth.locked')).toHaveLength(1);
  });

  it('counts failures afresh after a successful sign-in, which ends with the second factor', async () => {
    await makeUser(server.platform, agency, 'first_responder', 'responder.forgetful');
    for (let i = 0; i < 4; i += 1) expect((await login('responder.forgetful', WRONG)).status).toBe(401);
    const signedIn = await login('responder.forgetful', TEST_PASSWORD);
    expect(signedIn.status).toBe(200);
    // The count stands until the second factor is done (see second-factor.test.ts for why).
    const caller = sessionCaller(server, signedIn.headers.get('set-cookie')!.split(';')[0]!, signedIn.body.csrfToken);
    const { secret } = (await caller.post('/api/auth/totp/enrol')).body;
    expect((await caller.post('/api/auth/totp/confirm', { code: totpCode(secret, server.clock.now()) })).status).toBe(200);
    for (let i = 0; i < 4; i += 1) expect((await login('responder.forgetful', WRONG)).status).toBe(401);
  });

  it('does not lock anyone else out when one account is locked', async () => {
    await makeUser(server.platform, agency, 'first_responder', 'responder.bystander');
    // responder.locked was locked and released above; lock a fresh account here.
    await makeUser(server.platform, agency, 'first_responder', 'responder.target');
    for (let i = 0; i < 5; i += 1) await login('responder.target', WRONG);
    expect((await login('responder.target', TEST_PASSWORD)).status).toBe(429);
    expect((await login('responder.bystander', TEST_PASSWORD)).status).toBe(200);
  });
});

describe.each(await databaseKinds())('sign-in rate limit on %s', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
  });
  afterAll(() => server.close());

  it('limits sign-in attempts from one address to thirty a minute, whichever accounts they name', async () => {
    for (let i = 0; i < 30; i += 1) {
      const answer = await anonymous(server).post('/api/auth/login', { username: `nobody.${i}`, password: WRONG });
      expect(answer.status, `attempt ${i + 1}`).toBe(401);
    }
    const limited = await anonymous(server).post('/api/auth/login', { username: 'nobody.31', password: WRONG });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(problemCode(limited)).toBe('too-many-requests');
    expect(retryAfter(limited)).toBeGreaterThan(0);
    expect(retryAfter(limited)).toBeLessThanOrEqual(60);
  });
});

describe.each(await databaseKinds())('unknown user names on %s', (kind) => {
  // About 25 sign-ins on this server: under the 30 a minute the login route allows one address.
  let server: TestServer;
  let agency: string;
  const login = (username: string, password: string) => anonymous(server).post('/api/auth/login', { username, password });
  /** What a client sees of an answer: everything but the request id. */
  const seen = (answer: HttpAnswer) => {
    const { requestId: _ignored, ...body } = answer.body ?? {};
    return { status: answer.status, retryAfter: answer.headers.get('retry-after'), body };
  };

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    agency = await makeAgency(server.platform, 'Border Police');
  });
  afterAll(() => server.close());

  it('locks an unknown or disabled user name exactly as it locks an account, so a 429 does not tell which names exist', async () => {
    await makeUser(server.platform, agency, 'first_responder', 'responder.real');
    const disabledId = await makeUser(server.platform, agency, 'first_responder', 'responder.gone');
    await withAudit(server.platform, { actorUserId: null, actorAgencyId: null, requestId: 'test', clientAddress: null }, (trx, record) =>
      updateUser(trx, record, disabledId, 1, { disabled: true }, server.clock.now(), null),
    );
    const names = ['responder.real', 'responder.ghost', 'responder.gone'];

    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const answers = await Promise.all(names.map((name) => login(name, WRONG)));
      const [real, ...others] = answers.map(seen);
      expect(real!.status, `attempt ${attempt}`).toBe(attempt < 5 ? 401 : 429);
      for (const other of others) expect(other, `attempt ${attempt}`).toEqual(real);
    }
    expect(seen(await login('responder.real', WRONG)).retryAfter).toBe(String(15 * 60));

    // Still locked a minute later, with the same time left, whether the password is right or not.
    server.clock.advance(MINUTE);
    const whileLocked = (await Promise.all(names.map((name) => login(name, TEST_PASSWORD)))).map(seen);
    expect(whileLocked[0]!.status).toBe(429);
    expect(whileLocked[0]!.retryAfter).toBe(String(14 * 60));
    for (const other of whileLocked.slice(1)) expect(other).toEqual(whileLocked[0]);

    // Another unknown name is not locked by this one.
    expect((await login('responder.phantom', WRONG)).status).toBe(401);

    server.clock.advance(14 * MINUTE);
    const released = (await Promise.all(names.map((name) => login(name, WRONG)))).map(seen);
    expect(released[0]!.status).toBe(401);
    for (const other of released.slice(1)) expect(other).toEqual(released[0]);
  });
});

describe.each(await databaseKinds())('unknown user names behind several processes on %s', (kind) => {
  // Two server processes on one database (each its own platform and app), one of them restarted
  // midway: the answers to the same wrong passwords must not tell a real account from a name
  // that does not exist. About 25 sign-ins: under the 30 a minute the login route allows one address.
  let server: TestServer;
  let agency: string;
  const processes: { platform: Platform; app: HavenApp; url: string }[] = [];
  const startProcess = async () => {
    const platform = await server.database.open(server.clock.now);
    platform.config.logLevel = 'warn';
    const app = await buildHavenApp(platform);
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const started = { platform, app, url };
    processes.push(started);
    return started;
  };
  const stopProcess = async (stopped: { platform: Platform; app: HavenApp }) => {
    await stopped.app.close();
    await stopped.platform.database.close();
  };
  const seen = (answer: HttpAnswer) => {
    const { requestId: _ignored, instance: _path, ...body } = answer.body ?? {};
    return { status: answer.status, retryAfter: answer.headers.get('retry-after'), body };
  };

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    agency = await makeAgency(server.platform, 'Border Police');
  });
  afterAll(async () => {
    for (const running of processes) await stopProcess(running).catch(() => undefined);
    await server.close();
  });

  it('answers a real account and an unknown name alike at every step, on either process and across a restart', async () => {
    await makeUser(server.platform, agency, 'first_responder', 'several.real');
    const names = ['several.real', 'several.ghost'];
    let a = await startProcess();
    let b = await startProcess();
    const on = (target: { url: string }, name: string, password: string) => new Caller(target.url).post('/api/auth/login', { username: name, password });

    for (let attempt = 1; attempt <= 5; attempt += 1) {
      // Each name's attempts alternate between the processes; b is restarted after the second
      // attempt and a after the fourth, so no process has seen all five.
      if (attempt === 3) {
        await stopProcess(b);
        b = await startProcess();
      }
      if (attempt === 5) {
        await stopProcess(a);
        a = await startProcess();
      }
      const target = attempt % 2 === 1 ? a : b;
      const [real, ghost] = (await Promise.all(names.map((name) => on(target, name, WRONG)))).map(seen);
      expect(real!.status, `attempt ${attempt}`).toBe(attempt < 5 ? 401 : 429);
      expect(ghost, `attempt ${attempt}`).toEqual(real);
    }
    // Locked on both processes, even with the right password, with the same time left.
    server.clock.advance(MINUTE);
    for (const target of [a, b]) {
      const [real, ghost] = (await Promise.all(names.map((name) => on(target, name, TEST_PASSWORD)))).map(seen);
      expect(real!.status).toBe(429);
      expect(real!.retryAfter).toBe(String(14 * 60));
      expect(ghost).toEqual(real);
    }
  });

  it('keeps no typed-in name: an unknown name is counted under a keyed hash', async () => {
    const rows = await server.platform.database.db.selectFrom('unknown_login_attempts').select('key').execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const { key } of rows) {
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(key).not.toContain('ghost');
    }
  });

  it('forgets failures after a quiet day, for an account and an unknown name alike, and deletes the unknown name’s counter', async () => {
    await makeUser(server.platform, agency, 'first_responder', 'quiet.real');
    const names = ['quiet.real', 'quiet.ghost'];
    const login = (name: string) => anonymous(server).post('/api/auth/login', { username: name, password: WRONG });
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const [real, ghost] = (await Promise.all(names.map(login))).map(seen);
      expect(real!.status).toBe(401);
      expect(ghost).toEqual(real);
    }
    server.clock.advance(24 * 60 * MINUTE);
    const counters = () => server.platform.database.db.selectFrom('unknown_login_attempts').select('key').execute();
    const before = (await counters()).length;
    // The fifth failure a day later is a first one again, for both.
    const [real, ghost] = (await Promise.all(names.map(login))).map(seen);
    expect(real!.status).toBe(401);
    expect(ghost).toEqual(real);
    // Counters with nothing left to count (the first test's names: lock over, failures a day old) are deleted.
    for (let waited = 0; (await counters()).length >= before && waited < 5_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await counters()).length).toBeLessThan(before);
  });

  it('looks a name up as accounts are made (lower case, no spaces around), so spellings of one name count as one', async () => {
    await makeUser(server.platform, agency, 'first_responder', 'spelt.real');
    const spellings = (name: string) => [name.toUpperCase(), ` ${name}`, name, `${name[0]!.toUpperCase()}${name.slice(1)}`, `${name}\u00a0`];
    const login = (name: string, password = WRONG) => anonymous(server).post('/api/auth/login', { username: name, password });
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const [real, ghost] = (await Promise.all(['spelt.real', 'spelt.ghost'].map((name) => login(spellings(name)[attempt]!)))).map(seen);
      expect(real!.status, `attempt ${attempt + 1}`).toBe(attempt < 4 ? 401 : 429);
      expect(ghost, `attempt ${attempt + 1}`).toEqual(real);
    }
    server.clock.advance(15 * MINUTE);
    expect((await login('Spelt.Real', TEST_PASSWORD)).status).toBe(200);
  });
});
