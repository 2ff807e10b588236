import type { GuardedAction } from '../codes.js';
import type { GuardResult } from './assess.js';
import type { ObligationCode } from './catalogue.js';

// Which refusals a supervisor may override (DOMAIN.md section 6), as data. Some admit no override
// at all, because no written reason can make them lawful; a child's detention admits one only as
// a measure of last resort. This module reads only the guard's verdict, so the web app can ask it
// without loading the engine, and it never changes what `assess` outputs.

/**
 * How a refusal may be overridden: `reason`, by a supervisor with a written reason; `last_resort`,
 * the same, stated as a measure of last resort with the alternatives considered and a planned end
 * (CRC 37(b)); `never`, by no one.
 */
export const OVERRIDE_KINDS = ['reason', 'last_resort', 'never'] as const;
export type OverrideKind = (typeof OVERRIDE_KINDS)[number];

export interface BlockerOverride {
  kind: OverrideKind;
  /** Why, in plain words, for the explanation and docs/obligations.md. */
  why: string;
}

export interface GuardOverrides {
  /** The baseline obligations that refuse the action, and how each refusal may be overridden. */
  blockers: Readonly<Partial<Record<ObligationCode, BlockerOverride>>>;
  /** An obligation a jurisdiction profile adds to refuse the action (`blocks`). */
  added: BlockerOverride;
}

const WRITTEN_REASON = 'a supervisor may override it with a written reason, which the oversight body sees';

export const OVERRIDE_RULES: Readonly<Record<GuardedAction, GuardOverrides>> = {
  return: {
    blockers: {
      'protection.non_refoulement': {
        kind: 'never',
        why: 'no one is returned to a place where they fear persecution or torture (art. 19(1)); only a final rejection of the asylum claim, with no fear of torture, lifts it, and that is not an override',
      },
      'children.best_interests': { kind: 'reason', why: WRITTEN_REASON },
      'trafficking.referral': { kind: 'reason', why: WRITTEN_REASON },
    },
    added: { kind: 'reason', why: WRITTEN_REASON },
  },
  share_with_origin_state: {
    blockers: {
      'protection.confidentiality': {
        kind: 'never',
        why: 'nothing goes to the authorities of the State the person fears (art. 19(1)); only the person’s own request for their consulate lifts it, and that is not an override',
      },
    },
    // The profile adds to the protection the baseline gives, so it lifts the same way: by the facts
    // its rule names, or by the person's own request for their consulate (DOMAIN.md section 9, rule 8).
    added: {
      kind: 'never',
      why: 'the jurisdiction’s profile refuses it like the baseline’s confidentiality: it lifts when the obligation is fulfilled or the person asks for their consulate, never by an override',
    },
  },
  detain: {
    blockers: {
      'children.no_detention': {
        kind: 'last_resort',
        why: 'a child is detained only as a measure of last resort and for the shortest appropriate time (CRC 37(b)): a supervisor states the reason, the alternatives considered and the planned end, and children.no_detention keeps running',
      },
    },
    added: { kind: 'reason', why: WRITTEN_REASON },
  },
  charge_for_being_smuggled: {
    blockers: {
      'protection.non_criminalization': {
        kind: 'never',
        why: 'no one is prosecuted for having been smuggled (art. 5)',
      },
    },
    added: { kind: 'never', why: 'no one is prosecuted for having been smuggled (art. 5)' },
  },
};

/** How one obligation's refusal of an action may be overridden. */
export function blockerOverride(action: GuardedAction, obligation: ObligationCode): BlockerOverride {
  const rules = OVERRIDE_RULES[action];
  return rules.blockers[obligation] ?? rules.added;
}

export interface OverrideVerdict {
  /**
   * `not_needed` when the engine allows the action; otherwise the strictest kind among the
   * obligations that refuse it (`never` over `last_resort` over `reason`).
   */
  override: 'not_needed' | OverrideKind;
  /** The refusing obligations that admit no override (empty unless `never`). */
  forbiddenBy: ObligationCode[];
}

const STRICTNESS: Readonly<Record<OverrideKind, number>> = { reason: 0, last_resort: 1, never: 2 };

/**
 * Whether a supervisor may override the engine's refusal of an action, and how. The guard's
 * verdict is all it needs: which obligations refuse the action already says which protections stand.
 */
export function overrideFor(action: GuardedAction, guard: Pick<GuardResult, 'allowed' | 'blockedBy'>): OverrideVerdict {
  if (guard.allowed || guard.blockedBy.length === 0) return { override: 'not_needed', forbiddenBy: [] };
  let strictest: OverrideKind = 'reason';
  const forbiddenBy: ObligationCode[] = [];
  for (const obligation of guard.blockedBy) {
    const { kind } = blockerOverride(action, obligation);
    if (kind === 'never') forbiddenBy.push(obligation);
    if (STRICTNESS[kind] > STRICTNESS[strictest]) strictest = kind;
  }
  return { override: strictest, forbiddenBy };
}
