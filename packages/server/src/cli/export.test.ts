import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEncryptedZip } from '../features/exports/zip.js';
import { syntheticWorld } from '../features/stats/test-support/world.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../test-support/databases.js';
import { makeUser } from '../test-support/server.js';
import { runHaven } from './test-support/haven.js';

describe.each(await databaseKinds())('haven export on %s', (kind) => {
  let database: TestDatabase;
  let agencyCases = 0;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const platform = await database.open();
    const world = await syntheticWorld(platform, 400, 5);
    agencyCases = (world.rows.cases ?? []).filter((c) => c.agency_id === world.agencyIds[0]).length;
    await makeUser(platform, world.agencyIds[0]!, 'supervisor', 'cli.supervisor');
    await makeUser(platform, world.agencyIds[0]!, 'coordinator', 'cli.coordinator');
    await platform.database.close();
  });
  afterAll(() => database?.destroy());

  it('writes the suppressed indicators as CSV with the HXL row, showing progress on stderr', async () => {
    const out = path.join(database.dir, 'indicators.csv');
    const run = await runHaven(database.config, ['export', 'indicators', '--format', 'csv', '--out', out, '--area', 'North']);
    expect(run.stderr).toContain('export: 5 %');
    expect(run.stderr).toContain('export: 100 %');
    expect(run).toMatchObject({ code: 0, stdout: `${out}\n` });
    const [header, hashtags] = readFileSync(out, 'utf8').split('\n');
    expect(header).toMatch(/^indicator,row_dimension/);
    expect(hashtags).toMatch(/^#indicator\+code,/);
  });

  it('writes a PDF and an XLSX', async () => {
    for (const format of ['pdf', 'xlsx']) {
      const out = path.join(database.dir, `indicators.${format}`);
      expect((await runHaven(database.config, ['export', 'indicators', '--format', format, '--out', out])).code).toBe(0);
      expect(readFileSync(out).subarray(0, 2).toString()).toBe(format === 'pdf' ? '%P' : 'PK');
    }
  });

  it('refuses bad options with one clear line', async () => {
    expect(await runHaven(database.config, ['export', 'indicators', '--from', 'yesterday'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/^haven: --from:/) });
    expect(await runHaven(database.config, ['export', 'indicators', '--format', 'docx'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/^haven: --format:/) });
    expect(await runHaven(database.config, ['export', 'everything'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/unknown export/) });
  });

  it('exports the case list only as a user allowed to, into an encrypted ZIP, audited per person', async () => {
    const passwordFile = path.join(database.dir, 'password');
    writeFileSync(passwordFile, 'a long export passphrase 7\n');
    const out = path.join(database.dir, 'cases.zip');
    expect(await runHaven(database.config, ['export', 'case-list', '--out', out])).toMatchObject({ code: 1, stderr: expect.stringMatching(/--as/) });
    expect(await runHaven(database.config, ['export', 'case-list', '--as', 'cli.coordinator', '--password-file', passwordFile, '--out', out])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/may not export personal data/),
    });
    const run = await runHaven(database.config, ['export', 'case-list', '--as', 'cli.supervisor', '--password-file', passwordFile, '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${agencyCases} persons`);
    const [entry] = await openEncryptedZip(readFileSync(out), 'a long export passphrase 7');
    expect(Buffer.from(entry!.bytes).toString('utf8').trim().split('\n')).toHaveLength(agencyCases + 1);
    const platform = await database.open();
    try {
      const events = await platform.database.db.selectFrom('audit_events').select('record_id').where('action', '=', 'person.exported').execute();
      expect(events).toHaveLength(agencyCases);
    } finally {
      await platform.database.close();
    }
  });
});
