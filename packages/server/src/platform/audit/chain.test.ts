import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeAgency, makeUser, sessionFor, startTestServer, type TestServer } from '../../test-support/server.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../test-support/databases.js';
import type { Platform } from '../context.js';
import { FieldCipher } from '../crypto/cipher.js';
import type { Keyring } from '../crypto/keyring.js';
import { chainHash, verifyAuditChain, type AuditContext } from './chain.js';
import { withAudit } from './recorder.js';

const CONTEXT: AuditContext = { actorUserId: 'u-1', actorAgencyId: 'a-1', requestId: 'req-chain-test', clientAddress: '127.0.0.1' };

/** Six audited events in three transactions: rows 1 to 6. */
async function writeEvents(platform: Platform): Promise<void> {
  for (let t = 0; t < 3; t += 1) {
    await withAudit(platform, CONTEXT, async (_trx, record) => {
      record({ action: 'person.create', recordType: 'person', recordId: `p-${t}`, fields: ['givenName', 'sex'] });
      record({ action: 'person.read', recordType: 'person', recordId: `p-${t}`, fields: ['givenName'] });
    });
  }
}

describe.each(await databaseKinds())('the audit chain on %s', (kind) => {
  let database: TestDatabase | undefined;
  let platform: Platform;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    platform = await database.open();
  });
  // Each test starts from an empty chain (the first one on a database never written to).
  beforeEach(async () => {
    await platform.database.db.deleteFrom('audit_events').execute();
    await platform.database.db.deleteFrom('audit_head').execute();
  });
  afterAll(async () => {
    await platform?.database.close();
    await database?.destroy();
  });

  const db = () => platform.database.db;
  const verify = () => verifyAuditChain(db(), platform.cipher);

  it('verifies an empty database', async () => {
    expect(await verify()).toEqual({ ok: true, rows: 0 });
  });

  it('verifies after several audited writes, across pages', async () => {
    await writeEvents(platform);
    expect(await verify()).toEqual({ ok: true, rows: 6 });
    expect(await verifyAuditChain(db(), platform.cipher, 4)).toEqual({ ok: true, rows: 6 });
    expect(await verifyAuditChain(db(), platform.cipher, 1)).toEqual({ ok: true, rows: 6 });
  });

  it('names a middle row whose action, fields, time or actor was edited', async () => {
    await writeEvents(platform);
    const edits = [
      { action: 'person.list' },
      { fields: '[]' },
      { at: '2020-01-01T00:00:00.000Z' },
      { actor_user_id: 'someone-else' },
      { actor_user_id: null },
      { record_id: 'p-9' },
    ] as const;
    const original = await db().selectFrom('audit_events').selectAll().where('seq', '=', 3).executeTakeFirstOrThrow();
    for (const edit of edits) {
      await db().updateTable('audit_events').set(edit).where('seq', '=', 3).execute();
      const verdict = await verify();
      expect(verdict.ok, JSON.stringify(edit)).toBe(false);
      expect(verdict.firstBad?.seq, JSON.stringify(edit)).toBe(3);
      expect(verdict.firstBad?.reason).toContain('row 3');
      const { seq: _seq, ...content } = original;
      await db().updateTable('audit_events').set(content).where('seq', '=', 3).execute();
      expect((await verify()).ok, 'restoring the row makes the chain whole again').toBe(true);
    }
  });

  it('names the missing sequence number when a middle row is deleted', async () => {
    await writeEvents(platform);
    await db().deleteFrom('audit_events').where('seq', '=', 4).execute();
    const verdict = await verify();
    expect(verdict.ok).toBe(false);
    expect(verdict.firstBad).toEqual({ seq: 4, reason: expect.stringContaining('row 4 is missing') });
  });

  it('detects two rows whose sequence numbers were swapped, at the first of them', async () => {
    await writeEvents(platform);
    await db().updateTable('audit_events').set({ seq: 1000 }).where('seq', '=', 2).execute();
    await db().updateTable('audit_events').set({ seq: 2 }).where('seq', '=', 5).execute();
    await db().updateTable('audit_events').set({ seq: 5 }).where('seq', '=', 1000).execute();
    const verdict = await verify();
    expect(verdict.ok).toBe(false);
    expect(verdict.firstBad?.seq).toBe(2);
  });

  it('detects two rows whose contents were swapped, at the first of them', async () => {
    await writeEvents(platform);
    const rows = await db().selectFrom('audit_events').selectAll().where('seq', 'in', [2, 5]).orderBy('seq').execute();
    const [two, five] = rows.map(({ seq: _seq, ...content }) => content);
    await db().updateTable('audit_events').set(five!).where('seq', '=', 2).execute();
    await db().updateTable('audit_events').set(two!).where('seq', '=', 5).execute();
    const verdict = await verify();
    expect(verdict.ok).toBe(false);
    expect(verdict.firstBad?.seq).toBe(2);
  });

  it('detects a truncated tail through the keyed anchor', async () => {
    await writeEvents(platform);
    await db().deleteFrom('audit_events').where('seq', '=', 6).execute();
    const verdict = await verify();
    expect(verdict.ok).toBe(false);
    expect(verdict.firstBad).toEqual({ seq: 6, reason: expect.stringContaining('row 6') });
  });

  it('detects the deletion of every row', async () => {
    await writeEvents(platform);
    await db().deleteFrom('audit_events').execute();
    const verdict = await verify();
    expect(verdict.ok).toBe(false);
    expect(verdict.firstBad?.seq).toBe(1);
  });

  it('detects a missing anchor', async () => {
    await writeEvents(platform);
    await db().deleteFrom('audit_head').execute();
    const verdict = await verify();
    expect(verdict.ok).toBe(false);
    expect(verdict.firstBad?.reason).toContain('anchor');
  });

  describe('an attacker with the database but without the key file', () => {
    /** Rewrites row `from` with `edit` and recomputes its hash and every later one with plain SHA-256. */
    async function rewriteFrom(from: number, edit: { action: string }): Promise<string> {
      const rows = await db().selectFrom('audit_events').selectAll().where('seq', '>=', from - 1).orderBy('seq').execute();
      let prev = rows[0]!.hash;
      for (const row of rows.slice(1)) {
        const { prev_hash: _p, hash: _h, ...content } = row;
        const changed = Number(row.seq) === from ? { ...content, ...edit, seq: Number(row.seq) } : { ...content, seq: Number(row.seq) };
        const hash = chainHash(prev, changed);
        await db().updateTable('audit_events').set({ ...changed, prev_hash: prev, hash }).where('seq', '=', changed.seq).execute();
        prev = hash;
      }
      return prev;
    }

    it('cannot rewrite a row and recompute the chain without the anchor noticing', async () => {
      await writeEvents(platform);
      await rewriteFrom(3, { action: 'person.list' });
      const verdict = await verify();
      expect(verdict.ok).toBe(false);
      expect(verdict.firstBad?.reason).toContain('anchor');
    });

    it('cannot move the anchor to the rewritten chain without the key', async () => {
      await writeEvents(platform);
      const last = await rewriteFrom(3, { action: 'person.list' });
      await db().updateTable('audit_head').set({ hash: last }).execute();
      const verdict = await verify();
      expect(verdict.ok).toBe(false);
      expect(verdict.firstBad?.reason).toContain('anchor was forged');
    });

    it('cannot forge the anchor with a key of their own', async () => {
      await writeEvents(platform);
      const last = await rewriteFrom(3, { action: 'person.list' });
      const ownKeyring: Keyring = { ...platform.keyring, indexKey: Buffer.alloc(32, 7) };
      const mac = new FieldCipher(ownKeyring).mac('audit-head', `6:${last}`);
      await db().updateTable('audit_head').set({ hash: last, mac }).execute();
      const verdict = await verify();
      expect(verdict.ok).toBe(false);
      expect(verdict.firstBad?.reason).toContain('anchor was forged');
    });

    it('cannot append a row after the anchor', async () => {
      await writeEvents(platform);
      const last = await db().selectFrom('audit_events').selectAll().where('seq', '=', 6).executeTakeFirstOrThrow();
      const content = { ...last, seq: 7, action: 'person.read', record_id: 'p-forged' };
      const { prev_hash: _p, hash: _h, ...rest } = content;
      await db().insertInto('audit_events').values({ ...rest, prev_hash: last.hash, hash: chainHash(last.hash, rest) }).execute();
      const verdict = await verify();
      expect(verdict.ok).toBe(false);
      expect(verdict.firstBad?.seq).toBe(7);
    });
  });

  it('leaves no audit row, and no change, for a transaction that rolled back', async () => {
    await writeEvents(platform);
    const headBefore = await db().selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
    await expect(
      withAudit(platform, CONTEXT, async (trx, record) => {
        await trx.insertInto('meta').values({ key: 'rolled-back', value: 'x' }).execute();
        record({ action: 'settings.update', recordType: 'setting', recordId: 'rolled-back' });
        throw new Error('the unit of work failed');
      }),
    ).rejects.toThrow('the unit of work failed');
    const rows = await db().selectFrom('audit_events').select('seq').execute();
    expect(rows).toHaveLength(6);
    expect(await db().selectFrom('audit_events').select('seq').where('action', '=', 'settings.update').execute()).toEqual([]);
    expect(await db().selectFrom('meta').select('key').where('key', '=', 'rolled-back').execute()).toEqual([]);
    expect(await db().selectFrom('audit_head').selectAll().executeTakeFirstOrThrow()).toEqual(headBefore);
    expect(await verify()).toEqual({ ok: true, rows: 6 });
  });

  it('verifies a chain that grows while it is being verified, without a false alarm', async () => {
    await writeEvents(platform);
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing && i < 200; i += 1) {
        await withAudit(platform, CONTEXT, async (_trx, record) => record({ action: 'person.read', recordType: 'person', recordId: `w-${i}` }));
      }
    })();
    try {
      for (let round = 0; round < 10; round += 1) {
        const verdict = await verifyAuditChain(db(), platform.cipher, 3);
        expect(verdict.firstBad).toBeUndefined();
        expect(verdict.ok).toBe(true);
      }
    } finally {
      writing = false;
      await writer;
    }
    expect((await verify()).ok).toBe(true);
  });

  it('keeps one chain when several processes append at once, from the very first row', async () => {
    // Each open platform is a process of its own: its own connections and its own group commit.
    const processes = [platform, await database!.open(), await database!.open()];
    try {
      await Promise.all(
        processes.flatMap((writer, p) =>
          Array.from({ length: 15 }, (_, i) =>
            withAudit(writer, CONTEXT, async (_trx, record) => record({ action: 'person.read', recordType: 'person', recordId: `proc-${p}-${i}` })),
          ),
        ),
      );
    } finally {
      await Promise.all(processes.slice(1).map((other) => other.database.close()));
    }
    expect(await verify()).toEqual({ ok: true, rows: 45 });
  });
});

describe.each(await databaseKinds())('audit rows of the API on %s', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  it('name the fields a registration touched but never their values', async () => {
    const agency = await makeAgency(server.platform, 'Audit Test Unit');
    const officer = await sessionFor(server, await makeUser(server.platform, agency, 'protection_officer', 'auditofficer'));
    const person = { givenName: 'Zerihun', familyName: 'Woldemariam', otherNames: ['Abebech'], sex: 'male', phone: '+251 911 234 567', address: 'Kebele 07, Mekelle' };
    const created = await officer.post('/api/persons', person);
    expect(created.status).toBe(201);
    expect((await officer.get(`/api/persons/${created.body.id}`)).status).toBe(200);
    expect((await officer.patch(`/api/persons/${created.body.id}`, { version: 1, familyName: 'Tesfamariam' })).status).toBe(200);

    const rows = await server.platform.database.db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
    const dump = JSON.stringify(rows).toLowerCase();
    for (const value of ['zerihun', 'woldemariam', 'tesfamariam', 'abebech', '911 234', 'mekelle', 'kebele']) {
      expect(dump, value).not.toContain(value);
    }
    const create = rows.find((r) => r.action === 'person.create' && r.record_id === created.body.id)!;
    expect(JSON.parse(create.fields)).toEqual(expect.arrayContaining(['givenName', 'familyName', 'phone', 'address']));
    const update = rows.find((r) => r.action === 'person.update' && r.record_id === created.body.id)!;
    expect(JSON.parse(update.fields)).toEqual(['familyName']);
    expect((await verifyAuditChain(server.platform.database.db, server.platform.cipher)).ok).toBe(true);
  });
});
