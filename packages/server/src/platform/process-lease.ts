import { randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import type { Platform } from './context.js';
import type { Queryable } from './db/database.js';
import type { ProcessLeaseTable } from './db/schema.js';

// A server process holds a lease on the database while it serves, so that work it reserved (an
// Idempotency-Key) can be taken over as soon as it is known to be gone: on the same machine by
// asking the operating system whether the process still runs, elsewhere once the lease it renews
// has lapsed. What was reserved under a lease must still be checked at commit time against its
// holder: a process that only seemed gone (frozen longer than its lease) must not commit after
// its work was taken over.
//
// On SQLite every process shares the machine (the file must be on a local disk), so the operating
// system answers and the lease is not renewed: a write every few seconds from each process would
// make the others' transactions that read before they write fail ("database is locked"). A lease
// there never lapses by time: one of an earlier boot of the machine is gone (a restart after a
// power cut knows at once); a process in another PID namespace of the same boot (a container
// sharing the file) is taken for gone only by the minute-old rule of the reservations.

/** How long a lease stands without being renewed: what another machine waits for after a crash. */
export const LEASE_TTL_MS = 10_000;
/** How often a live process renews its lease: a stall of two renewals still leaves it standing. */
const RENEW_EVERY_MS = 3_000;
/** Leases lapsed this long ago are deleted when a process starts (none of their work is left). */
const FORGET_LAPSED_MS = 24 * 60 * 60 * 1000;
/** The expiry of a lease that is not renewed (SQLite). */
export const NEVER = '9999-12-31T23:59:59.999Z';

/** Where a process id means something, and this process within it. */
export interface ProcessIdentity {
  machine: string;
  pid: number;
  /** The process's start (clock ticks since boot), so that a reused pid is not taken for it; '' if unknown. */
  started: string;
}

/** The start time of a process, from /proc (Linux); undefined elsewhere or if it does not exist. */
function processStart(pid: number | 'self'): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22; the command name (field 2) is in parentheses and may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function identify(): ProcessIdentity {
  let machine = `host:${os.hostname()}`;
  try {
    // Two containers on one host share the boot but not the PID namespace: pids are compared only
    // within one namespace of one boot.
    machine = `${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}/${readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    // Not Linux: the host name, and no start times.
  }
  return { machine, pid: process.pid, started: processStart('self') ?? '' };
}

const self = identify();

/** This process as its leases name it. */
export const thisProcess: Readonly<ProcessIdentity> = self;

/** How a lease names the process with this pid on this machine, if one runs (start time read now). */
export function processOnThisMachine(pid: number): ProcessIdentity {
  return { machine: self.machine, pid, started: processStart(pid) ?? '' };
}

/** Leases held by this process now (tests run several apps, each with its own lease, in one process). */
const heldHere = new Set<string>();

/** Whether another process of this machine is still running: the pid exists and started when it did. */
function runsHere(pid: number, started: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false; // no such process
  }
  if (started === '') return true;
  const now = processStart(pid);
  return now === undefined || now === started;
}

/** Whether the process that held a lease is gone, so what it reserved may be taken over. */
export function leaseHolderGone(lease: ProcessLeaseTable | undefined, now: Date): boolean {
  if (!lease) return true; // released at a clean stop, or forgotten long after it lapsed
  if (lease.machine === self.machine) {
    if (lease.pid === self.pid && lease.process_started === self.started) return !heldHere.has(lease.id);
    return !runsHere(lease.pid, lease.process_started);
  }
  // A lease that is never renewed is a SQLite process's, which shared this machine's kernel.
  if (lease.expires_at === NEVER && bootOf(lease.machine) !== bootOf(self.machine)) return true;
  return Date.parse(lease.expires_at) <= now.getTime();
}

/** The boot a machine identity names (all of it where there is no boot id). */
const bootOf = (machine: string) => machine.split('/')[0];

/** Reads a lease and judges whether its holder is gone. */
export async function holderGone(q: Queryable, leaseId: string, now: Date): Promise<boolean> {
  const lease = await q.selectFrom('process_leases').select(['id', 'machine', 'pid', 'process_started', 'expires_at']).where('id', '=', leaseId).executeTakeFirst();
  return leaseHolderGone(lease, now);
}

export interface ProcessLease {
  readonly id: string;
  /** Ends the lease (what it reserved is free to take at once) and stops renewing it. */
  release(): Promise<void>;
}

/**
 * Takes a lease for this process (a server app) and renews it until released. A failed renewal
 * is retried at the next turn; meanwhile, other machines may take over what this process holds,
 * which the check at commit time makes safe.
 */
export async function holdProcessLease(platform: Platform, onError: (error: unknown) => void = () => undefined): Promise<ProcessLease> {
  const { db } = platform.database;
  const renews = platform.database.dialect === 'postgres';
  const id = randomUUID();
  const row = (): ProcessLeaseTable => ({
    id,
    machine: self.machine,
    pid: self.pid,
    process_started: self.started,
    expires_at: renews ? new Date(platform.clock().getTime() + LEASE_TTL_MS).toISOString() : NEVER,
  });
  const now = platform.clock();
  // Leases of this machine's stopped processes, and any that lapsed a day ago, have nothing left.
  const here = await db.selectFrom('process_leases').select(['id', 'machine', 'pid', 'process_started', 'expires_at']).where('machine', '=', self.machine).execute();
  const gone = here.filter((lease) => leaseHolderGone(lease, now)).map((lease) => lease.id);
  if (gone.length > 0) await db.deleteFrom('process_leases').where('id', 'in', gone).execute();
  await db.deleteFrom('process_leases').where('expires_at', '<', new Date(now.getTime() - FORGET_LAPSED_MS).toISOString()).execute();
  await db.insertInto('process_leases').values(row()).execute();
  heldHere.add(id);
  let renewing: Promise<void> | undefined;
  const renew = async () => {
    const lease = row();
    // Inserted again if it was forgotten while this process was frozen.
    await db
      .insertInto('process_leases')
      .values(lease)
      .onConflict((oc) => oc.column('id').doUpdateSet({ expires_at: lease.expires_at }))
      .execute();
  };
  const timer = renews
    ? setInterval(() => {
        renewing ??= renew()
          .catch(onError)
          .finally(() => {
            renewing = undefined;
          });
      }, RENEW_EVERY_MS)
    : undefined;
  timer?.unref();
  let released: Promise<void> | undefined;
  return {
    id,
    release() {
      released ??= (async () => {
        clearInterval(timer);
        await renewing;
        heldHere.delete(id);
        await db.deleteFrom('process_leases').where('id', '=', id).execute();
      })();
      return released;
    },
  };
}
