import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openPlatform } from '../platform/bootstrap.js';
import { loadConfig } from '../platform/config.js';
import type { Platform } from '../platform/context.js';

/** The PostgreSQL the benchmarks use: each run works in a schema of its own and drops it. */
export const PG_URL = process.env.HAVEN_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';

export interface BenchPlatform {
  platform: Platform;
  /** Closes the database and removes what the run wrote: the SQLite files or the PostgreSQL schema. */
  cleanup(): Promise<void>;
}

async function asAdmin(statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** A fresh, migrated platform on a new SQLite file or a new PostgreSQL schema, with its own key file. */
export async function openBenchPlatform(kind: 'sqlite' | 'postgres', dbPoolSize: number): Promise<BenchPlatform> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'haven-bench-'));
  let db = path.join(dir, 'haven.db');
  let schema: string | undefined;
  if (kind === 'postgres') {
    schema = `haven_bench_${randomBytes(4).toString('hex')}`;
    await asAdmin(`create schema ${schema}`);
    db = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  }
  const platform = await openPlatform({ ...loadConfig({}), db, keyFile: path.join(dir, 'haven.key'), logLevel: 'warn', dbPoolSize });
  return {
    platform,
    async cleanup() {
      await platform.database.close();
      if (schema) await asAdmin(`drop schema ${schema} cascade`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether PostgreSQL is there: the benchmarks run on SQLite alone when it is not. */
export async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}
