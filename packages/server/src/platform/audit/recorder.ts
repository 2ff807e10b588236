import type { Platform } from '../context.js';
import type { Tx } from '../db/database.js';
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
    return result;
  });
}
