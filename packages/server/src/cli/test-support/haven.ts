import { execFile } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { main } from '../main.js';

/** Where a `haven` command finds its data: what HAVEN_DB and HAVEN_KEY_FILE say. */
export interface HavenEnv {
  db: string;
  keyFile: string;
}

export interface HavenRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `haven <args>` in this process, as bin/haven.js does: the environment names the database
 * and key file for the call only, and standard output and error are captured (not printed).
 */
export async function runHaven(env: HavenEnv, args: string[], options: { stdin?: string } = {}): Promise<HavenRun> {
  const saved = { db: process.env.HAVEN_DB, keyFile: process.env.HAVEN_KEY_FILE, exitCode: process.exitCode };
  process.env.HAVEN_DB = env.db;
  process.env.HAVEN_KEY_FILE = env.keyFile;
  process.exitCode = undefined;
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const input = options.stdin === undefined ? undefined : vi.spyOn(process, 'stdin', 'get').mockReturnValue(Readable.from([options.stdin]) as never);
  try {
    const code = await main(['node', 'haven', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    input?.mockRestore();
    for (const [name, value] of [['HAVEN_DB', saved.db], ['HAVEN_KEY_FILE', saved.keyFile]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    process.exitCode = saved.exitCode;
  }
}

const FROM_SOURCE = fileURLToPath(new URL('./haven-from-source.mjs', import.meta.url));

/** Runs `haven <args>` as a process of its own (from the sources), with its exit code and output. */
export function spawnHaven(env: HavenEnv, args: string[]): Promise<HavenRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [FROM_SOURCE, ...args],
      { env: { ...process.env, HAVEN_DB: env.db, HAVEN_KEY_FILE: env.keyFile, HAVEN_LOG_LEVEL: 'silent' }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}
