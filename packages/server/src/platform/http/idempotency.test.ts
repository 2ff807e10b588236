import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHavenApp } from '../../server.js';
import { databaseKinds } from '../../test-support/databases.js';
import { Caller, makeAgency, makeUser, sessionFor, startTestServer, type TestServer } from '../../test-support/server.js';
import { createSession } from '../auth/sessions.js';
import type { Platform } from '../context.js';
import type { HavenApp } from './app.js';

// Issue 4, point 10: every creating request accepts an Idempotency-Key; a repeat with the same key
// (a field device retrying after a lost answer) returns the first answer and creates nothing new,
// also when the repeat reaches another server process.

describe.each(await databaseKinds())('idempotent creation on %s', (kind) => {
  let server: TestServer;
  let responderId: string;
  let responder: Caller;
  let colleague: Caller;
  /** A second server process: its own platform (connections) and app on the same database. */
  let secondPlatform: Platform;
  let secondApp: HavenApp;
  let secondUrl: string;

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
  });
  afterAll(async () => {
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
    await db()
      .insertInto('idempotency_keys')
      .values({ user_id: responderId, key: k, fingerprint: 'of-the-refused-request', status: 0, response_enc: '', created_at: server.clock.now().toISOString() })
      .execute();
    const release = new Promise((resolve) => setTimeout(resolve, 300)).then(() => db().deleteFrom('idempotency_keys').where('user_id', '=', responderId).where('key', '=', k).execute());
    const retry = await responder.post('/api/encounters', encounter(place), { 'idempotency-key': k });
    await release;
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(retry.headers.get('idempotency-replayed')).toBeNull();
    expect(await encountersAt(place)).toBe(1);
  });

  it('answers 409 with retry-after while another request holds the key for too long', async () => {
    const k = key();
    await db()
      .insertInto('idempotency_keys')
      .values({ user_id: responderId, key: k, fingerprint: 'still-working', status: 0, response_enc: '', created_at: server.clock.now().toISOString() })
      .execute();
    const place = `Busy ${randomUUID()}`;
    const answer = await responder.post('/api/encounters', encounter(place), { 'idempotency-key': k });
    expect(answer.status).toBe(409);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(await encountersAt(place)).toBe(0);
    // A reservation abandoned by a crashed process (older than a minute) is taken over.
    server.clock.advance(61_000);
    responder = await sessionFor(server, responderId);
    const later = await responder.post('/api/encounters', encounter(place), { 'idempotency-key': k });
    expect(later.status, JSON.stringify(later.body)).toBe(201);
    expect(await encountersAt(place)).toBe(1);
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
