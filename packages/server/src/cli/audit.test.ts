import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAudit } from '../platform/audit/recorder.js';
import { ensureKeyFile } from '../platform/crypto/keyring.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../test-support/databases.js';
import { runHaven, spawnHaven } from './test-support/haven.js';

const SYSTEM = { actorUserId: null, actorAgencyId: null, requestId: 'cli-audit-test', clientAddress: null };

describe.each(await databaseKinds())('haven audit verify on %s', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const platform = await database.open();
    for (let i = 0; i < 4; i += 1) {
      await withAudit(platform, SYSTEM, async (_trx, record) => record({ action: 'settings.update', recordType: 'setting', recordId: `s-${i}`, fields: ['value'] }));
    }
    await platform.database.close();
  });
  afterAll(() => database?.destroy());

  const env = () => database.config;

  it('exits 0 and reports the chain intact', async () => {
    const run = await runHaven(env(), ['audit', 'verify']);
    expect(run).toEqual({ code: 0, stdout: 'audit chain intact: 4 rows\n', stderr: '' });
  });

  it('exits non-zero naming the altered row on stderr', async () => {
    const platform = await database.open();
    try {
      await platform.database.db.updateTable('audit_events').set({ record_id: 's-forged' }).where('seq', '=', 2).execute();
      const run = await runHaven(env(), ['audit', 'verify']);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^haven: audit chain broken at row 2: row 2 was altered/);
    } finally {
      await platform.database.db.updateTable('audit_events').set({ record_id: 's-1' }).where('seq', '=', 2).execute();
      await platform.database.close();
    }
  });

  it('refuses a key file that is not the database’s, naming the key file', async () => {
    const other = await createTestDatabase('sqlite');
    try {
      ensureKeyFile(other.config.keyFile); // a real key file, only not this database's
      const run = await runHaven({ db: env().db, keyFile: other.config.keyFile }, ['audit', 'verify']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`the key file ${other.config.keyFile} does not belong to this database`);
    } finally {
      await other.destroy();
    }
  });

  it('refuses a key file that does not exist instead of creating a new one', async () => {
    const other = await createTestDatabase('sqlite');
    try {
      const run = await runHaven({ db: env().db, keyFile: other.config.keyFile }, ['audit', 'verify']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`key file ${other.config.keyFile} does not exist`);
      expect(existsSync(other.config.keyFile)).toBe(false);
    } finally {
      await other.destroy();
    }
  });
});

describe('haven audit verify as a process of its own', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    const platform = await database.open();
    await platform.database.close();
  });
  afterAll(() => database?.destroy());

  it('exits 0 on a fresh database and 1 naming the row once a row is altered', async () => {
    const fresh = await spawnHaven(database.config, ['audit', 'verify']);
    expect(fresh).toEqual({ code: 0, stdout: 'audit chain intact: 0 rows\n', stderr: '' });
    const platform = await database.open();
    try {
      for (let i = 0; i < 3; i += 1) {
        await withAudit(platform, SYSTEM, async (_trx, record) => record({ action: 'settings.update', recordType: 'setting', recordId: `s-${i}` }));
      }
      await platform.database.db.updateTable('audit_events').set({ action: 'audit.read' }).where('seq', '=', 3).execute();
    } finally {
      await platform.database.close();
    }
    const broken = await spawnHaven(database.config, ['audit', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toContain('row 3');
    expect(broken.stderr).toMatch(/^haven: audit chain broken at row 3/);
  });
});
