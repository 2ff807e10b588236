import { afterAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test-support/databases.js';
import { freePort, signedIn, startServerProcess, type ServerProcess } from './test-support/processes.js';

let database: TestDatabase | undefined;
let server: ServerProcess | undefined;
afterAll(async () => {
  if (server?.alive()) await server.kill9();
  await database?.destroy();
});

// In a process of its own: a client in the server's own process never races the close.
it('answers clients still sending a request line of megabytes with 431, never a reset connection', { timeout: 120_000 }, async () => {
  database = await createTestDatabase('sqlite');
  const setup = await database.open();
  const caller = await signedIn(setup, 'oversight', 'refused.oversight');
  await setup.database.close();
  server = await startServerProcess(database.config, await freePort());
  const huge = new URLSearchParams({ status: 'Ω'.repeat(300_000) }).toString();
  const outcomes: (number | string)[] = [];
  for (let round = 0; round < 25; round++) {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        fetch(`${server!.url}/api/oversight/allegations?${huge}`, { headers: caller.headers }).then(
          async (answer) => (answer.headers.get('content-type') === 'application/problem+json' ? answer.status : `${answer.status} ${await answer.text()}`),
          (error: Error & { cause?: Error }) => `${error.message}: ${error.cause?.message}`,
        ),
      ),
    );
    outcomes.push(...answers);
  }
  expect(outcomes.filter((outcome) => outcome !== 431)).toEqual([]);
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
});

it('answers clients still sending a body it refuses unread (too large, or not JSON) with 413 or 415, never a reset connection', { timeout: 120_000 }, async () => {
  const bodyDatabase = await createTestDatabase('sqlite');
  const setup = await bodyDatabase.open();
  const caller = await signedIn(setup, 'supervisor', 'refused.supervisor');
  await setup.database.close();
  const bodyServer = await startServerProcess(bodyDatabase.config, await freePort());
  try {
    const refusals = [
      { contentType: 'application/json', body: `{"givenName":"${'x'.repeat(3_000_000)}"}`, status: 413 },
      { contentType: 'application/octet-stream', body: 'x'.repeat(1_500_000), status: 415 },
    ];
    const outcomes: (number | string)[] = [];
    for (let round = 0; round < 25; round++) {
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => {
          const { contentType, body, status } = refusals[i % 2]!;
          return fetch(`${bodyServer.url}/api/persons`, { method: 'POST', headers: { ...caller.headers, 'content-type': contentType }, body }).then(
            async (answer) => (answer.headers.get('content-type')?.startsWith('application/problem+json') && answer.status === status ? 'refused' : `${answer.status} ${await answer.text()}`),
            (error: Error & { cause?: Error }) => `${error.message}: ${error.cause?.message}`,
          );
        }),
      );
      outcomes.push(...answers);
    }
    expect(outcomes.filter((outcome) => outcome !== 'refused')).toEqual([]);
  } finally {
    if (bodyServer.alive()) await bodyServer.kill9();
    await bodyDatabase.destroy();
  }
});

