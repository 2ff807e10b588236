import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnHaven } from '../cli/test-support/haven.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../test-support/databases.js';
import { freePort, signedIn, startServerProcess, type ServerProcess, type SignedIn } from './test-support/processes.js';

// `npm run test:crash` kills 20 times; the normal suite (CI) 5.
const KILLS = Number(process.env.HAVEN_CRASH_KILLS ?? 5);
const LOAD = fileURLToPath(new URL('./test-support/load-generator.mjs', import.meta.url));
const BATCH = 20;

interface Acknowledged {
  kind: 'person' | 'encounter' | 'batch' | 'refused' | 'summary';
  sent: unknown;
  answer: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers as the server gave them
  encounterId?: string;
  status?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function acknowledged(file: string): Acknowledged[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Acknowledged);
}

async function getJson(url: string, headers: Record<string, string>): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await fetch(url, { headers });
  return { status: response.status, body: await response.json() };
}

describe.each(await databaseKinds())('kill -9 under a registration load on %s', (kind) => {
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    if (server?.alive()) await server.kill9();
    await database?.destroy();
  });

  it(`loses no acknowledged registration and half-writes none across ${KILLS} kills`, { timeout: 120_000 + KILLS * 60_000 }, async () => {
    database = await createTestDatabase(kind);
    const setup = await database.open();
    let officer: SignedIn;
    try {
      officer = await signedIn(setup, 'protection_officer', 'crash.officer');
    } finally {
      await setup.database.close();
    }
    const port = await freePort();
    const outFile = path.join(database.dir, 'acknowledged.jsonl');
    server = await startServerProcess(database.config, port);
    const loader = spawn(process.execPath, [LOAD, server.url, officer.cookie, officer.csrf, outFile, '4'], { stdio: 'ignore' });
    const loaderExit = new Promise<void>((resolve) => loader.once('exit', () => resolve()));
    const started = Date.now();
    let kills = 0;
    const restarts: number[] = [];
    try {
      for (; kills < KILLS; kills += 1) {
        // Let some registrations land after each restart, then kill at a random moment.
        const before = acknowledged(outFile).length;
        for (let waited = 0; acknowledged(outFile).length < before + 3 && waited < 20_000; waited += 50) await sleep(50);
        await sleep(100 + Math.random() * 900);
        await server.kill9();
        const restarting = Date.now();
        server = await startServerProcess(database.config, port);
        restarts.push(Date.now() - restarting);
      }
      const before = acknowledged(outFile).length;
      for (let waited = 0; acknowledged(outFile).length < before + 3 && waited < 20_000; waited += 50) await sleep(50);
    } finally {
      loader.kill('SIGTERM');
      await loaderExit;
    }
    const lines = acknowledged(outFile);
    const summary = lines.find((line) => line.kind === 'summary');
    const refused = lines.filter((line) => line.kind === 'refused');
    expect(refused, 'no registration is refused, none fails with 5xx').toEqual([]);

    // Every acknowledged registration reads back as it was answered, decrypted.
    const persons = [
      ...lines.filter((line) => line.kind === 'person').map((line) => ({ sent: line.sent, answer: line.answer })),
      ...lines.filter((line) => line.kind === 'batch').flatMap((line) => (line.answer.persons as unknown[]).map((answer, i) => ({ sent: (line.sent as unknown[])[i], answer }))),
    ] as { sent: { givenName: string; phone: string }; answer: { id: string; fields: Record<string, unknown> } }[];
    expect(persons.length, JSON.stringify(summary)).toBeGreaterThan(KILLS * 3);
    for (let i = 0; i < persons.length; i += 16) {
      await Promise.all(
        persons.slice(i, i + 16).map(async ({ sent, answer }) => {
          const read = await getJson(`${server!.url}/api/persons/${answer.id}`, officer.headers);
          expect(read.status, answer.id).toBe(200);
          expect(read.body, answer.id).toMatchObject({ id: answer.id, fields: answer.fields });
          expect(read.body.fields).toMatchObject({ givenName: sent.givenName, phone: sent.phone });
        }),
      );
    }
    for (const encounter of lines.filter((line) => line.kind === 'encounter')) {
      const read = await getJson(`${server.url}/api/encounters/${encounter.answer.id}`, officer.headers);
      expect(read.status).toBe(200);
      const { id, type, occurredAt, place } = encounter.answer;
      expect(read.body).toMatchObject({ id, type, occurredAt, place });
    }

    // Nothing half-written, acknowledged or not: each encounter has all of its batch or none, each
    // person exactly one case, and every stored person reads back through the API.
    const check = await database.open();
    let stored: number;
    try {
      const { db } = check.database;
      const perEncounter = await db.selectFrom('persons').select(['encounter_id', (eb) => eb.fn.countAll<number>().as('n')]).where('encounter_id', 'is not', null).groupBy('encounter_id').execute();
      for (const row of perEncounter) expect(Number(row.n), `encounter ${row.encounter_id}`).toBe(BATCH);
      const caseless = await db.selectFrom('persons').leftJoin('cases', 'cases.person_id', 'persons.id').select('persons.id').where('cases.id', 'is', null).execute();
      expect(caseless).toEqual([]);
      const cases = await db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      stored = Number((await db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      expect(Number(cases.n)).toBe(stored);
    } finally {
      await check.database.close();
    }
    expect(stored).toBeGreaterThanOrEqual(persons.length);
    let listed = 0;
    for (let cursor: string | undefined, page = 0; page < 10_000; page += 1) {
      const answer = await getJson(`${server.url}/api/persons?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, officer.headers);
      expect(answer.status).toBe(200);
      listed += answer.body.items.length;
      cursor = answer.body.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(listed).toBe(stored);

    await server.stop();
    const verify = await spawnHaven(database.config, ['audit', 'verify']);
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
    process.stderr.write(
      `crash test on ${kind}: ${kills} kills, ${persons.length} acknowledged persons (${stored} stored), restarts ${Math.min(...restarts)}–${Math.max(...restarts)} ms, ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  });
});

describe.each(await databaseKinds())('a key whose request died with its process, on %s', (kind) => {
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    if (server?.alive()) await server.kill9();
    await database?.destroy();
  });

  it('is taken over by the retry as soon as the restarted process serves again', { timeout: 300_000 }, async () => {
    database = await createTestDatabase(kind);
    const watch = await database.open();
    try {
      const officer = await signedIn(watch, 'protection_officer', 'restart.officer');
      const headers = { ...officer.headers, 'content-type': 'application/json' };
      const post = (path: string, body: unknown, extra: Record<string, string> = {}) =>
        fetch(`${server!.url}${path}`, { method: 'POST', headers: { ...headers, ...extra }, body: JSON.stringify(body) });
      const port = await freePort();
      server = await startServerProcess(database.config, port);
      const persons = Array.from({ length: 1000 }, (_, i) => ({ sex: i % 2 ? 'male' : 'female', ageClaimed: 18 + (i % 40) }));
      // A registration of a boat's worth of persons, killed once its key is reserved and before it
      // commits (should it commit first, the kill came too late: again, with a new key).
      let killed: { key: string; encounterId: string } | undefined;
      for (let attempt = 0; attempt < 5 && !killed; attempt += 1) {
        const created = await post('/api/encounters', { type: 'rescue_at_sea', occurredAt: new Date(Date.now() - 3_600_000).toISOString(), place: { name: `Restart ${attempt}` } });
        const encounterId = ((await created.json()) as { id: string }).id;
        const key = `restart-${randomUUID()}`;
        void post(`/api/encounters/${encounterId}/persons`, { persons }, { 'idempotency-key': key }).catch(() => undefined);
        const reserved = () => watch.database.db.selectFrom('idempotency_keys').select('status').where('key', '=', key).executeTakeFirst();
        for (let waited = 0; !(await reserved()); waited += 2) {
          if (waited > 20_000) throw new Error('the registration never reserved its key');
          await sleep(2);
        }
        await server.kill9();
        if ((await reserved())!.status === 0) killed = { key, encounterId };
        server = await startServerProcess(database.config, port);
      }
      expect(killed, 'the kill landed before the commit in one of five attempts').toBeDefined();
      const started = performance.now();
      const retry = await post(`/api/encounters/${killed!.encounterId}/persons`, { persons }, { 'idempotency-key': killed!.key });
      expect(retry.status, await retry.clone().text()).toBe(201);
      expect(retry.headers.get('idempotency-replayed')).toBeNull();
      expect(performance.now() - started).toBeLessThan(10_000); // the registration itself, never a minute's wait
      const stored = await watch.database.db.selectFrom('persons').select('id').where('encounter_id', '=', killed!.encounterId).execute();
      expect(stored).toHaveLength(1000);
    } finally {
      await watch.database.close();
    }
  });
});
