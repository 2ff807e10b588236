import type { GuardedAction, Indicator, ServiceType } from '../codes.js';
import type { Fulfilment, ObligationCode } from './catalogue.js';
import { deriveFacts, deriveFlags, type Facts } from './facts.js';
import type { AssessInput } from './input.js';
import { truthy } from './logic.js';
import { BASELINE_PROFILE, fulfilmentFor, type CompiledBlocker, type CompiledGuard, type CompiledObligation, type Profile } from './profiles.js';
import { formatInstant, instantMs } from './time.js';

// `assess`: facts in, obligations, referrals and guards out (DOMAIN.md section 9). Pure: the only
// time it knows is the one in its input, and the profile is passed in, already compiled.
// The output shares the profile's frozen `basis` and `fulfilledBy` values: copy before changing.

/** Statuses `assess` can report; `overdue` and `waived` need a clock and a supervisor, which it has neither of. */
export type AssessedStatus = 'open' | 'fulfilled';

export interface ObligationResult {
  code: ObligationCode;
  status: AssessedStatus;
  /** Shared with every assessment and frozen, like `fulfilledBy`: copy before changing. */
  basis: readonly string[];
  /** RFC 3339 UTC without fractional seconds, or null for a standing obligation. */
  dueBy: string | null;
  /** What discharges it for this person: referrals that do not apply to them are left out. */
  fulfilledBy: Readonly<Fulfilment>;
}

export interface ReferralResult {
  service: ServiceType;
  /** Every open obligation this referral serves. */
  obligations: ObligationCode[];
  /** The earliest due time of those obligations. */
  dueBy: string | null;
}

export interface GuardResult {
  allowed: boolean;
  blockedBy: ObligationCode[];
}

export interface Assessment {
  flags: Indicator[];
  obligations: ObligationResult[];
  referrals: ReferralResult[];
  guards: Record<GuardedAction, GuardResult>;
}

/** One listed obligation, as the engine decided it (for `explain`). */
export interface EvaluatedObligation {
  entry: CompiledObligation;
  status: AssessedStatus;
  /** The instant its deadline counts from. */
  baseMs: number;
  /** Whether the base is the detention start (false when it is, or falls back to, the encounter). */
  fromDetention: boolean;
  dueMs: number | null;
  /** The referrals in `fulfilledBy` that apply to this person (read-only: may be shared). */
  services: readonly ServiceType[];
}

export interface EvaluatedGuard {
  guard: CompiledGuard;
  blockedBy: CompiledBlocker[];
}

/** Everything the engine decided, for `explain` to put in words. */
export interface Evaluation {
  assessment: Assessment;
  flags: Indicator[];
  facts: Facts;
  encounteredMs: number;
  obligations: EvaluatedObligation[];
  guards: EvaluatedGuard[];
}

interface Trace {
  obligations: EvaluatedObligation[];
  guards: EvaluatedGuard[];
  facts: Facts | null;
  encounteredMs: number;
}

/**
 * The engine, in one pass: triggers in dependency order, then status, due time and referrals in
 * reporting order, then the guards. `assess` runs it bare; `evaluate` asks it to keep a trace,
 * so the explanation can never disagree with the assessment.
 */
function run(input: AssessInput, profile: Profile, trace: Trace | null): Assessment {
  const flags = deriveFlags(input);
  const facts = deriveFacts(input, flags, profile.mandatoryNotificationSet);
  const encounteredMs = instantMs(input.encounteredAt);
  const since = input.detention?.since;
  const detentionMs = since ? instantMs(since) : null;

  const entries = profile.obligations;
  const order = profile.evaluationOrder;
  const isListed: boolean[] = [];
  for (let index = 0; index < entries.length; index++) isListed.push(false);
  for (let k = 0; k < order.length; k++) {
    const index = order[k] as number;
    const entry = entries[index] as CompiledObligation;
    if (truthy(entry.trigger(facts))) {
      isListed[index] = true;
      facts.obligations.push(entry.definition.code);
    }
  }

  const obligations: ObligationResult[] = [];
  const referrals: ReferralResult[] = [];
  const referralDueMs: (number | null)[] = [];
  // Consecutive obligations often share a due time: format it once.
  let formattedMs = Number.NaN;
  let formatted = '';
  for (let index = 0; index < entries.length; index++) {
    if (!isListed[index]) continue;
    const entry = entries[index] as CompiledObligation;
    const definition = entry.definition;
    const open = entry.fulfilledWhen === null || !truthy(entry.fulfilledWhen(facts));
    if (open) facts.openObligations.push(definition.code);
    const fromDetention = definition.base === 'detention' && detentionMs !== null;
    const baseMs = fromDetention ? (detentionMs as number) : encounteredMs;
    const dueMs = entry.deadlineMs === null ? null : baseMs + entry.deadlineMs;
    let services = entry.fixedServices;
    if (services === null) {
      const applying: ServiceType[] = [];
      for (const referral of entry.referrals) {
        if (referral.when === null || truthy(referral.when(facts))) applying.push(referral.service);
      }
      services = applying;
    }
    let dueBy: string | null = null;
    if (dueMs !== null) {
      if (dueMs !== formattedMs) {
        formattedMs = dueMs;
        formatted = formatInstant(dueMs);
      }
      dueBy = formatted;
    }
    const status: AssessedStatus = open ? 'open' : 'fulfilled';
    obligations.push({
      code: definition.code,
      status,
      basis: entry.basis,
      dueBy,
      fulfilledBy: entry.fixedFulfilment ?? fulfilmentFor(definition.fulfilledBy, services),
    });
    trace?.obligations.push({ entry, status, baseMs, fromDetention, dueMs, services });
    if (!open) continue;
    // One referral per service, serving every open obligation that names it, due at the earliest.
    for (const service of services) {
      let known = -1;
      for (let r = 0; r < referrals.length; r++) {
        if ((referrals[r] as ReferralResult).service === service) {
          known = r;
          break;
        }
      }
      if (known === -1) {
        referrals.push({ service, obligations: [definition.code], dueBy });
        referralDueMs.push(dueMs);
        continue;
      }
      const referral = referrals[known] as ReferralResult;
      referral.obligations.push(definition.code);
      const due = referralDueMs[known] as number | null;
      if (dueMs !== null && (due === null || dueMs < due)) {
        referralDueMs[known] = dueMs;
        referral.dueBy = dueBy;
      }
    }
  }

  const guards = {} as Record<GuardedAction, GuardResult>;
  for (const guard of profile.guards) {
    const blockers: CompiledBlocker[] = [];
    for (const blocker of guard.blockers) if (truthy(blocker.when(facts))) blockers.push(blocker);
    guards[guard.action] = { allowed: blockers.length === 0, blockedBy: blockers.map((blocker) => blocker.obligation) };
    trace?.guards.push({ guard, blockedBy: blockers });
  }
  if (trace) {
    trace.facts = facts;
    trace.encounteredMs = encounteredMs;
  }
  return { flags, obligations, referrals, guards };
}

/**
 * Assesses one person: the obligations the profile derives from the input, their referrals and
 * the four guards. The input must have passed `parseAssessInput`.
 */
export function assess(input: AssessInput, profile: Profile = BASELINE_PROFILE): Assessment {
  return run(input, profile, null);
}

/** Assesses one person and keeps what the engine decided on the way, for `explain`. */
export function evaluate(input: AssessInput, profile: Profile = BASELINE_PROFILE): Evaluation {
  const trace: Trace = { obligations: [], guards: [], facts: null, encounteredMs: 0 };
  const assessment = run(input, profile, trace);
  return {
    assessment,
    flags: assessment.flags,
    facts: trace.facts as Facts,
    encounteredMs: trace.encounteredMs,
    obligations: trace.obligations,
    guards: trace.guards,
  };
}
