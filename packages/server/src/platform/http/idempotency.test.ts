import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHavenApp } from '../../server.js';
import { databaseKinds } from '../../test-support/databases.js';
import { Caller, makeAgency, makeUser, sessionFor, startTestServer, type TestServer } from '../../test-support/server.js';
import { withAudit, type RecordAudit } from '../audit/recorder.js';
import { createSession } from '../auth/sessions.js';
import type { Platform } from '../context.js';
import type { Tx } from '../db/database.js';
import { holdProcessLease, LEASE_TTL_MS, processOnThisMachine, thisProcess, type ProcessLease } from '../process-lease.js';
import type { HavenApp } from './app.js';

// Every creating request accepts an Idempotency-Key; a repeat with the same key (a field device
// retrying after a lost answer) returns the first answer and creates nothing new, also when the
// repeat reaches another server process. A key whose process is gone is taken over at once.

/** The pid of a process that has run and exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe.each(await databaseKinds())('idempotent creation on %s', (kind) => {
  let server: TestServer;
  let responderId: string;
  let responder: Caller;
  let colleague: Caller;
  /** A second server process: its own platform (connections) and app on the same database. */
  let secondPlatform: Platform;
  let secondApp: HavenApp;
  let secondUrl: string;
  /** A lease held by this (live) process, as a request of another app here would hold one. */
  let liveLease: ProcessLease;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    const agency = await makeAgency(server.platform, 'Coast Guard');
    responderId = await makeUser(server.platform, agency, 'first_responder', 'responder');
    responder = await sessionFor(server, responderId);
    colleague = await sessionFor(server, await makeUser(server.platform, agency, 'first_responder', 'colleague'));
    secondPlatform = await server.database.open(server.clock.now);
    secondPlatform.config.logLevel = 'warn';
    secondApp = await buildHavenApp(secondPlatform);
    secondUrl = await secondApp.listen({ host: '127.0.0.1', port: 0 });
    liveLease = await holdProcessLease(server.platform);
  });
  afterAll(async () => {
    await liveLease?.release();
    await secondApp?.close();
    await secondPlatform?.database.close();
    await server.close();
  });

  const db = () => server.platform.database.db;
  const key = () => `device-7:${randomUUID()}`;
  const encounter = (place: string, extra: Record<string, unknown> = {}) => ({
    type: 'rescue_at_sea',
    occurredAt: new Date(server.clock.now().getTime() - 3_600_000).toISOString(),
    place: { name: place },
    ...extra,
  });
  async function encountersAt(place: string): Promise<number> {
    return (await db().selectFrom('encounters').select('id').where('place_name', '=', place).execute()).length;
  }
  async function personsAt(encounterId: string): Promise<number> {
    return (await db().selectFrom('persons').select('id').where('encounter_id', '=', encounterId).execute()).length;
  }
  /** A reservation in progress, as a request holding the key would have left it. */
  const reserve = (k: string, holder: string, fingerprint = 'of-another-request') =>
    db().insertInto('idempotency_keys').values({ user_id: responderId, key: k, fingerprint, status: 0, response_enc: '', created_at: server.clock.now().toISOString(), holder }).execute();
  /** A lease row, as another process would have written it. */
  async function lease(fields: { machine: string; pid: number; started: string }, ttl = LEASE_TTL_MS): Promise<string> {
    const id = randomUUID();
    await db()
      .insertInto('process_leases')
      .values({ id, machine: fields.machine, pid: fields.pid, process_started: fields.started, expires_at: new Date(server.clock.now().getTime() + ttl).toISOString() })
      .execute();
    return id;
  }

  it('replays the first answer to a repeat with the same key and creates nothing new', async () => {
    const k = key();
    const place = `Replay ${randomUUID()}`;
    const body = encounter(place);
    const first = await responder.post('/api/encounters', body, { 'idempotency-key': k });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotency-replayed')).toBeNull();
    server.clock.advance(1000);
    const again = await responder.post('/api/encounters', body, { 'idempotency-key': k });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.headers.get('content-type')).toContain('application/json');
    expect(again.body).toEqual(first.body);
    expect(await encountersAt(place)).toBe(1);
    // Without a key, the same body is a second encounter: the key is what makes a retry a retry.
    expect((await responder.post('/api/encounters', body)).status).toBe(201);
    expect(await encountersAt(place)).toBe(2);
  });

  it('stores each answer of keyed registrations committed together, and replays each its own', async () => {
    // Twenty devices at once: their registrations share one transaction (group commit), and the
    // answers are stored in one statement; each key must still replay exactly its own answer.
    const keys = Array.from({ length: 20 }, () => key());
    const body = (i: number) => ({ givenName: `Device${i}`, familyName: 'Together', sex: 'unknown', ageClaimed: 20 + i });
    const first = await Promise.all(keys.map((k, i) => (i % 2 === 0 ? responder : colleague).post('/api/persons', body(i), { 'idempotency-key': k })));
    expect(first.map((answer) => answer.status)).toEqual(keys.map(() => 201));
    const again = await Promise.all(keys.map((k, i) => (i % 2 === 0 ? responder : colleague).post('/api/persons', body(i), { 'idempotency-key': k })));
    for (const [i, answer] of again.entries()) {
      expect(answer.headers.get('idempotency-replayed')).toBe('true');
      expect(answer.body).toEqual(first[i]!.body);
    }
    expect(new Set(first.map((answer) => answer.body.id)).size).toBe(20);
    // The same key three times at once on one process: one registration, three equal answers.
    const k = key();
    const same = await Promise.all([0, 1, 2].map(() => responder.post('/api/persons', body(99), { 'idempotency-key': k })));
    expect(same.map((answer) => answer.status)).toEqual([201, 201, 201]);
    expect(same.filter((answer) => answer.headers.get('idempotency-replayed') === 'true')).toHaveLength(2);
    expect(new Set(same.map((answer) => answer.body.id)).size).toBe(1);
  });

  it('refuses the same key for a different request with 422 naming the header', async () => {
    const k = key();
    const place = `Reuse ${randomUUID()}`;
    expect((await responder.post('/api/encounters', encounter(place), { 'idempotency-key': k })).status).toBe(201);
    const different = await responder.post('/api/encounters', encounter(place, { dead: 3 }), { 'idempotency-key': k });
    expect(different.status).toBe(422);
    expect(different.headers.get('content-type')).toContain('application/problem+json');
    expect(different.body.errors.map((e: { field: string }) => e.field)).toEqual(['header:idempotency-key']);
    expect(await encountersAt(place)).toBe(1);
    const otherRoute = await responder.post(`/api/encounters/${randomUUID()}/persons`, { persons: [{ sex: 'male' }] }, { 'idempotency-key': k });
    expect(otherRoute.status).toBe(422);
  });

  it('keeps keys per user: a colleague’s request with the same key is their own', async () => {
    const k = key();
    const place = `Per user ${randomUUID()}`;
    const mine = await responder.post('/api/encounters', encounter(place), { 'idempotency-key': k });
    const theirs = await colleague.post('/api/encounters', encounter(place), { 'idempotency-key': k });
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotency-replayed')).toBeNull();
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(await encountersAt(place)).toBe(2);
  });

  it('registers a boat’s worth of persons once when the mass registration is retried', async () => {
    const created = await responder.post('/api/encounters', encounter(`Mass ${randomUUID()}`));
    const persons = Array.from({ length: 150 }, (_, i) => ({ sex: i % 2 ? 'male' : 'female', ageClaimed: 10 + (i % 50), ...(i % 10 === 0 ? { indicators: ['medical_emergency'] } : {}) }));
    const k = key();
    const audit = async () => Number((await db().selectFrom('audit_events').select(({ fn }) => fn.countAll<number>().as('n')).where('action', '=', 'person.create').executeTakeFirstOrThrow()).n);
    const auditBefore = await audit();
    const first = await responder.post(`/api/encounters/${created.body.id}/persons`, { persons }, { 'idempotency-key': k });
    expect(first.status).toBe(201);
    const again = await responder.post(`/api/encounters/${created.body.id}/persons`, { persons }, { 'idempotency-key': k });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await personsAt(created.body.id)).toBe(150);
    expect(await audit()).toBe(auditBefore + 150);
  });

  it('replays the answer when the retry reaches another server process', async () => {
    const session = await createSession(db(), responderId, 'full', server.clock.now());
    const viaFirst = new Caller(server.baseUrl, { cookie: `haven_session=${session.token}`, csrf: session.csrfToken });
    const viaSecond = new Caller(secondUrl, { cookie: `haven_session=${session.token}`, csrf: session.csrfToken });
    const created = await viaFirst.post('/api/encounters', encounter(`Two processes ${randomUUID()}`));
    const persons = Array.from({ length: 40 }, () => ({ sex: 'female', ageClaimed: 30 }));
    const k = key();
    const first = await viaFirst.post(`/api/encounters/${created.body.id}/persons`, { persons }, { 'idempotency-key': k });
    expect(first.status).toBe(201);
    const retried = await viaSecond.post(`/api/encounters/${created.body.id}/persons`, { persons }, { 'idempotency-key': k });
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotency-replayed')).toBe('true');
    expect(retried.body).toEqual(first.body);
    expect(await personsAt(created.body.id)).toBe(40);

    // And the other way round, for an encounter first created through the second process.
    const place = `Second first ${randomUUID()}`;
    const k2 = key();
    const viaSecondFirst = await viaSecond.post('/api/encounters', encounter(place), { 'idempotency-key': k2 });
    expect(viaSecondFirst.status).toBe(201);
    const viaFirstAgain = await viaFirst.post('/api/encounters', encounter(place), { 'idempotency-key': k2 });
    expect(viaFirstAgain.headers.get('idempotency-replayed')).toBe('true');
    expect(viaFirstAgain.body).toEqual(viaSecondFirst.body);
    expect(await encountersAt(place)).toBe(1);
  });

  it('creates once when retries with one key arrive at both processes at the same time', async () => {
    const session = await createSession(db(), responderId, 'full', server.clock.now());
    const callers = [server.baseUrl, secondUrl].map((url) => new Caller(url, { cookie: `haven_session=${session.token}`, csrf: session.csrfToken }));
    const place = `Race ${randomUUID()}`;
    const k = key();
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => callers[i % 2]!.post('/api/encounters', encounter(place), { 'idempotency-key': k })));
    for (const answer of answers) {
      expect([201, 409], JSON.stringify(answer.body)).toContain(answer.status);
      if (answer.status === 409) {
        expect(answer.body.type).toMatch(/idempotency-key-in-use$/);
        expect(answer.headers.get('retry-after')).toBe('1');
      }
    }
    expect(await encountersAt(place)).toBe(1);
    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThan(0);
    expect(new Set(created.map((a) => a.body.id)).size).toBe(1);
    // Once the first has answered, every retry gets its answer.
    const late = await callers[1]!.post('/api/encounters', encounter(place), { 'idempotency-key': k });
    expect(late.status).toBe(201);
    expect(late.body.id).toBe(created[0]!.body.id);
  });

  it('does not burn the key on a refused request: the corrected request with the same key goes through', async () => {
    const place = `Corrected ${randomUUID()}`;
    const k = key();
    const invalid = await responder.post('/api/encounters', { ...encounter(place), type: 'submarine' }, { 'idempotency-key': k });
    expect(invalid.status).toBe(400);
    const future = await responder.post('/api/encounters', encounter(place, { occurredAt: new Date(server.clock.now().getTime() + 3_600_000).toISOString() }), { 'idempotency-key': k });
    expect(future.status).toBe(422);
    expect(future.body.errors.map((e: { field: string }) => e.field)).toEqual(['occurredAt']);
    const corrected = await responder.post('/api/encounters', encounter(place), { 'idempotency-key': k });
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(201);
    expect(corrected.headers.get('idempotency-replayed')).toBeNull();
    expect(await encountersAt(place)).toBe(1);

    // A mass registration refused as a whole (a birth date in the future) frees its key too.
    const enc = await responder.post('/api/encounters', encounter(`Batch ${randomUUID()}`));
    const k2 = key();
    const bad = await responder.post(`/api/encounters/${enc.body.id}/persons`, { persons: [{ sex: 'male' }, { sex: 'male', birthDate: '2027-01-01' }] }, { 'idempotency-key': k2 });
    expect(bad.status).toBe(422);
    const good = await responder.post(`/api/encounters/${enc.body.id}/persons`, { persons: [{ sex: 'male' }, { sex: 'male', birthDate: '2007-01-01' }] }, { 'idempotency-key': k2 });
    expect(good.status, JSON.stringify(good.body)).toBe(201);
    expect(await personsAt(enc.body.id)).toBe(2);
  });

  it('lets the corrected retry through when it arrives before the refused request has freed its key', async () => {
    // The refused request's reservation (another body) is still there when the retry arrives, and
    // is freed a moment later, as the refused request finishes answering.
    const k = key();
    const place = `Early retry ${randomUUID()}`;
    await reserve(k, liveLease.id, 'of-the-refused-request');
    const release = new Promise((resolve) => setTimeout(resolve, 300)).then(() => db().deleteFrom('idempotency_keys').where('user_id', '=', responderId).where('key', '=', k).execute());
    const retry = await responder.post('/api/encounters', encounter(place), { 'idempotency-key': k });
    await release;
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(retry.headers.get('idempotency-replayed')).toBeNull();
    expect(await encountersAt(place)).toBe(1);
  });

  it('answers 409 with retry-after while another request holds the key for too long', async () => {
    const k = key();
    await reserve(k, liveLease.id, 'still-working');
    const place = `Busy ${randomUUID()}`;
    const answer = await responder.post('/api/encounters', encounter(place), { 'idempotency-key': k });
    expect(answer.status).toBe(409);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(answer.body.type).toMatch(/idempotency-key-in-use$/);
    expect(await encountersAt(place)).toBe(0);
    // A request a minute old has been given up by its client: its key is taken over even though
    // its process still runs (and could no longer store its answer).
    server.clock.advance(61_000);
    responder = await sessionFor(server, responderId);
    const later = await responder.post('/api/encounters', encounter(place), { 'idempotency-key': k });
    expect(later.status, JSON.stringify(later.body)).toBe(201);
    expect(await encountersAt(place)).toBe(1);
  });

  it('takes a key over at once when the process holding it no longer runs on this machine', async () => {
    for (const holder of [
      // killed: its pid is gone
      await lease({ machine: thisProcess.machine, pid: await deadPid(), started: '1' }),
      // killed, and its pid now belongs to another process (this one), which started at another time
      await lease({ machine: thisProcess.machine, pid: process.pid, started: `${thisProcess.started}0` }),
    ]) {
      const k = key();
      await reserve(k, holder);
      const place = `Taken over ${randomUUID()}`;
      const started = performance.now();
      const answer = await responder.post('/api/encounters', encounter(place), { 'idempotency-key': k });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      expect(answer.headers.get('idempotency-replayed')).toBeNull();
      expect(performance.now() - started).toBeLessThan(1_500); // not after waiting for the key
      expect(await encountersAt(place)).toBe(1);
      const again = await responder.post('/api/encounters', encounter(place), { 'idempotency-key': k });
      expect(again.headers.get('idempotency-replayed')).toBe('true');
      expect(again.body.id).toBe(answer.body.id);
    }
  });

  it('takes a key over from a process that stopped cleanly (its lease released)', async () => {
    const stopped = await holdProcessLease(server.platform);
    const k = key();
    await reserve(k, stopped.id);
    await stopped.release();
    const place = `Released ${randomUUID()}`;
    expect((await responder.post('/api/encounters', encounter(place), { 'idempotency-key': k })).status).toBe(201);
    expect(await encountersAt(place)).toBe(1);
  });

  it('leaves the key to a process of this machine that still runs, whatever its lease says', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const k = key();
      await reserve(k, await lease(processOnThisMachine(child.pid!)));
      const place = `Still running ${randomUUID()}`;
      expect((await responder.post('/api/encounters', encounter(place), { 'idempotency-key': k })).status).toBe(409);
      // Its lease has lapsed (it is frozen, say): on this machine the process itself is asked.
      server.clock.advance(LEASE_TTL_MS + 1_000);
      responder = await sessionFor(server, responderId);
      expect((await responder.post('/api/encounters', encounter(place), { 'idempotency-key': k })).status).toBe(409);
      expect(await encountersAt(place)).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('takes a key over from a process on another machine once its lease has lapsed', async () => {
    const k = key();
    await reserve(k, await lease({ machine: 'another-machine', pid: process.pid, started: thisProcess.started }));
    const place = `Elsewhere ${randomUUID()}`;
    const waiting = await responder.post('/api/encounters', encounter(place), { 'idempotency-key': k });
    expect(waiting.status).toBe(409);
    expect(waiting.headers.get('retry-after')).toBe('1');
    server.clock.advance(LEASE_TTL_MS);
    responder = await sessionFor(server, responderId);
    const after = await responder.post('/api/encounters', encounter(place), { 'idempotency-key': k });
    expect(after.status, JSON.stringify(after.body)).toBe(201);
    expect(await encountersAt(place)).toBe(1);
  });

  it('stores no answer, and rolls back the work, of a request whose key was taken over meanwhile', async () => {
    const context = (k: string, holder: string) => ({
      actorUserId: responderId,
      actorAgencyId: null,
      requestId: `fence-${k}`,
      clientAddress: null,
      idempotency: { userId: responderId, key: k, status: 201, holder, stored: false },
    });
    const work = (name: string) =>
      async (trx: Tx, record: RecordAudit) => {
        await trx.insertInto('meta').values({ key: name, value: 'created' }).execute();
        record({ action: 'settings.update', recordType: 'setting', recordId: name });
        return { name };
      };
    const meta = async (name: string) => (await db().selectFrom('meta').select('key').where('key', '=', name).execute()).length;
    // Alone, and committing together with a request that still holds its key.
    const [lost, kept] = [key(), key()];
    await reserve(lost, 'the-lease-that-took-it-over');
    await reserve(kept, liveLease.id);
    const [lostName, keptName] = [`fence-lost-${randomUUID()}`, `fence-kept-${randomUUID()}`];
    const [lostRun, keptRun] = await Promise.allSettled([
      withAudit(server.platform, context(lost, liveLease.id), work(lostName)),
      withAudit(server.platform, context(kept, liveLease.id), work(keptName)),
    ]);
    expect(lostRun.status).toBe('rejected');
    expect((lostRun as PromiseRejectedResult).reason).toMatchObject({ status: 409, code: 'idempotency-key-in-use' });
    expect(keptRun).toEqual({ status: 'fulfilled', value: { name: keptName } });
    expect(await meta(lostName)).toBe(0);
    expect(await meta(keptName)).toBe(1);
    const rows = await db().selectFrom('idempotency_keys').select(['key', 'status', 'holder']).where('key', 'in', [lost, kept]).execute();
    expect(rows.find((row) => row.key === lost)).toEqual({ key: lost, status: 0, holder: 'the-lease-that-took-it-over' });
    expect(rows.find((row) => row.key === kept)).toMatchObject({ status: 201, holder: liveLease.id });
  });

  it.runIf(kind === 'postgres')('lets exactly one of a request and the one taking its key over commit, in either order', async () => {
    /** Runs `hold` in a transaction of its own and, while it holds its locks, waits until a request waits on them. */
    async function whileBlocking(hold: (trx: Tx) => Promise<void>, then: () => Promise<void>) {
      await db().transaction().execute(async (trx) => {
        const holder = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]!.pid;
        await hold(trx);
        for (let waited = 0; ; waited += 20) {
          const blocked = await sql<{ n: number }>`select count(*) as n from pg_stat_activity where ${holder} = any(pg_blocking_pids(pid))`.execute(db());
          if (Number(blocked.rows[0]!.n) > 0) break;
          if (waited > 10_000) throw new Error('nothing waited on the lock');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await then();
      });
    }

    // Taken over before the request stores its answer: the request's work rolls back, 409.
    const k1 = key();
    const place1 = `Overtaken ${randomUUID()}`;
    let first: ReturnType<Caller['post']> | undefined;
    await whileBlocking(
      async (trx) => {
        await sql`lock table encounters in share row exclusive mode`.execute(trx); // the request's insert waits
        first = responder.post('/api/encounters', encounter(place1), { 'idempotency-key': k1 });
      },
      async () => {
        await db().updateTable('idempotency_keys').set({ holder: 'the-process-that-took-over' }).where('user_id', '=', responderId).where('key', '=', k1).execute();
      },
    );
    const overtaken = await first!;
    expect(overtaken.status, JSON.stringify(overtaken.body)).toBe(409);
    expect(overtaken.body.type).toMatch(/idempotency-key-in-use$/);
    expect(await encountersAt(place1)).toBe(0);

    // The takeover comes once the request has stored its answer, before it commits: the takeover
    // waits for the commit and then finds nothing to take; the request is answered.
    const k2 = key();
    const place2 = `Committed ${randomUUID()}`;
    let second: ReturnType<Caller['post']> | undefined;
    let takeover: Promise<bigint> | undefined;
    await whileBlocking(
      async (trx) => {
        await sql`select seq from audit_head where id = 1 for update`.execute(trx); // the request's audit append waits
        second = responder.post('/api/encounters', encounter(place2), { 'idempotency-key': k2 });
      },
      async () => {
        const reservation = await db().selectFrom('idempotency_keys').selectAll().where('user_id', '=', responderId).where('key', '=', k2).executeTakeFirstOrThrow();
        expect(reservation.status).toBe(0); // its answer is not committed yet
        takeover = db()
          .updateTable('idempotency_keys')
          .set({ holder: 'the-process-that-took-over' })
          .where('user_id', '=', responderId)
          .where('key', '=', k2)
          .where('status', '=', 0)
          .where('holder', '=', reservation.holder)
          .executeTakeFirst()
          .then((result) => result.numUpdatedRows);
      },
    );
    const committed = await second!;
    expect(committed.status, JSON.stringify(committed.body)).toBe(201);
    expect(await takeover!).toBe(0n);
    expect(await encountersAt(place2)).toBe(1);
  });

  it('tells clients the retry rule where the API describes each idempotent route', async () => {
    const document = (await responder.get('/api/openapi.json')).body;
    const operation = document.paths['/api/encounters'].post;
    // A parameter may be written in place or referred to among the components.
    const parameters = (operation.parameters as { $ref?: string; in?: string; name?: string }[]).map((p) =>
      p.$ref ? document.components.parameters[p.$ref.split('/').pop()!] : p,
    );
    const header = parameters.find((p: { in: string; name: string }) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key');
    expect(header.required).toBeFalsy();
    expect(header.description).toContain('same key');
    expect(header.description).toContain('Retry-After');
    expect(operation.responses['409'].description).toContain('idempotency-key-in-use');
    // Routes that create nothing do not take the header.
    const list = document.paths['/api/encounters'].get;
    expect(JSON.stringify(list.parameters ?? []).toLowerCase()).not.toContain('idempotency');
  });

  it('refuses a malformed key with 400 naming the header, and creates nothing', async () => {
    const place = `Malformed ${randomUUID()}`;
    for (const bad of ['short', 'x'.repeat(201), 'has space in it', 'caf\u00e9-caf\u00e9-caf\u00e9']) {
      const answer = await responder.post('/api/encounters', encounter(place), { 'idempotency-key': bad });
      expect(answer.status, bad).toBe(400);
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual(['header:idempotency-key']);
    }
    expect(await encountersAt(place)).toBe(0);
  });
});
