import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { z } from 'zod';
import { verifyAuditChain } from '../platform/audit/chain.js';
import { isPostgresUrl } from '../platform/config.js';
import { FieldCipher } from '../platform/crypto/cipher.js';
import { KeyringError, loadKeyring } from '../platform/crypto/keyring.js';
import { openDatabase, postgresSchema } from '../platform/db/database.js';
import { createOwnerOnlyFile, OWNER_ONLY_FILE } from '../platform/private-files.js';
import { CliError } from './errors.js';
import { configFromEnv, openCliPlatform, redact, withPlatform } from './platform.js';

const run = promisify(execFile);

const manifestSchema = z.object({
  format: z.literal('haven-backup/1'),
  dialect: z.enum(['sqlite', 'postgres']),
  createdAt: z.string(),
  keyCheck: z.string(),
  auditRows: z.number().int(),
  /** PostgreSQL: the one schema dumped (backups before this field dumped the whole database). */
  schema: z.string().optional(),
});
type Manifest = z.infer<typeof manifestSchema>;

const manifestPath = (file: string) => `${file}.manifest.json`;

/** A pg_dump pattern matching exactly this schema name (quoted: no wildcards, case kept). */
const exactSchema = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Restores Haven's objects from a custom-format dump in one transaction, so a restore that fails
 * part way leaves the database as it was. The schema itself (public, or one an administrator
 * made) is left alone: Haven never creates or drops a schema.
 */
async function restorePostgres(db: string, file: string): Promise<void> {
  const { stdout } = await run('pg_restore', ['--list', file], { maxBuffer: 64 * 1024 * 1024 });
  const entries = stdout.split('\n').filter((line) => !/^\d+; \d+ \d+ (SCHEMA - |COMMENT - SCHEMA |ACL - SCHEMA )/.test(line));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'haven-restore-'));
  try {
    const list = path.join(dir, 'toc.list');
    writeFileSync(list, `${entries.join('\n')}\n`, { mode: OWNER_ONLY_FILE });
    await run('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', `--use-list=${list}`, `--dbname=${db}`, file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('Back up the database online (SQLite backup API, or pg_dump) with a manifest binding it to the key file')
    .argument('<file>', 'where to write the backup')
    .action(async (file: string) => {
      if (existsSync(file)) throw new CliError(`<file>: ${file} already exists; choose a new name`);
      await withPlatform(async (platform) => {
        const { database } = platform;
        const schema = await postgresSchema(database.db);
        // Made owner-only before SQLite or pg_dump writes into it (both keep an existing file's mode).
        createOwnerOnlyFile(file, { exclusive: true });
        try {
          if (database.dialect === 'sqlite') {
            await database.sqlite!.backup(file);
          } else {
            // Only Haven's schema: other schemas of the database are not Haven's to copy or to restore over.
            await run('pg_dump', ['--format=custom', '--no-owner', `--schema=${exactSchema(schema!)}`, `--file=${file}`, platform.config.db]).catch((error: Error) => {
              throw new CliError(`pg_dump failed: ${redact(error.message)}`);
            });
          }
        } catch (error) {
          rmSync(file, { force: true });
          throw error;
        }
        const keyCheck = await database.db.selectFrom('meta').select('value').where('key', '=', 'key_check').executeTakeFirstOrThrow();
        const verdict = await verifyAuditChain(database.db, platform.cipher);
        const manifest: Manifest = {
          format: 'haven-backup/1',
          dialect: database.dialect,
          createdAt: platform.clock().toISOString(),
          keyCheck: keyCheck.value,
          auditRows: verdict.rows,
          ...(schema ? { schema } : {}),
        };
        writeFileSync(manifestPath(file), `${JSON.stringify(manifest, null, 2)}\n`, { mode: OWNER_ONLY_FILE });
        process.stdout.write(`backup written to ${file} (${verdict.rows} audit rows${verdict.ok ? '' : ', AUDIT CHAIN ALREADY BROKEN'})\n`);
      });
    });

  program
    .command('restore')
    .description('Restore a backup made by `haven backup` into HAVEN_DB, refusing one made under another key file')
    .argument('<file>', 'the backup file (its .manifest.json must sit beside it)')
    .option('--force', 'replace an existing SQLite database')
    .action(async (file: string, options: { force?: boolean }) => {
      if (!existsSync(file)) throw new CliError(`<file>: ${file} does not exist`);
      if (!existsSync(manifestPath(file))) throw new CliError(`<file>: ${manifestPath(file)} is missing; it is written beside every backup`);
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(manifestPath(file), 'utf8'));
      } catch {
        throw new CliError(`${manifestPath(file)}: not a Haven backup manifest (not JSON)`);
      }
      const parsed = manifestSchema.safeParse(json);
      if (!parsed.success) throw new CliError(`${manifestPath(file)}: not a Haven backup manifest`);
      const manifest = parsed.data;
      const config = configFromEnv();
      const target = isPostgresUrl(config.db) ? 'postgres' : 'sqlite';
      if (target !== manifest.dialect) throw new CliError(`the backup is of a ${manifest.dialect} database but HAVEN_DB is ${target}`);
      // Refuse before touching anything when the data could not be read with this key file.
      let keyCheck: string;
      try {
        keyCheck = new FieldCipher(loadKeyring(config.keyFile)).mac('key_check', 'haven');
      } catch (error) {
        if (error instanceof KeyringError) throw new CliError(`${error.message}; restore with the key file the backup was made with (HAVEN_KEY_FILE)`);
        throw error;
      }
      if (keyCheck !== manifest.keyCheck) {
        throw new CliError(`the backup was made under a different key file than ${config.keyFile}; restore with the key file it was made with (HAVEN_KEY_FILE)`);
      }
      if (target === 'sqlite') {
        const dbFile = path.resolve(config.db);
        if (existsSync(dbFile) && !options.force) throw new CliError(`${dbFile} exists; stop the server and pass --force to replace it`);
        // Copied beside the database, then renamed over it: a restore cut short leaves the old file whole.
        const incoming = `${dbFile}.restoring`;
        copyFileSync(file, incoming);
        chmodSync(incoming, OWNER_ONLY_FILE);
        for (const suffix of ['-wal', '-shm']) rmSync(`${dbFile}${suffix}`, { force: true });
        renameSync(incoming, dbFile);
      } else {
        // A dump restores into the schema it was taken from, whatever HAVEN_DB's search path says.
        if (manifest.schema) {
          const probe = await openDatabase(config.db, { poolSize: 1 });
          const schema = await postgresSchema(probe.db).finally(() => probe.close());
          if (schema !== manifest.schema) {
            throw new CliError(`the backup holds schema "${manifest.schema}" but HAVEN_DB uses ${schema ? `schema "${schema}"` : 'no existing schema'}`);
          }
        }
        await restorePostgres(config.db, file).catch((error: Error) => {
          throw new CliError(`pg_restore failed: ${redact(error.message)}`);
        });
      }
      const platform = await openCliPlatform(config);
      try {
        const verdict = await verifyAuditChain(platform.database.db, platform.cipher);
        if (!verdict.ok) throw new CliError(`restored, but the audit chain is broken at row ${verdict.firstBad!.seq}: ${verdict.firstBad!.reason}`);
        process.stdout.write(`restored ${file}; audit chain intact (${verdict.rows} rows)\n`);
      } finally {
        await platform.database.close();
      }
    });
}
