import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BASELINE_PROFILE, loadProfileText, type Profile } from '@haven/core';
import type { HavenConfig } from './config.js';
import type { Platform } from './context.js';
import { FieldCipher } from './crypto/cipher.js';
import { ensureKeyFile, loadKeyring } from './crypto/keyring.js';
import { migrateToLatest, openDatabase, type OpenOptions } from './db/database.js';

export class KeyMismatchError extends Error {}

const KEY_CHECK = 'key_check';

/**
 * Binds a database to its key file on first use, and refuses a key file that is not the one the
 * data was written with (a restore onto the wrong key would otherwise fail record by record).
 */
async function checkKeyBinding(platform: Platform): Promise<void> {
  const { db } = platform.database;
  const expected = platform.cipher.mac(KEY_CHECK, 'haven');
  const row = await db.selectFrom('meta').select('value').where('key', '=', KEY_CHECK).executeTakeFirst();
  if (!row) {
    await db.insertInto('meta').values({ key: KEY_CHECK, value: expected }).execute();
    return;
  }
  if (row.value !== expected) {
    throw new KeyMismatchError(`the key file ${platform.keyring.file} does not belong to this database`);
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

export async function openPlatform(config: HavenConfig, options: PlatformOptions = {}): Promise<Platform> {
  const profile = loadJurisdictionProfile(config.profileFile);
  ensureKeyFile(config.keyFile);
  const keyring = loadKeyring(config.keyFile);
  const database = await openDatabase(config.db, { poolSize: options.poolSize ?? config.dbPoolSize });
  try {
    if (options.migrate ?? true) {
      const applied = await migrateToLatest(database.db);
      options.onMigrated?.(applied);
    }
    const platform: Platform = { config, database, keyring, cipher: new FieldCipher(keyring), clock: options.clock ?? (() => new Date()), profile };
    await checkKeyBinding(platform);
    return platform;
  } catch (error) {
    await database.close();
    throw error;
  }
}
