import { randomUUID } from 'node:crypto';
import { blockerOverride, GUARDED_ACTIONS, overrideFor, type GuardedAction, type GuardResult, type OverrideVerdict } from '@haven/core';
import type { AfterCommit, RecordAudit } from '../../platform/audit/recorder.js';
import { withAudit } from '../../platform/audit/recorder.js';
import type { Actor, Platform, RequestContext } from '../../platform/context.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { Tx } from '../../platform/db/database.js';
import { forbidden, HttpProblem, unprocessable } from '../../platform/http/problem.js';
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

/** What a caller asks of a refused guarded action: a supervisor's override, in writing. */
export interface OverrideRequest {
  /** The written reason (at least 10 characters, checked by the route's schema). */
  reason?: string | undefined;
  /** For a child's detention, which is overridden only as a measure of last resort. */
  lastResort?: { alternativesConsidered: string; plannedEnd: string } | undefined;
}

/** Problem codes of a refused guarded action; each is audited as a refusal before the 409 goes out. */
const GUARD_REFUSALS: ReadonlySet<string> = new Set(['guard-refused', 'override-not-permitted']);

/** What may be done about a refusal, in the words of the problem's detail. */
function overrideWords(action: GuardedAction, verdict: OverrideVerdict): string {
  switch (verdict.override) {
    case 'never':
      return `No one may override it: ${verdict.forbiddenBy.map((code) => `${code} stands (${blockerOverride(action, code).why})`).join('; ')}.`;
    case 'last_resort':
      return 'A supervisor may override it only as a measure of last resort, with a written reason, the alternatives considered and the planned end (lastResort); children.no_detention keeps running.';
    default:
      return 'A supervisor may override with a written reason.';
  }
}

function refusal(action: GuardedAction, blockedBy: string[], verdict: OverrideVerdict): HttpProblem {
  return new HttpProblem('guard-refused', `The action "${action}" is refused while these obligations stand: ${blockedBy.join(', ')}. ${overrideWords(action, verdict)}`, {
    extra: { action, blockedBy, override: verdict.override, protections: verdict.forbiddenBy },
  });
}

/** An override asked where the law admits none (DOMAIN.md section 6), naming the protections that forbid it. */
function overrideNotPermitted(action: GuardedAction, blockedBy: string[], verdict: OverrideVerdict): HttpProblem {
  return new HttpProblem('override-not-permitted', `The action "${action}" is refused and cannot be overridden. ${overrideWords(action, verdict)}`, {
    extra: { action, blockedBy, protections: verdict.forbiddenBy },
  });
}

/**
 * Clears a guarded action inside the caller's transaction: allowed by the engine, or overridden by
 * a supervisor with a written reason (stored, audited, and queued for oversight) where the law
 * admits an override at all. A refusal throws 409 listing the blocking obligations (and, when no
 * override is possible, the protections that forbid one); the caller records that refusal
 * separately so it survives the rollback.
 */
export async function clearGuard(
  platform: Platform,
  trx: Tx,
  record: RecordAudit,
  actor: Actor,
  personId: string,
  action: GuardedAction,
  request: OverrideRequest,
): Promise<GuardClearance> {
  const guard = (await guardsFor(platform, trx, personId))[action];
  if (guard.allowed) return { allowed: true, blockedBy: [], overrideId: null };
  const verdict = overrideFor(action, guard);
  const asked = request.reason !== undefined || request.lastResort !== undefined;
  // No role may do what no reason can make lawful: this is said to everyone who asks.
  if (verdict.override === 'never') throw asked ? overrideNotPermitted(action, guard.blockedBy, verdict) : refusal(action, guard.blockedBy, verdict);
  if (request.reason === undefined) throw refusal(action, guard.blockedBy, verdict);
  if (!actor.permissions.has('guard:override')) throw forbidden('Only a supervisor may override a guard.');
  const lastResort = request.lastResort;
  if (verdict.override === 'last_resort' && !lastResort) {
    throw unprocessable('lastResort', 'a child is detained only as a measure of last resort: state the alternatives considered and the planned end');
  }
  if (verdict.override !== 'last_resort' && lastResort) {
    throw unprocessable('lastResort', 'only the detention of a child is overridden as a measure of last resort; this refusal takes the written reason alone');
  }
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
      reason_enc: platform.cipher.encrypt(request.reason, placeOf('guard_overrides', 'reason_enc', id)),
      overridden_by: actor.userId,
      created_at: platform.clock().toISOString(),
      last_resort_enc: lastResort ? platform.cipher.encrypt(lastResort.alternativesConsidered, placeOf('guard_overrides', 'last_resort_enc', id)) : null,
      planned_end: lastResort ? new Date(lastResort.plannedEnd).toISOString() : null,
    })
    .execute();
  await restatePersonStats(trx, [personId]);
  record({ action: 'guard.overridden', recordType: 'guard_override', recordId: id, fields: ['action', 'blockedBy', 'reason', ...(lastResort ? ['lastResort'] : [])] });
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
    if (error instanceof HttpProblem && GUARD_REFUSALS.has(error.code)) {
      const { idempotency: _unused, ...audit } = ctx.audit;
      // A forbidden override is a refusal too; its fields say an override was asked for.
      const fields = error.code === 'override-not-permitted' ? [action, 'override'] : [action];
      await withAudit(platform, audit, async (_trx, record) => {
        record({ action: 'guard.refused', recordType: 'person', recordId: personId, fields });
      });
    }
    throw error;
  }
}

export { GUARDED_ACTIONS };
