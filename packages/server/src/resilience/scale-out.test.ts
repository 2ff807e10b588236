import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHaven } from '../cli/test-support/haven.js';
import type { Platform } from '../platform/context.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../test-support/databases.js';
import { makeAgency, makeUser, TEST_PASSWORD } from '../test-support/server.js';
import { freePort, signedIn, startServerProcess, type ServerProcess, type SignedIn } from './test-support/processes.js';

const WRONG = 'not-the-right-password-1';

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON as answered
}

async function call(server: ServerProcess, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Answer> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

// Two `haven serve` processes on one PostgreSQL schema, requests alternating between them, as a
// load balancer without sticky sessions would send them.
describe.skipIf(!(await postgresAvailable()))('two server processes on one PostgreSQL database', () => {
  let database: TestDatabase;
  let setup: Platform;
  let a: ServerProcess;
  let b: ServerProcess;
  let portA: number;
  let officer: SignedIn;
  let agency: string;
  const either = (i: number) => (i % 2 === 0 ? a : b);
  const login = (server: ServerProcess, username: string, password: string) => call(server, 'POST', '/api/auth/login', {}, { username, password });

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    setup = await database.open();
    officer = await signedIn(setup, 'protection_officer', 'scale.officer');
    agency = officer.agencyId;
    portA = await freePort();
    [a, b] = await Promise.all([startServerProcess(database.config, portA), startServerProcess(database.config, await freePort())]);
  }, 120_000);
  afterAll(async () => {
    for (const server of [a, b]) if (server?.alive()) await server.stop();
    await setup?.database.close();
    await database?.destroy();
  });

  it('runs two processes, not one', () => {
    expect(a.pid).not.toBe(b.pid);
    expect(a.url).not.toBe(b.url);
  });

  it('honours a session on either process, and a sign-out on one ends it on the other', async () => {
    const user = await signedIn(setup, 'first_responder', 'scale.roamer', agency);
    expect((await call(a, 'GET', '/api/auth/me', user.headers)).body.username).toBe('scale.roamer');
    expect((await call(b, 'GET', '/api/auth/me', user.headers)).status).toBe(200);
    expect((await call(a, 'POST', '/api/auth/logout', user.headers, {})).status).toBeLessThan(300);
    expect((await call(b, 'GET', '/api/auth/me', user.headers)).status).toBe(401);
    expect((await call(a, 'GET', '/api/auth/me', user.headers)).status).toBe(401);
  });

  it('locks an account after five failures spread over both processes, on both', async () => {
    await makeUser(setup, agency, 'first_responder', 'scale.locked');
    // The fifth failure locks: it is already refused.
    for (let i = 0; i < 5; i += 1) expect((await login(either(i), 'scale.locked', WRONG)).status, `attempt ${i + 1}`).toBe(i < 4 ? 401 : 429);
    expect((await login(a, 'scale.locked', TEST_PASSWORD)).status).toBe(429);
    expect((await login(b, 'scale.locked', TEST_PASSWORD)).status).toBe(429);
  }, 60_000);

  it('counts sign-in attempts from one address across both processes: thirty a minute in all', async () => {
    // The lockout test above made 7 attempts from this address, counted once across both processes;
    // fill the window to thirty.
    const counted = await setup.database.db.selectFrom('rate_limits').select('hits').execute();
    const already = counted.reduce((most, row) => Math.max(most, Number(row.hits)), 0);
    expect(already).toBe(7);
    for (let i = already; i < 30; i += 1) {
      const answer = await login(either(i), `nobody.${i}`, WRONG);
      expect(answer.status, `attempt ${i + 1} on ${i % 2 === 0 ? 'a' : 'b'}`).toBe(401);
    }
    // Each process alone has seen about fifteen: only a shared count refuses now, on both.
    const refusedA = await login(a, 'nobody.a', WRONG);
    const refusedB = await login(b, 'nobody.b', WRONG);
    expect(refusedA.status).toBe(429);
    expect(refusedB.status).toBe(429);
    expect(refusedB.body.type).toContain('too-many-requests');
  }, 120_000);

  it('refuses a stale version written through the other process (optimistic locking)', async () => {
    const created = await call(a, 'POST', '/api/persons', officer.headers, { givenName: 'Mariam', familyName: 'Keita', sex: 'female' });
    expect(created.status).toBe(201);
    const { id, version } = created.body;
    const first = await call(b, 'PATCH', `/api/persons/${id}`, officer.headers, { version, familyName: 'Keïta' });
    expect(first.status).toBe(200);
    const stale = await call(a, 'PATCH', `/api/persons/${id}`, officer.headers, { version, familyName: 'Kei' });
    expect(stale.status).toBe(409);
    expect((await call(a, 'GET', `/api/persons/${id}`, officer.headers)).body.fields.familyName).toBe('Keïta');
  });

  it('keeps one unbroken audit chain while both processes write at once', async () => {
    const before = Number((await setup.database.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const writes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => call(either(i), 'POST', '/api/persons', officer.headers, { givenName: `Concurrent ${i}`, sex: 'unknown' })),
    );
    expect(writes.map((w) => w.status)).toEqual(Array(40).fill(201));
    const after = Number((await setup.database.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    expect(after - before).toBeGreaterThanOrEqual(40);
    const seqs = (await setup.database.db.selectFrom('audit_events').select('seq').orderBy('seq').execute()).map((row) => Number(row.seq));
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    const verify = await spawnHaven(database.config, ['audit', 'verify']);
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
  }, 60_000);

  it('lets the retry on the other process through within seconds when the process holding its key is killed mid-request', async () => {
    const key = `scale-${randomUUID()}`;
    const place = `Killed mid-request ${randomUUID()}`;
    const body = { type: 'rescue_at_sea', occurredAt: new Date(Date.now() - 3_600_000).toISOString(), place: { name: place } };
    const headers = { ...officer.headers, 'idempotency-key': key };
    // The audit chain's head is held here, so the request on a waits inside its transaction,
    // its key reserved; a is killed there.
    await setup.database.db.transaction().execute(async (trx) => {
      const holder = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]!.pid;
      await sql`select seq from audit_head where id = 1 for update`.execute(trx);
      void call(a, 'POST', '/api/encounters', headers, body).catch(() => undefined);
      for (let waited = 0; ; waited += 20) {
        const blocked = await sql<{ n: number }>`select count(*) as n from pg_stat_activity where ${holder} = any(pg_blocking_pids(pid))`.execute(setup.database.db);
        if (Number(blocked.rows[0]!.n) > 0) break;
        if (waited > 10_000) throw new Error('the request never reached the audit chain');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await a.kill9();
    });
    const reserved = await setup.database.db.selectFrom('idempotency_keys').select('status').where('key', '=', key).executeTakeFirstOrThrow();
    expect(reserved.status).toBe(0); // the killed request left its key reserved, its work uncommitted

    const started = performance.now();
    const retry = await call(b, 'POST', '/api/encounters', headers, body);
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(performance.now() - started).toBeLessThan(5_000);
    const again = await call(b, 'POST', '/api/encounters', headers, body);
    expect(again.body.id).toBe(retry.body.id);
    const stored = await setup.database.db.selectFrom('encounters').select('id').where('place_name', '=', place).execute();
    expect(stored).toEqual([{ id: retry.body.id }]);
    a = await startServerProcess(database.config, portA);
  }, 120_000);

  it('lets a second agency’s records stay out of reach through either process', async () => {
    const other = await signedIn(setup, 'protection_officer', 'scale.other', await makeAgency(setup, 'Other Agency'));
    const mine = await call(a, 'POST', '/api/persons', officer.headers, { givenName: 'Private', sex: 'male' });
    expect((await call(b, 'GET', `/api/persons/${mine.body.id}`, other.headers)).status).toBe(404);
  });
});
