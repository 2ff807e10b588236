import { randomUUID } from 'node:crypto';
import type { Platform } from '../../platform/context.js';
import { IDEMPOTENCY_RETENTION_MS } from '../../platform/http/idempotency.js';

export const DUE_SOON_MS = 2 * 60 * 60 * 1000;
const BATCH = 500;

type ReminderKind = 'obligation_due_soon' | 'obligation_overdue';

/**
 * One pass of the reminder job: for each open obligation newly due within two hours, or newly
 * overdue, notify the case's officer and the agency's supervisors — once. The claim is a
 * conditional update, so when several server processes run the pass at once exactly one of them
 * sends each reminder.
 */
export async function sendReminders(platform: Platform): Promise<{ dueSoon: number; overdue: number }> {
  const now = platform.clock();
  const soon = new Date(now.getTime() + DUE_SOON_MS).toISOString();
  const iso = now.toISOString();
  const { db } = platform.database;
  const counts = { dueSoon: 0, overdue: 0 };
  for (const kind of ['obligation_due_soon', 'obligation_overdue'] as ReminderKind[]) {
    const column = kind === 'obligation_due_soon' ? 'due_soon_notified_at' : 'overdue_notified_at';
    let query = db.selectFrom('obligations').select(['id', 'person_id', 'agency_id']).where('status', '=', 'open').where(column, 'is', null);
    query = kind === 'obligation_due_soon' ? query.where('due_by', '>=', iso).where('due_by', '<', soon) : query.where('due_by', '<', iso);
    const candidates = await query.limit(BATCH).execute();
    for (const obligation of candidates) {
      const sent = await db.transaction().execute(async (trx) => {
        const claim = await trx.updateTable('obligations').set({ [column]: iso }).where('id', '=', obligation.id).where(column, 'is', null).executeTakeFirst();
        if (Number(claim.numUpdatedRows) !== 1) return false;
        const officer = await trx.selectFrom('cases').select('officer_id').where('person_id', '=', obligation.person_id).executeTakeFirst();
        const supervisors = await trx.selectFrom('users').select('id').where('agency_id', '=', obligation.agency_id).where('role', '=', 'supervisor').where('disabled', '=', 0).execute();
        const recipients = new Set([...(officer?.officer_id ? [officer.officer_id] : []), ...supervisors.map((s) => s.id)]);
        if (recipients.size > 0) {
          await trx
            .insertInto('notifications')
            .values([...recipients].map((userId) => ({ id: randomUUID(), user_id: userId, kind, obligation_id: obligation.id, person_id: obligation.person_id, created_at: iso, read_at: null })))
            .execute();
        }
        return true;
      });
      if (sent) counts[kind === 'obligation_due_soon' ? 'dueSoon' : 'overdue'] += 1;
    }
  }
  // Answers kept for idempotent retries are not kept forever.
  await db.deleteFrom('idempotency_keys').where('created_at', '<', new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS).toISOString()).execute();
  return counts;
}

/** Runs the reminder pass every `intervalMs` until stopped; a failed pass is logged and retried next time. */
export function startReminders(platform: Platform, intervalMs: number, onError: (error: unknown) => void): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sendReminders(platform)
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
