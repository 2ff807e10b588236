import type { Platform } from '../context.js';
import type { Tx } from '../db/database.js';
import { responsePlace } from '../http/idempotency.js';
import { appendAudit, type AuditContext, type AuditEvent } from './chain.js';

export type RecordAudit = (event: AuditEvent) => void;

/**
 * Runs a unit of work in one transaction and appends the audit events it records to the chain
 * in that same transaction: a change is never stored without its audit event, nor the reverse.
 */
export async function withAudit<T>(
  platform: Platform,
  context: AuditContext,
  work: (trx: Tx, record: RecordAudit) => Promise<T>,
): Promise<T> {
  const { db, dialect } = platform.database;
  return db.transaction().execute(async (trx) => {
    const events: AuditEvent[] = [];
    const result = await work(trx, (event) => events.push(event));
    await appendAudit(trx, dialect, platform.cipher, context, platform.clock(), events);
    const unit = context.idempotency;
    if (unit && !unit.stored) {
      // The answer to replay commits with the change it describes, or not at all.
      await trx
        .updateTable('idempotency_keys')
        .set({ status: unit.status, response_enc: platform.cipher.encrypt(JSON.stringify(result), responsePlace(unit.userId, unit.key)) })
        .where('user_id', '=', unit.userId)
        .where('key', '=', unit.key)
        .execute();
      unit.stored = true;
    }
    return result;
  });
}
