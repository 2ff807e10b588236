import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../platform/audit/chain.js';
import type { Platform } from '../platform/context.js';
import { ensureKeyFile } from '../platform/crypto/keyring.js';
import { postgresSchema } from '../platform/db/database.js';
import { createTestDatabase, databaseKinds } from '../test-support/databases.js';
import { makeAgency, makeUser, sessionFor, startTestServer, type Caller, type TestServer } from '../test-support/server.js';
import { runHaven } from './test-support/haven.js';

/** Every row of every Haven table, as sorted JSON lines per table. */
async function snapshot(platform: Platform): Promise<Record<string, string[]>> {
  const { db } = platform.database;
  const schema = await postgresSchema(db);
  const tables = (await db.introspection.getTables()).filter((t) => t.schema === schema).map((t) => t.name);
  const out: Record<string, string[]> = {};
  for (const table of tables.sort()) {
    const rows = await db.selectFrom(table as 'meta').selectAll().execute();
    out[table] = rows.map((r) => JSON.stringify(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)))).sort();
  }
  return out;
}

describe.each(await databaseKinds())('haven backup and haven restore on %s', (kind) => {
  let server: TestServer;
  let officer: Caller;
  let running = true;
  let backupFile: string;
  let beforeBackup: Record<string, string[]>;
  const personIds: string[] = [];

  beforeAll(async () => {
    server = await startTestServer(kind, { logLevel: 'silent' });
    const agency = await makeAgency(server.platform, 'Backup Unit');
    officer = await sessionFor(server, await makeUser(server.platform, agency, 'protection_officer', 'backupofficer'));
    for (const givenName of ['Mohammed', 'Amina', 'Yonas']) {
      const created = await officer.post('/api/persons', { givenName, familyName: 'Restore', sex: 'unknown', phone: '+30 690 111 2222' });
      expect(created.status).toBe(201);
      personIds.push(created.body.id);
    }
    backupFile = path.join(server.database.dir, 'haven.backup');
  });
  afterAll(async () => {
    if (running) await server.close();
    else await server.database.destroy();
  });

  const env = () => server.database.config;
  const openTarget = () => server.database.open();
  async function targetSnapshot(): Promise<Record<string, string[]>> {
    const platform = await openTarget();
    try {
      return await snapshot(platform);
    } finally {
      await platform.database.close();
    }
  }

  if (kind === 'sqlite') {
    it('keeps the database, its log and shared memory readable by the owner only while it runs', () => {
      const file = server.database.sqliteFile!;
      for (const own of [file, `${file}-wal`, `${file}-shm`]) expect(statSync(own).mode & 0o777, own).toBe(0o600);
    });
  }

  it('backs up while the server runs, into a file and a manifest only the owner can read', async () => {
    beforeBackup = await snapshot(server.platform);
    expect(beforeBackup.persons).toHaveLength(3);
    const run = await runHaven(env(), ['backup', backupFile]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const auditRows = beforeBackup.audit_events!.length;
    expect(run.stdout).toBe(`backup written to ${backupFile} (${auditRows} audit rows)\n`);
    expect(existsSync(backupFile)).toBe(true);
    const manifest = JSON.parse(readFileSync(`${backupFile}.manifest.json`, 'utf8'));
    expect(manifest).toMatchObject({ format: 'haven-backup/1', dialect: kind, auditRows });
    expect(statSync(`${backupFile}.manifest.json`).mode & 0o777).toBe(0o600);
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);
  });

  it('refuses to overwrite an existing backup file', async () => {
    const run = await runHaven(env(), ['backup', backupFile]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('already exists');
  });

  if (kind === 'postgres') {
    it('holds Haven’s schema only, nothing of other schemas of the same database', () => {
      const listing = execFileSync('pg_restore', ['--list', backupFile], { encoding: 'utf8' });
      const schemas = new Set([...listing.matchAll(/ (?:SCHEMA -|TABLE DATA|TABLE) (\S+) /g)].map((m) => m[1]));
      expect([...schemas]).toEqual([server.database.schema]);
      expect(listing).toContain(`TABLE DATA ${server.database.schema} persons `);
    });

    it('refuses to restore into a database whose schema is not the one backed up', async () => {
      const other = await createTestDatabase('postgres');
      try {
        const run = await runHaven({ db: other.config.db, keyFile: env().keyFile }, ['restore', backupFile]);
        expect(run.code).toBe(1);
        expect(run.stderr).toContain(`the backup holds schema "${server.database.schema}" but HAVEN_DB uses schema "${other.schema}"`);
      } finally {
        await other.destroy();
      }
    });
  }

  it('refuses a restore under another key file and leaves the database untouched', async () => {
    // Change the data after the backup, then stop the server: restore replaces a stopped database.
    expect((await officer.patch(`/api/persons/${personIds[0]}`, { version: 1, familyName: 'Changed' })).status).toBe(200);
    expect((await officer.post('/api/persons', { givenName: 'After', sex: 'male' })).status).toBe(201);
    await server.platform.database.db.deleteFrom('sessions').execute();
    await server.app.close();
    await server.platform.database.close();
    running = false;

    const changed = await targetSnapshot();
    expect(changed).not.toEqual(beforeBackup);
    const otherKey = path.join(server.database.dir, 'other.key');
    ensureKeyFile(otherKey);
    const run = await runHaven({ db: env().db, keyFile: otherKey }, ['restore', backupFile, '--force']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the backup was made under a different key file than ${otherKey}`);
    const missingKey = await runHaven({ db: env().db, keyFile: path.join(server.database.dir, 'absent.key') }, ['restore', backupFile, '--force']);
    expect(missingKey.code).toBe(1);
    expect(missingKey.stderr).toMatch(/haven: key file \S+absent\.key does not exist; restore with the key file/);
    expect(await targetSnapshot()).toEqual(changed);
  });

  it('refuses a backup without its manifest, or with a damaged one, naming the manifest', async () => {
    const bare = path.join(server.database.dir, 'bare.backup');
    copyFileSync(backupFile, bare);
    const missing = await runHaven(env(), ['restore', bare, '--force']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`haven: <file>: ${bare}.manifest.json is missing; it is written beside every backup\n`);
    for (const text of ['{ torn', JSON.stringify({ format: 'something-else/1' })]) {
      writeFileSync(`${bare}.manifest.json`, text);
      const damaged = await runHaven(env(), ['restore', bare, '--force']);
      expect(damaged.code, text).toBe(1);
      expect(damaged.stderr, text).toContain(`${bare}.manifest.json: not a Haven backup manifest`);
    }
    const absent = await runHaven(env(), ['restore', path.join(server.database.dir, 'no-such.backup')]);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain('does not exist');
  });

  if (kind === 'sqlite') {
    it('refuses to replace an existing SQLite database without --force', async () => {
      const before = await targetSnapshot();
      const run = await runHaven(env(), ['restore', backupFile]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('pass --force');
      expect(await targetSnapshot()).toEqual(before);
    });
  }

  if (kind === 'postgres') {
    it('leaves the database as it was when a restore fails part way', async () => {
      const platform = await openTarget();
      const { db } = platform.database;
      try {
        // A table the backup does not know, holding on to one it restores: dropping that fails.
        await db.schema.createTable('holdout').addColumn('person_id', 'text', (c) => c.references('persons.id')).execute();
        const before = await snapshot(platform);
        const run = await runHaven(env(), ['restore', backupFile]);
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(/^haven: pg_restore failed: /);
        expect(await snapshot(platform)).toEqual(before);
      } finally {
        await db.schema.dropTable('holdout').ifExists().execute();
        await platform.database.close();
      }
    });
  }

  it('restores every row of every table as it was at the backup, with the audit chain intact', async () => {
    const run = await runHaven(env(), ['restore', backupFile, '--force']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`restored ${backupFile}; audit chain intact (${beforeBackup.audit_events!.length} rows)\n`);
    const platform = await openTarget();
    try {
      expect(await snapshot(platform)).toEqual(beforeBackup);
      expect(await verifyAuditChain(platform.database.db, platform.cipher)).toEqual({ ok: true, rows: beforeBackup.audit_events!.length });
    } finally {
      await platform.database.close();
    }
    const verify = await runHaven(env(), ['audit', 'verify']);
    expect(verify.code).toBe(0);
  });
});
