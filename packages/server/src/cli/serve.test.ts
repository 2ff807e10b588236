import http from 'node:http';
import net from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../platform/context.js';
import { freePort, signedIn, startServerProcess, type ServerProcess, type SignedIn } from '../resilience/test-support/processes.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../test-support/databases.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON as answered
}

async function get(server: ServerProcess, path: string, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(`${server.url}${path}`, { headers });
  return { status: response.status, body: await response.json() };
}

/**
 * A POST whose body arrives in two parts: the request is in flight (headers read, the body still
 * coming) until `finish` sends the rest. Its own connection, so nothing else shares it.
 */
function slowPost(server: ServerProcess, path: string, headers: Record<string, string>, body: unknown) {
  const text = Buffer.from(JSON.stringify(body));
  const half = Math.floor(text.length / 2);
  const request = http.request(`${server.url}${path}`, {
    method: 'POST',
    agent: false,
    headers: { ...headers, 'content-type': 'application/json', 'content-length': String(text.length) },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    request.once('error', reject);
    request.once('response', (response) => {
      let received = '';
      response.on('data', (chunk: Buffer) => {
        received += chunk.toString();
      });
      response.once('end', () => resolve({ status: response.statusCode!, body: received ? JSON.parse(received) : undefined }));
      response.once('error', reject);
    });
  });
  answer.catch(() => undefined); // awaited by the test, or expected to fail
  request.flushHeaders();
  request.write(text.subarray(0, half));
  return { answer, finish: () => request.end(text.subarray(half)) };
}

/** Whether a new connection to the server's port is accepted. */
function accepts(server: ServerProcess): Promise<boolean> {
  const { port } = new URL(server.url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Milliseconds from the signal until the process has exited, and how it exited. */
async function timeStop(server: ServerProcess, signal: NodeJS.Signals = 'SIGTERM') {
  const started = performance.now();
  server.signal(signal);
  const exit = await server.exited();
  return { ...exit, ms: performance.now() - started };
}

describe.each(await databaseKinds())('haven serve stopping on a signal, on %s', (kind) => {
  let database: TestDatabase;
  let setup: Platform;
  let statistician: SignedIn;
  let officer: SignedIn;
  const running: ServerProcess[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const server = await startServerProcess(database.config, await freePort(), env);
    running.push(server);
    return server;
  };

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    setup = await database.open();
    statistician = await signedIn(setup, 'coordinator', 'serve.statistician');
    officer = await signedIn(setup, 'protection_officer', 'serve.officer');
  }, 60_000);
  afterAll(async () => {
    for (const server of running) if (server.alive()) await server.kill9();
    await setup?.database.close();
    await database?.destroy();
  });

  it('exits 0 within two seconds of SIGTERM after serving a report read', { timeout: 90_000 }, async () => {
    const server = await start();
    const report = await get(server, '/api/stats/indicators', statistician.headers);
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    const stopped = await timeStop(server);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(2_000);
    expect(server.stderr()).toBe('');
  });

  it('answers a request in flight before it exits, and accepts no new connection meanwhile', { timeout: 90_000 }, async () => {
    const server = await start();
    const request = slowPost(server, '/api/persons', officer.headers, { givenName: 'Drain', familyName: 'Inflight', sex: 'female' });
    await sleep(300); // the server has read the headers and waits for the body
    server.signal('SIGTERM');
    await sleep(500);
    expect(server.alive()).toBe(true);
    expect(await accepts(server)).toBe(false);
    request.finish();
    const answer = await request.answer;
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const exit = await server.exited();
    expect(exit.code).toBe(0);
    const stored = await setup.database.db.selectFrom('persons').select('id').where('id', '=', answer.body.id).execute();
    expect(stored).toHaveLength(1);
  });

  it('does not let a stuck request keep it running past the grace', { timeout: 90_000 }, async () => {
    const server = await start({ HAVEN_SHUTDOWN_GRACE_SECONDS: '1' });
    const stuck = slowPost(server, '/api/persons', officer.headers, { givenName: 'Never', familyName: 'Finished', sex: 'male' });
    await sleep(300);
    const stopped = await timeStop(server);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeGreaterThanOrEqual(900);
    expect(stopped.ms).toBeLessThan(3_000);
    await expect(stuck.answer).rejects.toThrow();
  });

  it('drains on SIGINT as on SIGTERM, and exits at once on a second signal', { timeout: 90_000 }, async () => {
    const server = await start();
    const stuck = slowPost(server, '/api/persons', officer.headers, { givenName: 'Second', familyName: 'Signal', sex: 'male' });
    await sleep(300);
    server.signal('SIGINT');
    await sleep(300);
    expect(server.alive()).toBe(true);
    const stopped = await timeStop(server, 'SIGINT');
    expect(stopped.code).toBe(130);
    expect(stopped.ms).toBeLessThan(1_000);
    await expect(stuck.answer).rejects.toThrow();
  });

  it.runIf(kind === 'postgres')('finishes a request waiting on the database before it exits', { timeout: 90_000 }, async () => {
    const server = await start();
    // Hold the audit chain's head: the registration below waits for it inside its transaction.
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holder = 0;
    const holding = setup.database.db.transaction().execute(async (trx) => {
      holder = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]!.pid;
      await sql`select seq from audit_head where id = 1 for update`.execute(trx);
      await released;
    });
    try {
      while (holder === 0) await sleep(10);
      const registering = fetch(`${server.url}/api/persons`, {
        method: 'POST',
        headers: { ...officer.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ givenName: 'Waiting', familyName: 'On the chain', sex: 'female' }),
      });
      const waiting = async () =>
        Number((await sql<{ n: number }>`select count(*) as n from pg_stat_activity where ${holder} = any(pg_blocking_pids(pid))`.execute(setup.database.db)).rows[0]!.n);
      for (let waited = 0; (await waiting()) === 0; waited += 20) {
        if (waited > 10_000) throw new Error('the registration never reached the database');
        await sleep(20);
      }
      server.signal('SIGTERM');
      await sleep(500);
      expect(server.alive()).toBe(true);
      release();
      await holding;
      const answer = await registering;
      expect(answer.status).toBe(201);
      // The answer's connection stays open for more requests (keep-alive): it must not hold the exit.
      const answered = performance.now();
      expect((await server.exited()).code).toBe(0);
      expect(performance.now() - answered).toBeLessThan(2_000);
    } finally {
      release();
      await holding;
    }
  });
});
