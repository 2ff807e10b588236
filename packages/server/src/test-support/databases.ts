import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openPlatform } from '../platform/bootstrap.js';
import { loadConfig, type HavenConfig } from '../platform/config.js';
import type { Platform } from '../platform/context.js';

export type DatabaseKind = 'sqlite' | 'postgres';

/** The PostgreSQL server tests use; each test file makes its own schema in it and drops it. */
export const TEST_PG_URL = process.env.HAVEN_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';

let pgAvailable: Promise<boolean> | undefined;

/** Whether PostgreSQL answers. With HAVEN_REQUIRE_PG=1 (CI) an absent server fails the run instead of skipping. */
export function postgresAvailable(): Promise<boolean> {
  pgAvailable ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch (error) {
      if (process.env.HAVEN_REQUIRE_PG === '1') throw new Error(`PostgreSQL is required (HAVEN_REQUIRE_PG=1) but ${TEST_PG_URL} does not answer`, { cause: error });
      return false;
    }
  })();
  return pgAvailable;
}

/** Both engines when PostgreSQL is reachable; every storage and API suite runs on each. */
export async function databaseKinds(): Promise<DatabaseKind[]> {
  return (await postgresAvailable()) ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface TestDatabase {
  kind: DatabaseKind;
  config: HavenConfig;
  dir: string;
  /** For PostgreSQL, the schema this test owns. */
  schema: string | undefined;
  sqliteFile: string | undefined;
  open(clock?: () => Date): Promise<Platform>;
  /** Drops the schema or deletes the files. */
  destroy(): Promise<void>;
}

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'haven-test-'));
  const keyFile = path.join(dir, 'haven.key');
  if (kind === 'sqlite') {
    const sqliteFile = path.join(dir, 'haven.db');
    const config = { ...loadConfig({}), db: sqliteFile, keyFile, logLevel: 'silent' };
    return {
      kind,
      config,
      dir,
      schema: undefined,
      sqliteFile,
      open: (clock) => openPlatform(config, clock ? { clock } : {}),
      destroy: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `haven_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  // The schema rides in the URL, so a `haven` command given this HAVEN_DB sees the same data.
  const db = `${TEST_PG_URL}${TEST_PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const config = { ...loadConfig({}), db, keyFile, logLevel: 'silent', dbPoolSize: 5 };
  return {
    kind,
    config,
    dir,
    schema,
    sqliteFile: undefined,
    open: (clock) => openPlatform(config, clock ? { clock } : {}),
    async destroy() {
      const client = new pg.Client({ connectionString: TEST_PG_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
