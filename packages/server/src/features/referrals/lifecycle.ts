import { REFERRAL_ACTIONS, type GuardedAction, type ReferralAction, type ReferralLifecycleStatus, type ServiceType } from '@haven/core';
import type { Actor } from '../../platform/context.js';
import { HttpProblem } from '../../platform/http/problem.js';

// The referral lifecycle as data. A transition not in this table is refused
// with 409 naming the current and the requested status, whoever asks.

export { REFERRAL_ACTIONS, type ReferralAction };

/**
 * Who acts on a referral: the sending agency's caseworkers (`sender`), its supervisors
 * (`supervisor`, who may revoke) and the receiving agency's staff (`recipient`).
 */
export type ReferralSide = 'sender' | 'supervisor' | 'recipient';

export interface Transition {
  to: ReferralLifecycleStatus;
  by: readonly ReferralSide[];
}

const revoke: Transition = { to: 'revoked', by: ['supervisor'] };

export const REFERRAL_TRANSITIONS: Readonly<Record<ReferralLifecycleStatus, Readonly<Partial<Record<ReferralAction, Transition>>>>> = {
  // A draft is the sender's alone: the recipient does not see it until it is sent.
  draft: { send: { to: 'sent', by: ['sender'] }, close: { to: 'closed', by: ['sender'] } },
  // A sent referral is declined (with a reason) by the recipient, not closed by it.
  sent: { accept: { to: 'accepted', by: ['recipient'] }, decline: { to: 'declined', by: ['recipient'] }, close: { to: 'closed', by: ['sender'] }, revoke },
  accepted: { start: { to: 'in_progress', by: ['recipient'] }, close: { to: 'closed', by: ['sender', 'recipient'] }, revoke },
  in_progress: { complete: { to: 'completed', by: ['recipient'] }, close: { to: 'closed', by: ['sender', 'recipient'] }, revoke },
  // The service was delivered; closing ends the recipient's access to the person's fields.
  completed: { close: { to: 'closed', by: ['sender', 'recipient'] } },
  declined: {},
  closed: {},
  revoked: {},
};

/** Statuses in which the referral is over: the recipient's access to the person has ended. */
export const ENDED_STATUSES: readonly ReferralLifecycleStatus[] = ['declined', 'closed', 'revoked'];

/** The status each action leads to (for naming the requested status when it is refused). */
export const ACTION_TARGET: Readonly<Record<ReferralAction, ReferralLifecycleStatus>> = {
  send: 'sent',
  accept: 'accepted',
  decline: 'declined',
  start: 'in_progress',
  complete: 'completed',
  close: 'closed',
  revoke: 'revoked',
};

/** Guarded services: sending one is the guarded action (DOMAIN.md section 6). */
export const GUARDED_SERVICES: Readonly<Partial<Record<ServiceType, GuardedAction>>> = {
  consular: 'share_with_origin_state',
  voluntary_return: 'return',
};

/** The sides an actor takes on a referral between two agencies (an agency may be both). */
export function sidesOf(actor: Actor, referral: { from_agency_id: string; to_agency_id: string; status: string }): Set<ReferralSide> {
  const sides = new Set<ReferralSide>();
  if (actor.agencyId === referral.from_agency_id) {
    if (actor.permissions.has('referral:send')) sides.add('sender');
    if (actor.permissions.has('referral:revoke')) sides.add('supervisor');
  }
  if (actor.agencyId === referral.to_agency_id && referral.status !== 'draft' && actor.permissions.has('referral:receive')) sides.add('recipient');
  return sides;
}

/** The actions open to these sides from a status. */
export function allowedActions(status: ReferralLifecycleStatus, sides: ReadonlySet<ReferralSide>): ReferralAction[] {
  const transitions = REFERRAL_TRANSITIONS[status];
  return REFERRAL_ACTIONS.filter((action) => transitions[action]?.by.some((side) => sides.has(side)));
}

/** The transition for an action, or 409 naming the current and requested status and what is possible instead. */
export function transitionOrThrow(status: ReferralLifecycleStatus, action: ReferralAction, sides: ReadonlySet<ReferralSide>): Transition {
  const transition = REFERRAL_TRANSITIONS[status][action];
  if (transition && transition.by.some((side) => sides.has(side))) return transition;
  const requested = ACTION_TARGET[action];
  const allowed = allowedActions(status, sides);
  const why = transition
    ? `only the ${transition.by.join(' or ')} may ${action} a ${status} referral`
    : `a ${status} referral cannot become ${requested}`;
  throw new HttpProblem('referral-transition-not-allowed', `The referral is ${status}: ${why}.${allowed.length > 0 ? ` You may: ${allowed.join(', ')}.` : ''}`, {
    extra: { currentStatus: status, requestedStatus: requested, allowedActions: allowed },
  });
}
