import { loadProfile } from '@haven/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../../test-support/server.js';

// The queue of cases where a guarded action is held back follows the guards of the profile in
// force: an obligation a profile adds to refuse an action marks out the cases it holds back.

const HOLD_RETURN = {
  code: 'sop.hold_return',
  summary: 'No return while the SOP review of the route is pending.',
  basis: ['SOP 4'],
  trigger: true,
  fulfilledBy: { standing: true },
  deadline: null,
  base: 'encounter',
  blocks: ['return'],
};

describe.each(await databaseKinds())('the open-guards queue on %s', (kind) => {
  let server: TestServer;
  let officer: Caller;

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'warn' });
    server.platform.profile = loadProfile({ id: 'added-blocker', obligations: [HOLD_RETURN] });
    const agency = await makeAgency(server.platform, 'Protection Unit');
    officer = await sessionFor(server, await makeUser(server.platform, agency, 'protection_officer', 'officer'));
  });
  afterAll(() => server.close());

  it('lists a case held back only by an obligation the profile adds to refuse a return', async () => {
    const encounter = await officer.post('/api/encounters', { type: 'inland', occurredAt: new Date(server.clock.now().getTime() - 600_000).toISOString(), place: { name: 'Quay' } });
    expect(encounter.status).toBe(201);
    const registered = await officer.post(`/api/encounters/${encounter.body.id}/persons`, { persons: [{ sex: 'male', ageClaimed: 30 }] });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const personId = registered.body.persons[0].id as string;

    const guards = await officer.get(`/api/persons/${personId}/guards`);
    expect(guards.body.return).toEqual({ allowed: false, blockedBy: ['sop.hold_return'] });

    const queue = await officer.get('/api/queues/open-guards');
    expect(queue.status).toBe(200);
    expect(queue.body).toEqual([{ personId, personName: null, blockingObligations: ['sop.hold_return'] }]);
  });
});
