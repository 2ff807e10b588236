import { randomUUID } from 'node:crypto';
import { blockerOverride, GUARDED_ACTIONS, overrideFor, type GuardedAction, type GuardResult, type OverrideVerdict, type Profile } from '@haven/core';
import { placeOf } from '../../platform/crypto/cipher.js';
import { forbidden, HttpProblem, unprocessable } from '../../platform/http/problem.js';
import { ScopedStore, type ScopedUnit } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';
import { noFactsProblem } from './refresh.js';
import { caseAgency, insertGuardOverride } from './store.js';

/** The engine's verdict on every guarded action for a person's current facts. */
export async function guardsFor(unit: StoreUnit, personId: string): Promise<Record<GuardedAction, GuardResult>> {
  const result = (await unit.refreshNow([personId])).get(personId);
  if (!result) throw await noFactsProblem(unit, personId);
  return result.assessment.guards;
}

/**
 * The obligations that can hold a guarded action back for some persons and not others, from the
 * guards of the profile in force (a profile's added blockers among them). A blocker that holds for
 * everyone (no charge for having been smuggled) marks no case out, so it is left out.
 */
export function guardBlockingCodes(profile: Profile): string[] {
  const codes = new Set<string>();
  for (const guard of profile.guards) {
    for (const blocker of guard.blockers) if (blocker.rule !== true) codes.add(blocker.obligation);
  }
  return [...codes].sort();
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
export async function clearGuard(unit: ScopedUnit, personId: string, action: GuardedAction, request: OverrideRequest): Promise<GuardClearance> {
  const { actor, platform } = unit;
  const guard = (await guardsFor(unit, personId))[action];
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
  await insertGuardOverride(unit, {
    id,
    person_id: personId,
    agency_id: await caseAgency(unit, personId),
    action,
    blocked_by: JSON.stringify(guard.blockedBy),
    reason_enc: platform.cipher.encrypt(request.reason, placeOf('guard_overrides', 'reason_enc', id)),
    overridden_by: actor.userId,
    created_at: platform.clock().toISOString(),
    last_resort_enc: lastResort ? platform.cipher.encrypt(lastResort.alternativesConsidered, placeOf('guard_overrides', 'last_resort_enc', id)) : null,
    planned_end: lastResort ? new Date(lastResort.plannedEnd).toISOString() : null,
  });
  // Overrides are counted among the indicators.
  unit.statsChanged([personId]);
  unit.record({ action: 'guard.overridden', recordType: 'guard_override', recordId: id, fields: ['action', 'blockedBy', 'reason', ...(lastResort ? ['lastResort'] : [])] });
  return { allowed: false, blockedBy: guard.blockedBy, overrideId: id };
}

/** Runs a guarded unit of work; a refusal is audited in its own transaction before the 409 goes out. */
export async function withGuard<T>(store: ScopedStore, personId: string, action: GuardedAction, work: (unit: ScopedUnit) => Promise<T>): Promise<T> {
  try {
    return await store.unit(work);
  } catch (error) {
    if (error instanceof HttpProblem && GUARD_REFUSALS.has(error.code)) {
      // The refusal is no answer to keep for a retry of the request: its own unit, without the key.
      const { idempotency: _unused, ...audit } = store.context.audit;
      // A forbidden override is a refusal too; its fields say an override was asked for.
      const fields = error.code === 'override-not-permitted' ? [action, 'override'] : [action];
      await new ScopedStore(store.platform, { ...store.context, audit }).unit(async (unit) => {
        unit.record({ action: 'guard.refused', recordType: 'person', recordId: personId, fields });
      });
    }
    throw error;
  }
}

export { GUARDED_ACTIONS };
