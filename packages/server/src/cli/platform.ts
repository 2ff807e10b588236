import { ConfigError, loadConfig, type HavenConfig } from '../platform/config.js';
import { KeyMismatchError, openPlatform, type PlatformOptions } from '../platform/bootstrap.js';
import { ProfileError } from '@haven/core';
import type { Platform } from '../platform/context.js';
import { KeyringError } from '../platform/crypto/keyring.js';
import { encryptPlaintextBirthDates } from '../features/persons/birth-date.js';
import { CliError } from './errors.js';

export function configFromEnv(): HavenConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

/** Opens the configured database and key file for a command, turning set-up faults into one clear line. */
export async function openCliPlatform(config: HavenConfig = configFromEnv(), options: PlatformOptions = {}): Promise<Platform> {
  let platform: Platform;
  try {
    platform = await openPlatform(config, options);
  } catch (error) {
    if (error instanceof KeyringError || error instanceof KeyMismatchError || error instanceof ProfileError) throw new CliError(error.message);
    if ((error as { code?: string }).code === 'ENOENT' && config.profileFile) throw new CliError(`HAVEN_PROFILE: cannot read ${config.profileFile}`);
    const code = (error as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '3D000' || code === '28P01') {
      throw new CliError(`cannot reach the database ${redact(config.db)}: ${(error as Error).message}`);
    }
    throw error;
  }
  if (options.migrate ?? true) {
    // The rest of migrating, which needs the key: no command reads a database half migrated.
    try {
      await encryptPlaintextBirthDates(platform, {
        onStart: (total) => process.stderr.write(`haven: encrypting ${total} dates of birth stored in plaintext\n`),
      });
    } catch (error) {
      await platform.database.close();
      throw error;
    }
  }
  return platform;
}

/** A database URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

export async function withPlatform<T>(work: (platform: Platform) => Promise<T>, options: PlatformOptions = {}): Promise<T> {
  const platform = await openCliPlatform(configFromEnv(), options);
  try {
    return await work(platform);
  } finally {
    await platform.database.close();
  }
}
