import type { Platform } from '../context.js';
import type { Tx } from '../db/database.js';
import { responsePlace } from '../http/idempotency.js';
import { appendAudit, type AuditContext, type AuditEvent } from './chain.js';

export type RecordAudit = (event: AuditEvent) => void;

/** Work to do once the unit of work has committed (mail leaves the system only for what was stored). */
export type AfterCommit = (effect: () => Promise<void>) => void;

/**
 * Runs a unit of work in one transaction and appends the audit events it records to the chain
 * in that same transaction: a change is never stored without its audit event, nor the reverse.
 * Effects queued with `afterCommit` run after the commit, best effort.
 */
export async function withAudit<T>(
  platform: Platform,
  context: AuditContext,
  work: (trx: Tx, record: RecordAudit, afterCommit: AfterCommit) => Promise<T>,
): Promise<T> {
  const { db, dialect } = platform.database;
  const effects: (() => Promise<void>)[] = [];
  const result = await db.transaction().execute(async (trx) => {
    const events: AuditEvent[] = [];
    effects.length = 0; // a retried unit starts with none
    const value = await work(trx, (event) => events.push(event), (effect) => effects.push(effect));
    await appendAudit(trx, dialect, platform.cipher, context, platform.clock(), events);
    const unit = context.idempotency;
    if (unit && !unit.stored) {
      // The answer to replay commits with the change it describes, or not at all.
      await trx
        .updateTable('idempotency_keys')
        .set({ status: unit.status, response_enc: platform.cipher.encrypt(JSON.stringify(value), responsePlace(unit.userId, unit.key)) })
        .where('user_id', '=', unit.userId)
        .where('key', '=', unit.key)
        .execute();
      unit.stored = true;
    }
    return value;
  });
  await Promise.allSettled(effects.map((effect) => effect()));
  return result;
}
