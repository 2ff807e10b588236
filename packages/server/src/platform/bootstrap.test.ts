import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKinds } from '../test-support/databases.js';
import { openPlatform } from './bootstrap.js';
import { ensureKeyFile } from './crypto/keyring.js';

describe.each(await databaseKinds())('opening a database with its key file on %s', (kind) => {
  it('refuses a missing key file for a database that has one, without creating a new key file', async () => {
    const database = await createTestDatabase(kind);
    try {
      const first = await database.open();
      await first.database.close();
      rmSync(database.config.keyFile);
      await expect(openPlatform(database.config)).rejects.toThrow(/does not exist, but this database was written with one/);
      expect(existsSync(database.config.keyFile)).toBe(false);
    } finally {
      await database.destroy();
    }
  });

  it('refuses another key file before running any migration', async () => {
    const database = await createTestDatabase(kind);
    try {
      const first = await database.open();
      await first.database.close();
      const other = { ...database.config, keyFile: path.join(database.dir, 'other.key') };
      ensureKeyFile(other.keyFile);
      await expect(openPlatform(other)).rejects.toThrow(/does not belong to this database/);
    } finally {
      await database.destroy();
    }
  });

  it('refuses a jurisdiction profile that weakens the baseline, naming the entry', async () => {
    const database = await createTestDatabase(kind);
    try {
      const profileFile = path.join(database.dir, 'weak.yaml');
      writeFileSync(profileFile, 'id: weak\nname: Weak\ndeadlines:\n  life.emergency_care: PT2H\n');
      await expect(openPlatform({ ...database.config, profileFile })).rejects.toThrow(/life\.emergency_care/);
    } finally {
      await database.destroy();
    }
  });
});
