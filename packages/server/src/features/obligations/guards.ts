import { randomUUID } from 'node:crypto';
import { GUARDED_ACTIONS, type GuardedAction, type GuardResult } from '@haven/core';
import type { AfterCommit, RecordAudit } from '../../platform/audit/recorder.js';
import { withAudit } from '../../platform/audit/recorder.js';
import type { Actor, Platform, RequestContext } from '../../platform/context.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { Tx } from '../../platform/db/database.js';
import { forbidden, HttpProblem } from '../../platform/http/problem.js';
import { restatePersonStats } from '../stats/rollup.js';
import { noFactsProblem, refreshObligations } from './refresh.js';

/** The engine's verdict on every guarded action for a person's current facts. */
export async function guardsFor(platform: Platform, trx: Tx, personId: string): Promise<Record<GuardedAction, GuardResult>> {
  const result = (await refreshObligations(platform, trx, [personId])).get(personId);
  if (!result) throw await noFactsProblem(trx, personId);
  return result.assessment.guards;
}

export interface GuardClearance {
  allowed: boolean;
  blockedBy: string[];
  /** The stored override, when a supervisor overrode a refusal. */
  overrideId: string | null;
}

function refusal(action: GuardedAction, blockedBy: string[]): HttpProblem {
  return new HttpProblem(
    409,
    'guard-refused',
    'Refused by a guard',
    `The action "${action}" is refused while these obligations stand: ${blockedBy.join(', ')}. A supervisor may override with a written reason.`,
    undefined,
    { action, blockedBy },
  );
}

/**
 * Clears a guarded action inside the caller's transaction: allowed by the engine, or overridden by
 * a supervisor with a written reason (stored, audited, and queued for oversight). A refusal
 * without an override throws 409 listing the blocking obligations; the caller records that
 * refusal separately so it survives the rollback.
 */
export async function clearGuard(
  platform: Platform,
  trx: Tx,
  record: RecordAudit,
  actor: Actor,
  personId: string,
  action: GuardedAction,
  overrideReason: string | undefined,
): Promise<GuardClearance> {
  const guard = (await guardsFor(platform, trx, personId))[action];
  if (guard.allowed) return { allowed: true, blockedBy: [], overrideId: null };
  if (overrideReason === undefined) throw refusal(action, guard.blockedBy);
  if (!actor.permissions.has('guard:override')) throw forbidden('Only a supervisor may override a guard.');
  const id = randomUUID();
  const caseRow = await trx.selectFrom('cases').select('agency_id').where('person_id', '=', personId).executeTakeFirstOrThrow();
  await trx
    .insertInto('guard_overrides')
    .values({
      id,
      person_id: personId,
      agency_id: caseRow.agency_id,
      action,
      blocked_by: JSON.stringify(guard.blockedBy),
      reason_enc: platform.cipher.encrypt(overrideReason, placeOf('guard_overrides', 'reason_enc', id)),
      overridden_by: actor.userId,
      created_at: platform.clock().toISOString(),
    })
    .execute();
  await restatePersonStats(trx, [personId]);
  record({ action: 'guard.overridden', recordType: 'guard_override', recordId: id, fields: ['action', 'blockedBy', 'reason'] });
  return { allowed: false, blockedBy: guard.blockedBy, overrideId: id };
}

/** Runs a guarded unit of work; a refusal is audited in its own transaction before the 409 goes out. */
export async function withGuard<T>(
  platform: Platform,
  ctx: RequestContext,
  personId: string,
  action: GuardedAction,
  work: (trx: Tx, record: RecordAudit, afterCommit: AfterCommit) => Promise<T>,
): Promise<T> {
  try {
    return await withAudit(platform, ctx.audit, work);
  } catch (error) {
    if (error instanceof HttpProblem && error.code === 'guard-refused') {
      const { idempotency: _unused, ...audit } = ctx.audit;
      await withAudit(platform, audit, async (_trx, record) => {
        record({ action: 'guard.refused', recordType: 'person', recordId: personId, fields: [action] });
      });
    }
    throw error;
  }
}

export { GUARDED_ACTIONS };
