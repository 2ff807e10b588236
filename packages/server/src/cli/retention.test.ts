import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../test-support/databases.js';
import { makeAgency, makeUser } from '../test-support/server.js';
import { runHaven } from './test-support/haven.js';

describe.each(await databaseKinds())('haven retention run on %s', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const platform = await database.open();
    const user = await makeUser(platform, await makeAgency(platform, 'Retention agency'), 'protection_officer', 'retention.officer');
    // Two notifications far past the one-year period, one recent.
    for (const createdAt of ['2019-01-01T00:00:00.000Z', '2019-06-01T00:00:00.000Z', new Date().toISOString()]) {
      await platform.database.db.insertInto('notifications').values({ id: randomUUID(), user_id: user, kind: 'overdue', obligation_id: null, person_id: null, created_at: createdAt, read_at: null }).execute();
    }
    await platform.database.close();
  });
  afterAll(() => database?.destroy());

  it('counts what is due on a dry run and changes nothing', async () => {
    const run = await runHaven(database.config, ['retention', 'run', '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).types.notification).toMatchObject({ due: 2, purged: 0, period: 'P1Y' });
    expect(run.stderr).toContain('notification (kept P1Y): 2 due, 2 would be purged, 0 held');
  });

  it('purges with progress on stderr, and the audit chain still verifies', async () => {
    const run = await runHaven(database.config, ['retention', 'run', '--batch', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).types.notification).toMatchObject({ due: 2, purged: 2 });
    expect(run.stderr).toContain('retention: notification 2/2');
    expect((await runHaven(database.config, ['retention', 'run', '--dry-run'])).stdout).toContain('"due": 0');
    const verify = await runHaven(database.config, ['audit', 'verify']);
    expect(verify.code, verify.stderr).toBe(0);
  });

  it('refuses a batch size that is not a whole number', async () => {
    const run = await runHaven(database.config, ['retention', 'run', '--batch', 'lots']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('whole number');
  });
});
