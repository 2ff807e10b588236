import { sql } from 'kysely';
import type { Platform } from '../context.js';
import { perDatabase, type Tx } from '../db/database.js';
import { keyTakenOver, responsePlace } from '../http/idempotency.js';
import { appendAudit, type AuditBatch, type AuditContext, type AuditEvent } from './chain.js';

export type RecordAudit = (event: AuditEvent) => void;

/** Work to do once the unit of work has committed (mail leaves the system only for what was stored). */
export type AfterCommit = (effect: () => Promise<void>) => void;

type Work<T> = (trx: Tx, record: RecordAudit, afterCommit: AfterCommit) => Promise<T>;

/** One request's share of a coalesced unit of work: its input and its own audit trail. */
export interface CoalescedItem<I> {
  input: I;
  record: RecordAudit;
  afterCommit: AfterCommit;
}

/**
 * Work that several requests committing together may do in one call (one batched insert instead
 * of one per request). `run` answers one result per item, in order.
 */
export interface CoalescedWork<I, T> {
  readonly name: string;
  run(trx: Tx, items: readonly CoalescedItem<I>[]): Promise<T[]>;
}

/** One request's unit of work waiting for a commit; plain work is a kind of its own. */
interface Unit {
  platform: Platform;
  context: AuditContext;
  kind: CoalescedWork<unknown, unknown>;
  input: unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown; effects: (() => Promise<void>)[] } | { ok: false; error: unknown };

/** The most units one transaction carries, so a burst never becomes one unbounded transaction. */
const MAX_UNITS_PER_COMMIT = 64;
const UNIT_SAVEPOINT = sql.raw('haven_unit');

/**
 * Group commit. Units of work that arrive while a transaction is open wait for it and then commit
 * together in the next one, each inside its own savepoint: one durable commit (one fsync on
 * SQLite, one audit-chain lock on PostgreSQL) serves many requests, and a unit that fails rolls
 * back alone. An idle server commits a unit on the next turn of the event loop, so grouping adds
 * no latency worth the name.
 *
 * One transaction at a time per process, on either engine: SQLite has one connection, and on
 * PostgreSQL every transaction ends serialised on the audit chain's lock (and the indicator
 * cells), so a second one open beside it would only wait, holding a connection, while splitting
 * the waiting requests into smaller groups, each paying a transaction's dozen round trips: several
 * transactions at a time answer fewer registrations than one.
 */
class CommitGroups {
  private readonly waiting: Unit[] = [];
  private open = false;
  private scheduled = false;

  submit(unit: Unit): void {
    this.waiting.push(unit);
    // Start after the requests already read in this turn of the event loop have queued their
    // units too: with a synchronous driver (SQLite) nothing else would ever wait to join.
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.startNext();
    });
  }

  private startNext(): void {
    if (this.open || this.waiting.length === 0) return;
    const units = this.waiting.splice(0, MAX_UNITS_PER_COMMIT);
    this.open = true;
    void commitTogether(units).finally(() => {
      this.open = false;
      this.startNext();
    });
  }
}

const groupsOf = perDatabase(() => new CommitGroups());

/** Answers per statement: five parameters each. */
const ANSWER_CHUNK = 200;

/**
 * Stores the answers of idempotent requests with the change they describe, or not at all: one
 * statement for all the units committing together (a field team's devices each send a key), not
 * one round trip each. Each answer is stored only where its request still holds the reservation:
 * should another request have taken the key over (this process seemed gone), the units roll back
 * and, run again one by one, only the one that lost its key fails.
 */
async function storeIdempotentAnswers(trx: Tx, units: readonly Unit[], values: readonly unknown[]): Promise<void> {
  const answers = units.flatMap((unit, i) => {
    const idempotent = unit.context.idempotency;
    if (!idempotent || idempotent.stored) return [];
    const response = unit.platform.cipher.encrypt(JSON.stringify(values[i]), responsePlace(idempotent.userId, idempotent.key));
    return [sql`select ${idempotent.userId} as user_id, ${idempotent.key} as key, cast(${idempotent.status} as integer) as status, ${response} as response, ${idempotent.holder} as holder`];
  });
  for (let i = 0; i < answers.length; i += ANSWER_CHUNK) {
    const part = answers.slice(i, i + ANSWER_CHUNK);
    const result = await sql`update idempotency_keys set status = answer.status, response_enc = answer.response
      from (${sql.join(part, sql` union all `)}) as answer
      where idempotency_keys.user_id = answer.user_id and idempotency_keys.key = answer.key
        and idempotency_keys.holder = answer.holder and idempotency_keys.status = 0`.execute(trx);
    if (Number(result.numAffectedRows ?? 0) !== part.length) throw keyTakenOver();
  }
}

/** Runs units of one coalesced kind as one call; their events stay each under its own request. */
async function runCoalesced(trx: Tx, units: readonly Unit[], batches: AuditBatch[], outcomes: Map<Unit, Outcome>): Promise<void> {
  const events = units.map((): AuditEvent[] => []);
  const effects = units.map((): (() => Promise<void>)[] => []);
  const items = units.map((unit, i) => ({
    input: unit.input,
    record: (event: AuditEvent) => events[i]!.push(event),
    afterCommit: (effect: () => Promise<void>) => effects[i]!.push(effect),
  }));
  const values = await units[0]!.kind.run(trx, items);
  await storeIdempotentAnswers(trx, units, values);
  // Only once all of it is stored: a failure above rolls the units back and they run again alone.
  for (const [i, unit] of units.entries()) {
    batches.push({ context: unit.context, events: events[i]! });
    outcomes.set(unit, { ok: true, value: values[i], effects: effects[i]! });
  }
}

/** Runs the units inside a savepoint each, so one that fails rolls back alone. */
async function inSavepoint(trx: Tx, run: () => Promise<void>): Promise<unknown> {
  await sql`savepoint ${UNIT_SAVEPOINT}`.execute(trx);
  try {
    await run();
    await sql`release savepoint ${UNIT_SAVEPOINT}`.execute(trx);
    return undefined;
  } catch (error) {
    await sql`rollback to savepoint ${UNIT_SAVEPOINT}`.execute(trx);
    await sql`release savepoint ${UNIT_SAVEPOINT}`.execute(trx);
    return error ?? new Error('unit of work failed');
  }
}

/**
 * Commits the units in one transaction. Units all of one kind (concurrent registrations, or a unit
 * alone) run as one call without a savepoint, which costs two statements (two round trips on
 * PostgreSQL); should that call fail, the transaction rolls back and the units commit again with
 * `alone`: each in its own savepoint, so the failure is answered to the request that caused it
 * and to no other.
 */
async function commitTogether(units: Unit[], alone = false): Promise<void> {
  const { platform } = units[0]!;
  const { db, dialect } = platform.database;
  const outcomes = new Map<Unit, Outcome>();
  let togetherFailed = false;
  try {
    await db.transaction().execute(async (trx) => {
      outcomes.clear();
      const batches: AuditBatch[] = [];
      const kinds = new Map<CoalescedWork<unknown, unknown>, Unit[]>();
      for (const unit of units) kinds.set(unit.kind, [...(kinds.get(unit.kind) ?? []), unit]);
      if (!alone && kinds.size === 1) {
        await runCoalesced(trx, units, batches, outcomes).catch((error: unknown) => {
          togetherFailed = true;
          throw error;
        });
      } else {
        // Units of one coalesced kind run as one call; if that call fails, each runs alone.
        for (const group of kinds.values()) {
          if (!alone && group.length > 1 && !(await inSavepoint(trx, () => runCoalesced(trx, group, batches, outcomes)))) continue;
          for (const unit of group) {
            const failure = await inSavepoint(trx, () => runCoalesced(trx, [unit], batches, outcomes));
            if (failure) outcomes.set(unit, { ok: false, error: failure });
          }
        }
      }
      await appendAudit(trx, dialect, platform.cipher, platform.clock(), batches);
    });
  } catch (error) {
    // The transaction did not commit: nothing of any unit is stored.
    if (togetherFailed && units.length > 1) return commitTogether(units, true);
    for (const unit of units) unit.reject(error);
    return;
  }
  // Not awaited: the next transaction need not wait for this one's mail (a slow mail server).
  for (const unit of units) {
    const outcome = outcomes.get(unit)!;
    if (!outcome.ok) {
      unit.reject(outcome.error);
      continue;
    }
    if (unit.context.idempotency) unit.context.idempotency.stored = true;
    if (outcome.effects.length === 0) unit.resolve(outcome.value);
    else void Promise.allSettled(outcome.effects.map(async (effect) => effect())).then(() => unit.resolve(outcome.value));
  }
}

/**
 * Runs a unit of work in a transaction and appends the audit events it records to the chain in
 * that same transaction: a change is never stored without its audit event, nor the reverse.
 * Effects queued with `afterCommit` run after the commit, best effort. The unit may share its
 * transaction with others (group commit) but is isolated from them by a savepoint.
 */
export function withAudit<T>(platform: Platform, context: AuditContext, work: Work<T>): Promise<T> {
  const alone: CoalescedWork<null, T> = { name: 'unit', run: async (trx, [item]) => [await work(trx, item!.record, item!.afterCommit)] };
  return submitUnit(platform, context, alone, null);
}

/**
 * Like withAudit, for work that requests committing together do in one call (registrations):
 * each request still gets its own answer, audit events and failure.
 */
export function withAuditCoalesced<I, T>(platform: Platform, context: AuditContext, kind: CoalescedWork<I, T>, input: I): Promise<T> {
  return submitUnit(platform, context, kind, input);
}

function submitUnit<I, T>(platform: Platform, context: AuditContext, kind: CoalescedWork<I, T>, input: I): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    groupsOf(platform.database).submit({
      platform,
      context,
      kind: kind as CoalescedWork<unknown, unknown>,
      input,
      resolve: resolve as (value: unknown) => void,
      reject,
    });
  });
}
