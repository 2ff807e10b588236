import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test-support/databases.js';
import { makeAgency, makeUser, startTestServer, type TestServer } from '../../test-support/server.js';
import { createSession, revokeSession, SESSION_IDLE_MS, SessionLookups } from './sessions.js';

describe.each(await databaseKinds())('session lookups on %s', (kind) => {
  let server: TestServer;
  let statements = 0;
  let lookups: SessionLookups;
  const sessions: { token: string; sessionId: string }[] = [];
  let userIds: string[] = [];

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'silent' });
    const agency = await makeAgency(server.platform, 'Reception Centre');
    userIds = [await makeUser(server.platform, agency, 'protection_officer', 'officer.a'), await makeUser(server.platform, agency, 'first_responder', 'responder.b')];
    for (const userId of [...userIds, userIds[0]!]) sessions.push(await createSession(server.platform.database.db, userId, 'full', server.clock.now()));
    const counting: KyselyPlugin = {
      transformQuery: (args) => {
        statements += 1;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    lookups = new SessionLookups(server.platform.database.db.withPlugin(counting));
  });
  afterAll(async () => server?.close());

  it('reads the sessions asked for in one turn in one statement, each answered with its own', async () => {
    statements = 0;
    const now = server.clock.now();
    const [a, b, aAgain, c, unknown] = await Promise.all([
      lookups.find(sessions[0]!.token, now),
      lookups.find(sessions[1]!.token, now),
      lookups.find(sessions[0]!.token, now),
      lookups.find(sessions[2]!.token, now),
      lookups.find('not-a-session-token', now),
    ]);
    expect(statements).toBe(1);
    expect(a).toMatchObject({ sessionId: sessions[0]!.sessionId, userId: userIds[0], role: 'protection_officer' });
    expect(aAgain).toEqual(a);
    expect(b).toMatchObject({ sessionId: sessions[1]!.sessionId, userId: userIds[1], role: 'first_responder' });
    expect(c).toMatchObject({ sessionId: sessions[2]!.sessionId, userId: userIds[0] });
    expect(unknown).toBeUndefined();
  });

  it('caches nothing: a revocation holds for the very next lookup', async () => {
    const now = server.clock.now();
    expect(await lookups.find(sessions[2]!.token, now)).toBeDefined();
    await revokeSession(server.platform.database.db, sessions[2]!.sessionId, now);
    const [revoked, other] = await Promise.all([lookups.find(sessions[2]!.token, now), lookups.find(sessions[0]!.token, now)]);
    expect(revoked).toBeUndefined();
    expect(other).toMatchObject({ sessionId: sessions[0]!.sessionId });
  });

  it('judges each lookup at its own time: a session idle too long for one caller is live for an earlier one', async () => {
    const earlier = server.clock.now();
    const idle = new Date(earlier.getTime() + SESSION_IDLE_MS + 1000);
    const [live, ended] = await Promise.all([lookups.find(sessions[1]!.token, earlier), lookups.find(sessions[1]!.token, idle)]);
    expect(live).toBeDefined();
    expect(ended).toBeUndefined();
  });

  it('answers a disabled account with no session', async () => {
    await server.platform.database.db.updateTable('users').set({ disabled: 1 }).where('id', '=', userIds[1]!).execute();
    expect(await lookups.find(sessions[1]!.token, server.clock.now())).toBeUndefined();
  });
});
