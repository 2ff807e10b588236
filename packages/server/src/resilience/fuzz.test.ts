import fc from 'fast-check';
import { ROLES } from '@haven/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createSession } from '../platform/auth/sessions.js';
import { undocumentedAnswer } from '../test-support/api-description.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../test-support/databases.js';
import { requestsFor, type FuzzRequest, type OpenApiDocument } from './test-support/openapi-arbitraries.js';
import { freePort, signedIn, startServerProcess, type ServerProcess } from './test-support/processes.js';

// `npm run test:fuzz` sends 10,000 requests; the normal suite (CI) 2,000. Split between the engines.
const REQUESTS = Number(process.env.HAVEN_FUZZ_REQUESTS ?? 2000);
const kinds = await databaseKinds();
const PER_ENGINE = Math.ceil(REQUESTS / kinds.length);
const IN_FLIGHT = 8;
const MiB = 2 ** 20;
/** Resident memory the server may reach under the fuzzer (it starts near 150 MiB). */
const RSS_CEILING = 768 * MiB;

interface Outcome {
  request: FuzzRequest;
  status: number;
  contentType: string;
  /** An answer the API description does not list for the operation. */
  undocumented?: string;
}

describe.each(kinds)('fuzzing every route as every role on %s', (kind) => {
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    if (server?.alive()) await server.kill9();
    await database?.destroy();
  });

  it(`answers ${PER_ENGINE} generated and mutated requests without a 5xx, always problem+json on refusal with a status the API description lists, in bounded memory`, { timeout: 120_000 + PER_ENGINE * 300 }, async () => {
    const started = Date.now();
    database = await createTestDatabase(kind);
    const setup = await database.open();
    // One user of every role in one agency, plus records for path parameters to hit.
    const first = await signedIn(setup, 'protection_officer', 'fuzz.protection_officer');
    const callers = [first];
    for (const role of ROLES.filter((r) => r !== 'protection_officer')) callers.push(await signedIn(setup, role, `fuzz.${role}`, first.agencyId));
    server = await startServerProcess(database.config, await freePort());
    const knownIds: string[] = [first.agencyId];
    for (const givenName of ['Amina', 'Yonas']) {
      const created = await fetch(`${server.url}/api/persons`, { method: 'POST', headers: { ...first.headers, 'content-type': 'application/json' }, body: JSON.stringify({ givenName, sex: 'female' }) });
      expect(created.status).toBe(201);
      knownIds.push(((await created.json()) as { id: string }).id);
    }
    const encounter = await fetch(`${server.url}/api/encounters`, {
      method: 'POST',
      headers: { ...first.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'rescue_at_sea', occurredAt: '2026-03-01T05:00:00Z', place: { name: 'Fuzz Bay' } }),
    });
    knownIds.push(((await encounter.json()) as { id: string }).id);

    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as OpenApiDocument;
    const routes = Object.keys(doc.paths).length;
    expect(routes).toBeGreaterThan(20);
    // Callers: every role's session, and nobody. Sessions a request ends (sign-out) are replaced.
    const headersOf = (caller: number) => (caller < callers.length ? callers[caller]!.headers : {});
    const seed = Number(process.env.HAVEN_FUZZ_SEED ?? Date.now() % 2 ** 31);
    const requests = fc.sample(requestsFor(doc, knownIds, callers.length + 1), { numRuns: PER_ENGINE, seed });

    const failures: Outcome[] = [];
    const rss: number[] = [server.rss()];
    const statuses = new Map<number, number>();
    let sent = 0;
    async function send(request: FuzzRequest): Promise<void> {
      const headers: Record<string, string> = { ...headersOf(request.caller) };
      let body: Uint8Array | string | undefined;
      if (request.body.kind === 'json') {
        body = JSON.stringify(request.body.value) ?? 'null';
        headers['content-type'] = 'application/json';
      } else if (request.body.kind === 'raw') {
        body = request.body.bytes;
        headers['content-type'] = request.body.contentType;
      }
      const method = request.method;
      // A request the server never answers is a failure too.
      const response = await fetch(`${server!.url}${request.path}`, { method, headers, signal: AbortSignal.timeout(30_000), ...(body !== undefined && method !== 'GET' ? { body } : {}) }).catch(
        (error: Error) => error,
      );
      if (response instanceof Error) {
        failures.push({ request: { ...request, body: summarise(request) }, status: 0, contentType: response.message });
        sent += 1;
        return;
      }
      const text = await response.text();
      const contentType = response.headers.get('content-type') ?? '';
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const refusedWell = response.status < 400 || contentType.startsWith('application/problem+json');
      const problem: unknown = refusedWell && response.status >= 400 ? JSON.parse(text) : undefined;
      const undocumented = undocumentedAnswer(doc, request.method, request.route, response.status, problem);
      if (response.status >= 500 || !refusedWell || undocumented) {
        failures.push({ request: { ...request, body: summarise(request) }, status: response.status, contentType, ...(undocumented ? { undocumented } : {}) });
      }
      sent += 1;
      if (sent % 100 === 0) {
        rss.push(server!.rss());
        if (process.env.HAVEN_FUZZ_PROGRESS) process.stderr.write(`fuzz on ${kind}: ${sent} sent, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      }
    }
    try {
      for (let i = 0; i < requests.length; i += IN_FLIGHT) {
        await Promise.all(requests.slice(i, i + IN_FLIGHT).map(send));
        // A fuzzed sign-out or password change ends a session: give every role a fresh one now and then.
        if (i % 200 === 0) {
          for (const caller of callers) {
            const session = await createSession(setup.database.db, caller.userId, 'full', setup.clock());
            caller.headers = { cookie: `haven_session=${session.token}`, 'x-csrf-token': session.csrfToken };
          }
        }
      }
    } finally {
      await setup.database.close();
    }
    rss.push(server.rss());

    expect(server.alive()).toBe(true);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(failures.slice(0, 10), `seed ${seed}: ${failures.length} requests answered 5xx, a refusal that is not problem+json, or a status their operation's description does not list`).toEqual([]);
    expect(Math.max(...rss)).toBeLessThan(RSS_CEILING);
    process.stderr.write(
      `fuzz on ${kind}: ${sent} requests over ${routes} paths, seed ${seed}, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}, ` +
        `RSS ${Math.round(Math.min(...rss) / MiB)}–${Math.round(Math.max(...rss) / MiB)} MiB, ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  });
});

/** A failing request as a readable line: raw bodies by size only. */
function summarise(request: FuzzRequest): FuzzRequest['body'] {
  if (request.body.kind !== 'raw') {
    if (request.body.kind === 'json') {
      const text = JSON.stringify(request.body.value) ?? 'null';
      return { kind: 'json', value: text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : request.body.value };
    }
    return request.body;
  }
  return { kind: 'raw', bytes: new Uint8Array(0), contentType: `${request.body.contentType} (${request.body.bytes.length} bytes)` };
}
