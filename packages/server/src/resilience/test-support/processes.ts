import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Role } from '@haven/core';
import { createSession } from '../../platform/auth/sessions.js';
import type { Platform } from '../../platform/context.js';
import { makeAgency, makeUser } from '../../test-support/server.js';
import type { HavenEnv } from '../../cli/test-support/haven.js';

const FROM_SOURCE = fileURLToPath(new URL('../../cli/test-support/haven-from-source.mjs', import.meta.url));

/** A free loopback port, so a restarted server comes back where its clients expect it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A `haven serve` process of its own. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** Resident memory of the server process, in bytes (Linux /proc). */
  rss(): number;
  /** kill -9, and wait until it is gone. */
  kill9(): Promise<void>;
  /** SIGTERM, and wait for the orderly shutdown. */
  stop(): Promise<Exit>;
  /** Sends a signal without waiting. */
  signal(name: NodeJS.Signals): void;
  /** Resolves once the process has exited. */
  exited(): Promise<Exit>;
  /** Whether the process is still running. */
  alive(): boolean;
  /** What the process wrote to standard error so far. */
  stderr(): string;
}

/** How a process ended: its exit code, or the signal that ended it. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function exited(child: ChildProcess): Promise<Exit> {
  const exit = (): Exit => ({ code: child.exitCode, signal: child.signalCode });
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve(exit()) : new Promise((resolve) => child.once('exit', () => resolve(exit())));
}

/** Starts `haven serve` from the sources on the given port and waits until it serves. */
export function startServerProcess(env: HavenEnv, port: number, extraEnv: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [FROM_SOURCE, 'serve', '--port', String(port)], {
    env: { ...process.env, HAVEN_DB: env.db, HAVEN_KEY_FILE: env.keyFile, HAVEN_LOG_LEVEL: 'error', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`haven serve did not start within 60 s: ${stderr}`));
    }, 60_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`haven serve exited before serving (${code ?? signal}): ${stderr}`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!stdout.includes('Haven is serving at')) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        url: `http://127.0.0.1:${port}`,
        pid: child.pid!,
        rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) * 1024,
        alive: () => child.exitCode === null && child.signalCode === null,
        stderr: () => stderr,
        signal: (name) => void child.kill(name),
        exited: () => exited(child),
        async kill9() {
          child.kill('SIGKILL');
          await exited(child);
        },
        stop() {
          child.kill('SIGTERM');
          return exited(child);
        },
      });
    });
  });
}

export interface SignedIn {
  userId: string;
  agencyId: string;
  cookie: string;
  csrf: string;
  headers: Record<string, string>;
}

/**
 * A user of the role with a full session, written straight into the database (sign-in has its
 * own tests), and the code of conduct accepted when one is in force.
 */
export async function signedIn(platform: Platform, role: Role, username: string, agencyId?: string): Promise<SignedIn> {
  const agency = agencyId ?? (await makeAgency(platform, `Agency of ${username}`));
  const userId = await makeUser(platform, agency, role, username);
  const { db } = platform.database;
  const session = await createSession(db, userId, 'full', platform.clock());
  const conduct = await db.selectFrom('conduct_versions').select(({ fn }) => fn.max('version').as('v')).executeTakeFirst();
  if (conduct?.v != null) await db.insertInto('conduct_acceptances').values({ user_id: userId, version: Number(conduct.v), accepted_at: platform.clock().toISOString() }).execute();
  const cookie = `haven_session=${session.token}`;
  return { userId, agencyId: agency, cookie, csrf: session.csrfToken, headers: { cookie, 'x-csrf-token': session.csrfToken } };
}
