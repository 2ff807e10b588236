import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../test-support/databases.js';
import { TestClock } from '../test-support/server.js';
import type { Platform } from './context.js';
import { holdProcessLease, LEASE_TTL_MS, leaseHolderGone, NEVER, thisProcess } from './process-lease.js';

describe('judging whether the holder of a lease is gone', () => {
  const now = new Date('2026-03-01T06:00:00Z');
  const lease = (fields: { machine?: string; pid?: number; started?: string; expiresIn?: number }) => ({
    id: 'a-lease-not-held-here',
    machine: fields.machine ?? thisProcess.machine,
    pid: fields.pid ?? process.pid,
    process_started: fields.started ?? thisProcess.started,
    expires_at: new Date(now.getTime() + (fields.expiresIn ?? LEASE_TTL_MS)).toISOString(),
  });

  it('takes a lease that no longer exists for a process that is gone', () => {
    expect(leaseHolderGone(undefined, now)).toBe(true);
  });

  it('asks the operating system about a process of this machine, whatever its lease says', () => {
    expect(leaseHolderGone(lease({ pid: process.ppid, started: '', expiresIn: -60_000 }), now)).toBe(false);
    expect(leaseHolderGone(lease({ pid: 2 ** 22 + 1, started: '' }), now)).toBe(true); // beyond Linux's largest pid
  });

  it('knows a reused pid from the process that held the lease by its start time', () => {
    expect(leaseHolderGone(lease({ pid: process.ppid, started: 'another-start' }), now)).toBe(true);
  });

  it('takes a lease of this very process for gone unless this process holds it now', () => {
    expect(leaseHolderGone(lease({}), now)).toBe(true); // a previous life with the same pid, or an app closed here
  });

  it('takes a SQLite process of an earlier boot for gone, and one of another PID namespace of this boot for alive', () => {
    const sqlite = (machine: string) => ({ ...lease({ machine }), expires_at: NEVER });
    const boot = thisProcess.machine.split('/')[0];
    expect(leaseHolderGone(sqlite('an-earlier-boot/pid:[4026531836]'), now)).toBe(true);
    expect(leaseHolderGone(sqlite(`${boot}/pid:[another-namespace]`), now)).toBe(false);
  });

  it('judges a process of another machine by its lease alone', () => {
    expect(leaseHolderGone(lease({ machine: 'elsewhere', expiresIn: 1 }), now)).toBe(false);
    expect(leaseHolderGone(lease({ machine: 'elsewhere', expiresIn: 0 }), now)).toBe(true);
  });
});

describe.each(await databaseKinds())('a process lease on %s', (kind) => {
  let database: TestDatabase;
  let platform: Platform;
  const clock = new TestClock();

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    platform = await database.open(clock.now);
  });
  afterAll(async () => {
    await platform?.database.close();
    await database?.destroy();
  });

  const row = (id: string) => platform.database.db.selectFrom('process_leases').selectAll().where('id', '=', id).executeTakeFirst();

  it('is written when taken, renewed while held (on PostgreSQL), and deleted when released', { timeout: 20_000 }, async () => {
    const lease = await holdProcessLease(platform);
    const taken = await row(lease.id);
    expect(taken).toMatchObject({ machine: thisProcess.machine, pid: process.pid, process_started: thisProcess.started });
    expect(leaseHolderGone(taken, clock.now())).toBe(false);
    clock.advance(60_000);
    await new Promise((resolve) => setTimeout(resolve, 3_500)); // one renewal, where leases are renewed
    const expires = (await row(lease.id))!.expires_at;
    if (kind === 'postgres') expect(Date.parse(expires)).toBe(clock.now().getTime() + LEASE_TTL_MS);
    // On SQLite every process is on this machine, where the operating system is asked: no renewals.
    else expect(expires).toBe('9999-12-31T23:59:59.999Z');
    await lease.release();
    expect(await row(lease.id)).toBeUndefined();
    expect(leaseHolderGone(taken, clock.now())).toBe(true);
  });

  it('forgets, when another is taken, the leases of this machine’s stopped processes and those lapsed a day ago', async () => {
    const { db } = platform.database;
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();
    await db
      .insertInto('process_leases')
      .values([
        { id: 'stopped-here', machine: thisProcess.machine, pid: child.pid!, process_started: '', expires_at: at(LEASE_TTL_MS) },
        { id: 'lapsed-elsewhere', machine: 'elsewhere', pid: 1, process_started: '', expires_at: at(-25 * 60 * 60 * 1000) },
        { id: 'lapsing-elsewhere', machine: 'elsewhere', pid: 1, process_started: '', expires_at: at(-60_000) },
        { id: 'live-elsewhere', machine: 'elsewhere', pid: 1, process_started: '', expires_at: at(LEASE_TTL_MS) },
      ])
      .execute();
    const fresh = await holdProcessLease(platform);
    try {
      const left = (await db.selectFrom('process_leases').select('id').where('id', '!=', fresh.id).orderBy('id').execute()).map((lease) => lease.id);
      expect(left).toEqual(['lapsing-elsewhere', 'live-elsewhere']);
    } finally {
      await fresh.release();
    }
  });
});
