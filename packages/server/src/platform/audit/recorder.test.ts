import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../test-support/databases.js';
import type { Platform } from '../context.js';
import type { Tx } from '../db/database.js';
import { verifyAuditChain, type AuditContext } from './chain.js';
import { withAudit, withAuditCoalesced, type CoalescedItem, type CoalescedWork } from './recorder.js';

const context = (requestId: string): AuditContext => ({ actorUserId: null, actorAgencyId: null, requestId, clientAddress: null });

/** Inserts an agency row with this id: a second insert of the same id fails in the database. */
async function insertAgency(trx: Tx, id: string, name: string): Promise<void> {
  const at = new Date(0).toISOString();
  await trx.insertInto('agencies').values({ id, name, type: 'ngo', area: null, version: 1, created_at: at, updated_at: at }).execute();
}

describe.each(await databaseKinds())('group commit on %s', (kind) => {
  let database: TestDatabase | undefined;
  let platform: Platform;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    platform = await database.open();
  });
  beforeEach(async () => {
    await platform.database.db.deleteFrom('agencies').where('name', 'like', 'group-%').execute();
  });
  afterAll(async () => {
    await platform?.database.close();
    await database?.destroy();
  });

  const agencyNames = async () =>
    (await platform.database.db.selectFrom('agencies').select('name').where('name', 'like', 'group-%').orderBy('name').execute()).map((row) => row.name);
  const eventsOf = async (requestId: string) =>
    platform.database.db.selectFrom('audit_events').select(['record_id', 'request_id']).where('request_id', '=', requestId).execute();

  it('commits units submitted together, and a unit that fails in the database rolls back alone', async () => {
    const taken = randomUUID();
    await withAudit(platform, context('group-setup'), (trx) => insertAgency(trx, taken, 'group-00'));
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        withAudit(platform, context(`group-${i}`), async (trx, record) => {
          // Unit 5 writes a row, then collides with an existing key: its first row must not survive.
          if (i === 5) await insertAgency(trx, randomUUID(), 'group-05-partial');
          const id = i === 5 ? taken : randomUUID();
          await insertAgency(trx, id, `group-${String(i + 1).padStart(2, '0')}`);
          record({ action: 'agency.create', recordType: 'agency', recordId: id });
          return i;
        }),
      ),
    );
    expect(results.map((result) => result.status)).toEqual(results.map((_, i) => (i === 5 ? 'rejected' : 'fulfilled')));
    expect(results.filter((result) => result.status === 'fulfilled').map((result) => result.value)).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11]);
    const names = await agencyNames();
    expect(names).not.toContain('group-05-partial');
    expect(names).not.toContain('group-06');
    expect(names).toHaveLength(12); // group-00 and the eleven that succeeded
    expect(await eventsOf('group-5')).toEqual([]);
    expect(await eventsOf('group-4')).toHaveLength(1);
    expect((await verifyAuditChain(platform.database.db, platform.cipher)).ok).toBe(true);
  });

  it('runs coalesced units in one call with each request’s events under its own context', async () => {
    const calls: number[] = [];
    const naming: CoalescedWork<string, string> = {
      name: 'naming',
      async run(trx, items: readonly CoalescedItem<string>[]) {
        calls.push(items.length);
        if (items.some((item) => item.input === 'group-bad')) throw new Error('bad name');
        for (const item of items) {
          const id = randomUUID();
          await insertAgency(trx, id, item.input);
          item.record({ action: 'agency.create', recordType: 'agency', recordId: id });
        }
        return items.map((item) => item.input.toUpperCase());
      },
    };
    const inputs = ['group-a', 'group-b', 'group-bad', 'group-c'];
    const results = await Promise.allSettled(inputs.map((input) => withAuditCoalesced(platform, context(`coalesced-${input}`), naming, input)));
    // One call for the four; it failed because of one, so each ran alone and only that one failed.
    expect(calls).toEqual([4, 1, 1, 1, 1]);
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : 'refused'))).toEqual(['GROUP-A', 'GROUP-B', 'refused', 'GROUP-C']);
    expect(await agencyNames()).toEqual(['group-a', 'group-b', 'group-c']);
    for (const input of ['group-a', 'group-b', 'group-c']) expect(await eventsOf(`coalesced-${input}`)).toHaveLength(1);
    expect(await eventsOf('coalesced-group-bad')).toEqual([]);

    calls.length = 0;
    const together = await Promise.all(['group-d', 'group-e'].map((input) => withAuditCoalesced(platform, context(`coalesced-${input}`), naming, input)));
    expect(calls).toEqual([2]);
    expect(together).toEqual(['GROUP-D', 'GROUP-E']);
    expect((await verifyAuditChain(platform.database.db, platform.cipher)).ok).toBe(true);
  });

  it('commits a unit at once when it is alone', async () => {
    const id = randomUUID();
    await withAudit(platform, context('group-alone'), (trx) => insertAgency(trx, id, 'group-alone'));
    expect(await agencyNames()).toEqual(['group-alone']);
  });
});
