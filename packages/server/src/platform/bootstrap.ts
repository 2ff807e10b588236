import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BASELINE_PROFILE, loadProfileText, type Profile } from '@haven/core';
import type { HavenConfig } from './config.js';
import type { Platform } from './context.js';
import { FieldCipher } from './crypto/cipher.js';
import { ensureKeyFile, KeyringError, loadKeyring } from './crypto/keyring.js';
import { createMailer } from './mail.js';
import { migrateToLatest, openDatabase, type Database, type OpenOptions } from './db/database.js';

export class KeyMismatchError extends Error {}

const KEY_CHECK = 'key_check';

/** The key check a database holds once it has been opened with a key file, or undefined for a new one. */
async function storedKeyCheck(database: Database): Promise<string | undefined> {
  try {
    const row = await database.db.selectFrom('meta').select('value').where('key', '=', KEY_CHECK).executeTakeFirst();
    return row?.value;
  } catch {
    return undefined; // no meta table yet: a new database
  }
}

/** The jurisdiction's profile, refused at start-up if it weakens the baseline. */
export function loadJurisdictionProfile(file: string | undefined): Profile {
  if (!file) return BASELINE_PROFILE;
  return loadProfileText(readFileSync(file, 'utf8'), path.basename(file));
}

export interface PlatformOptions extends OpenOptions {
  clock?: () => Date;
  /** Apply pending migrations (serve and migrate do; read-only tools need not). */
  migrate?: boolean;
  /** Told the migrations this opening applied (`haven migrate` reports them). */
  onMigrated?: (applied: string[]) => void;
}

/**
 * Opens the database and its key file. A new database is bound to the key file (created 0600 if
 * missing); an existing one is opened only with the key file it was written with, checked before
 * any migration runs, and a missing key file is never silently replaced by a new one.
 */
export async function openPlatform(config: HavenConfig, options: PlatformOptions = {}): Promise<Platform> {
  const profile = loadJurisdictionProfile(config.profileFile);
  const database = await openDatabase(config.db, { poolSize: options.poolSize ?? config.dbPoolSize, idleInTransactionMs: config.dbIdleInTransactionMs });
  try {
    const stored = await storedKeyCheck(database);
    if (stored !== undefined && !existsSync(config.keyFile)) {
      throw new KeyringError(`key file ${config.keyFile} does not exist, but this database was written with one; set HAVEN_KEY_FILE to it`);
    }
    ensureKeyFile(config.keyFile);
    const keyring = loadKeyring(config.keyFile);
    const cipher = new FieldCipher(keyring);
    const expected = cipher.mac(KEY_CHECK, 'haven');
    if (stored !== undefined && stored !== expected) {
      throw new KeyMismatchError(`the key file ${keyring.file} does not belong to this database`);
    }
    if (options.migrate ?? true) {
      const applied = await migrateToLatest(database.db);
      options.onMigrated?.(applied);
    }
    if (stored === undefined) await database.db.insertInto('meta').values({ key: KEY_CHECK, value: expected }).execute();
    return { config, database, keyring, cipher, clock: options.clock ?? (() => new Date()), profile, mailer: createMailer(config) };
  } catch (error) {
    await database.close();
    throw error;
  }
}
