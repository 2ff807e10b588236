import type { GuardedAction, Indicator, ServiceType } from '../codes.js';
import { evaluate, type AssessedStatus, type EvaluatedObligation, type Evaluation } from './assess.js';
import type { ObligationCode } from './catalogue.js';
import type { FactName, Facts } from './facts.js';
import type { AssessInput } from './input.js';
import { blockerOverride, overrideFor, type OverrideVerdict } from './overrides.js';
import { applyRule, isLogic, operationOf, truthy, type JsonLogicRule } from './logic.js';
import { BASELINE_PROFILE, type Profile } from './profiles.js';
import { formatInstant, formatSpan } from './time.js';
import { FACT_WORDS, INDICATOR_WORDS, SERVICE_WORDS, describeFulfilment, listWords } from './words.js';

// `explain`: the same evaluation as `assess`, told in plain words. Reasons are read off the
// rules themselves (which conditions held, which did not), so an obligation a profile adds is
// explained as well as the baseline's.

export interface FlagExplanation {
  flag: Indicator;
  because: string;
}

export interface ObligationExplanation {
  code: ObligationCode;
  status: AssessedStatus;
  dueBy: string | null;
  /** What the obligation asks of the State. */
  summary: string;
  /** The facts that triggered it. */
  because: string[];
  /** Why it is fulfilled, or what is still missing, when the input can show it done. */
  statusBecause: string[];
  /** How the due time was reached, e.g. "72 h after the encounter (2026-03-01T06:00:00Z)". */
  deadline: string | null;
  fulfilledBy: string;
  basis: string[];
}

export interface ReferralExplanation {
  service: ServiceType;
  to: string;
  obligations: ObligationCode[];
  dueBy: string | null;
}

export interface BlockerExplanation {
  obligation: ObligationCode;
  because: string[];
}

export interface GuardExplanation {
  action: GuardedAction;
  meaning: string;
  allowed: boolean;
  /** The obligations that refuse the action, and the facts that make them. */
  blockedBy: BlockerExplanation[];
  /** Obligations that could refuse it and are listed, but do not: with the facts that release it. */
  notBlocking: BlockerExplanation[];
  /** Whether a supervisor may override the refusal, how, and why (DOMAIN.md section 6). */
  override: OverrideVerdict & { because: string[] };
}

export interface Explanation {
  profile: string;
  encounteredAt: string;
  flags: FlagExplanation[];
  obligations: ObligationExplanation[];
  referrals: ReferralExplanation[];
  guards: GuardExplanation[];
}

interface Verdict {
  holds: boolean;
  reasons: string[];
}

interface Context {
  facts: Facts;
  flagReason: (flag: Indicator) => string;
  listedByCode: Map<string, EvaluatedObligation>;
  profile: Profile;
}

const quote = (value: unknown) => (typeof value === 'string' ? `"${value}"` : JSON.stringify(value));

function factOf(rule: JsonLogicRule | undefined): FactName | null {
  if (!isLogic(rule)) return null;
  const [operation, args] = operationOf(rule);
  return operation === 'var' && typeof args[0] === 'string' && args[0] in FACT_WORDS ? (args[0] as FactName) : null;
}

/** Sentences for the facts that are plain true/false. */
function booleanFact(fact: FactName, value: boolean, context: Context): string {
  const { facts } = context;
  switch (fact) {
    case 'detained':
      return value ? 'the person is detained' : 'the person is not detained';
    case 'detentionRecorded':
      return value ? 'the person has been detained' : 'the person has not been detained';
    case 'detentionEnded':
      return value ? 'the detention has ended' : 'the detention has not ended';
    case 'bestInterestsDetermined':
      return value ? 'a best-interests determination is recorded' : 'no best-interests determination is recorded';
    case 'consularNotificationMandatory':
      return value
        ? `the nationality ${quote(facts.nationality)} is on the ${context.profile.id} profile’s mandatory consular notification list`
        : `the nationality ${facts.nationality === null ? 'is not known and so' : quote(facts.nationality)} is not on the profile’s mandatory consular notification list`;
    default:
      return `${FACT_WORDS[fact]} is ${value ? 'true' : 'false'}`;
  }
}

function obligationTriggerReasons(code: string, context: Context): string[] {
  const item = context.listedByCode.get(code);
  return item ? judge(item.entry.definition.trigger, context).reasons : [];
}

function judgeIn(needle: JsonLogicRule | undefined, haystack: JsonLogicRule | undefined, context: Context): Verdict | null {
  const within = factOf(haystack);
  if (typeof needle === 'string' && within === 'flags') {
    const holds = context.facts.flags.includes(needle as Indicator);
    const words = INDICATOR_WORDS[needle as Indicator] ?? `is flagged ${needle}`;
    return { holds, reasons: [holds ? context.flagReason(needle as Indicator) : `it is not recorded that the person ${words}`] };
  }
  if (typeof needle === 'string' && (within === 'obligations' || within === 'openObligations')) {
    const item = context.listedByCode.get(needle);
    const because = obligationTriggerReasons(needle, context);
    const why = because.length > 0 ? `, because ${listWords(because)}` : '';
    if (within === 'obligations') {
      return { holds: item !== undefined, reasons: [item ? `${needle} stands${why}` : `${needle} does not stand`] };
    }
    if (!item) return { holds: false, reasons: [`${needle} does not apply`] };
    if (item.status === 'open') return { holds: true, reasons: [`${needle} is open${why}`] };
    const fulfilledWhen = item.entry.definition.fulfilledWhen;
    const done = fulfilledWhen === undefined ? [] : judge(fulfilledWhen, context).reasons;
    return { holds: false, reasons: [`${needle} is fulfilled${done.length > 0 ? `: ${listWords(done)}` : ''}`] };
  }
  const fact = factOf(needle);
  if (fact && Array.isArray(haystack)) {
    const actual = context.facts[fact];
    const holds = haystack.includes(actual as JsonLogicRule);
    const options = listWords(haystack.map(quote), 'or');
    return {
      holds,
      reasons: [holds ? `the ${FACT_WORDS[fact]} is ${quote(actual)}` : `the ${FACT_WORDS[fact]} is ${quote(actual)}, not ${options}`],
    };
  }
  return null;
}

/** Whether a rule holds for these facts, and the facts that decide it. */
function judge(rule: JsonLogicRule, context: Context): Verdict {
  if (rule === true) return { holds: true, reasons: ['it applies to every person'] };
  if (rule === false) return { holds: false, reasons: ['it applies to nobody'] };
  if (isLogic(rule)) {
    const [operation, args] = operationOf(rule);
    switch (operation) {
      case 'and': {
        const verdicts = args.map((arg) => judge(arg, context));
        const failed = verdicts.find((verdict) => !verdict.holds);
        return failed ? { holds: false, reasons: failed.reasons } : { holds: true, reasons: verdicts.flatMap((v) => v.reasons) };
      }
      case 'or': {
        const verdicts = args.map((arg) => judge(arg, context));
        const held = verdicts.filter((verdict) => verdict.holds);
        return held.length > 0
          ? { holds: true, reasons: held.flatMap((v) => v.reasons) }
          : { holds: false, reasons: verdicts.flatMap((v) => v.reasons) };
      }
      case '!': {
        const inner = judge(args[0] ?? null, context);
        return { holds: !inner.holds, reasons: inner.reasons };
      }
      case '!!':
        return judge(args[0] ?? null, context);
      case 'var': {
        const fact = factOf(rule);
        const value = fact ? context.facts[fact] : undefined;
        if (fact && typeof value === 'boolean') return { holds: value, reasons: [booleanFact(fact, value, context)] };
        break;
      }
      case 'in': {
        const verdict = judgeIn(args[0], args[1], context);
        if (verdict) return verdict;
        break;
      }
      case '==':
      case '===':
      case '!=':
      case '!==': {
        const [a, b] = args;
        const fact = factOf(a);
        if (fact && !isLogic(b)) {
          const actual = context.facts[fact];
          const equal = operation.length === 3 ? actual === b : actual == b;
          const holds = operation.startsWith('!') ? !equal : equal;
          const label = FACT_WORDS[fact];
          return { holds, reasons: [equal ? `the ${label} is ${quote(actual)}` : `the ${label} is ${quote(actual)}, not ${quote(b)}`] };
        }
        break;
      }
    }
  }
  const holds = truthy(applyRule(rule, context.facts));
  return { holds, reasons: [`the condition ${JSON.stringify(rule)} ${holds ? 'holds' : 'does not hold'}`] };
}

function flagReasons(input: AssessInput): (flag: Indicator) => string {
  const observed = new Set(input.indicators ?? []);
  const person = input.person;
  const age = person?.age;
  return (flag) => {
    switch (flag) {
      case 'child':
        return age != null && age < 18
          ? `the person is a child (age ${age})`
          : `the person is treated as a child: they say they are ${String(person?.ageClaimed)} and their age is ${person?.ageDisputed ? 'disputed' : 'not assessed'} (benefit of the doubt)`;
      case 'unaccompanied_child':
      case 'separated_child':
        return `the person ${INDICATOR_WORDS[flag]}`;
      case 'older_person':
        return `the person is 60 or older (age ${String(age)})`;
      case 'endangered':
        if (input.encounterType === 'rescue_at_sea') return 'the person was rescued at sea, so their life or safety was endangered';
        break;
      case 'asylum_intent':
        if (!observed.has('asylum_intent')) return `the asylum claim is "${String(input.asylumClaim)}", which counts as asylum intent`;
        break;
      default:
        break;
    }
    const words = `the person ${INDICATOR_WORDS[flag]}`;
    return observed.has(flag as never) ? `${words} (recorded at screening)` : words;
  };
}

function deadlineWords(item: EvaluatedObligation, evaluation: Evaluation, input: AssessInput): string | null {
  const { entry } = item;
  if (entry.deadlineMs === null) return null;
  const from = item.fromDetention
    ? `the start of the detention (${formatInstant(item.baseMs)})`
    : `the encounter (${formatInstant(evaluation.encounteredMs)})`;
  const fallback =
    entry.definition.base === 'detention' && !item.fromDetention && !input.detention?.since
      ? '; it counts from the detention, and the person was not detained, so from the encounter'
      : '';
  const shortened = entry.baselineDeadlineMs !== null ? `; shortened by the profile from the baseline ${formatSpan(entry.baselineDeadlineMs)}` : '';
  return `${formatSpan(entry.deadlineMs)} after ${from}${fallback}${shortened}`;
}

/** Explains, for every obligation and guard, the facts that triggered or blocked it. */
export function explain(input: AssessInput, profile: Profile = BASELINE_PROFILE): Explanation {
  const evaluation = evaluate(input, profile);
  const context: Context = {
    facts: evaluation.facts,
    flagReason: flagReasons(input),
    listedByCode: new Map(evaluation.obligations.map((item) => [item.entry.definition.code, item])),
    profile,
  };
  const languages = input.person?.languages ?? [];
  const refusesByCode = new Map<string, GuardedAction[]>();
  for (const guard of profile.guards) {
    for (const blocker of guard.blockers) {
      refusesByCode.set(blocker.obligation, [...(refusesByCode.get(blocker.obligation) ?? []), guard.action]);
    }
  }

  const obligations = evaluation.obligations.map((item): ObligationExplanation => {
    const definition = item.entry.definition;
    const services = item.services;
    const { referral: _all, ...rest } = definition.fulfilledBy;
    const fulfilment = services.length > 0 ? { ...rest, referral: [...services] } : rest;
    return {
      code: definition.code,
      status: item.status,
      dueBy: item.dueMs === null ? null : formatInstant(item.dueMs),
      summary: definition.summary,
      because: [...new Set(judge(definition.trigger, context).reasons)],
      statusBecause: definition.fulfilledWhen === undefined ? [] : [...new Set(judge(definition.fulfilledWhen, context).reasons)],
      deadline: deadlineWords(item, evaluation, input),
      fulfilledBy: describeFulfilment(fulfilment, { languages, refuses: refusesByCode.get(definition.code) ?? [] }),
      basis: [...definition.basis],
    };
  });

  const referrals = evaluation.assessment.referrals.map(
    (referral): ReferralExplanation => ({ ...referral, to: SERVICE_WORDS[referral.service], obligations: [...referral.obligations] }),
  );

  const guards = evaluation.guards.map(({ guard, blockedBy }): GuardExplanation => {
    const blocked = new Set(blockedBy);
    const explained = (blocker: (typeof guard.blockers)[number]) => ({
      obligation: blocker.obligation,
      because: [...new Set(judge(blocker.rule, context).reasons)],
    });
    const verdict = overrideFor(guard.action, { allowed: blockedBy.length === 0, blockedBy: blockedBy.map((blocker) => blocker.obligation) });
    // The reasons of the blockers that decide it: those admitting no override, else the strictest.
    const deciding = blockedBy.filter((blocker) => blockerOverride(guard.action, blocker.obligation).kind === verdict.override);
    return {
      action: guard.action,
      meaning: guard.meaning,
      allowed: blockedBy.length === 0,
      override: { ...verdict, because: [...new Set(deciding.map((blocker) => blockerOverride(guard.action, blocker.obligation).why))] },
      blockedBy: blockedBy.map(explained),
      notBlocking: guard.blockers
        .filter((blocker) => !blocked.has(blocker) && context.listedByCode.has(blocker.obligation))
        .map(explained),
    };
  });

  return {
    profile: profile.id,
    encounteredAt: formatInstant(evaluation.encounteredMs),
    flags: evaluation.flags.map((flag) => ({ flag, because: context.flagReason(flag) })),
    obligations,
    referrals,
    guards,
  };
}

function sentence(parts: readonly string[]): string {
  const text = listWords(parts);
  // A sentence may open with a code (`children.best_interests is open`), which keeps its case.
  const opensWithWord = /^[a-z]+(?:\s|$)/.test(text);
  return text === '' ? '' : `${opensWithWord ? text.charAt(0).toUpperCase() + text.slice(1) : text}.`;
}

/** The explanation as text an officer reads on a screen or on paper. */
export function renderExplanation(explanation: Explanation): string {
  const lines: string[] = [];
  lines.push(`Assessment under the ${explanation.profile} profile of a person encountered at ${explanation.encounteredAt}.`);
  lines.push('');
  lines.push('FLAGS');
  if (explanation.flags.length === 0) lines.push('  None: no indicator holds.');
  for (const { flag, because } of explanation.flags) lines.push(`  - ${flag}: ${because}.`);
  lines.push('');
  lines.push(`OBLIGATIONS (${explanation.obligations.length})`);
  explanation.obligations.forEach((obligation, index) => {
    const due = obligation.dueBy === null ? 'standing, no deadline' : `due by ${obligation.dueBy}`;
    lines.push(`  ${index + 1}. ${obligation.code}: ${obligation.status.toUpperCase()}, ${due}`);
    lines.push(`     What: ${obligation.summary}`);
    lines.push(`     Why: ${sentence(obligation.because)}`);
    if (obligation.statusBecause.length > 0) {
      lines.push(`     ${obligation.status === 'fulfilled' ? 'Already fulfilled' : 'Still open'}: ${sentence(obligation.statusBecause)}`);
    }
    if (obligation.deadline) lines.push(`     Deadline: ${obligation.deadline}.`);
    lines.push(`     Fulfilled by: ${obligation.fulfilledBy}.`);
    lines.push(`     Legal basis: ${obligation.basis.join('; ')}.`);
  });
  lines.push('');
  lines.push('REFERRALS TO MAKE');
  if (explanation.referrals.length === 0) lines.push('  None.');
  for (const referral of explanation.referrals) {
    const due = referral.dueBy === null ? 'no deadline' : `by ${referral.dueBy}`;
    lines.push(`  - ${referral.service} (${referral.to}), ${due}, for ${referral.obligations.join(', ')}`);
  }
  lines.push('');
  lines.push('GUARDS');
  for (const guard of explanation.guards) {
    lines.push(`  - ${guard.action} (${guard.meaning}): ${guard.allowed ? 'ALLOWED' : 'REFUSED'}`);
    for (const blocker of guard.blockedBy) lines.push(`      refused by ${blocker.obligation}: ${sentence(blocker.because)}`);
    for (const blocker of guard.notBlocking) {
      lines.push(`      not refused by ${blocker.obligation}: ${sentence(blocker.because)}`);
    }
    if (guard.allowed && guard.notBlocking.length === 0) lines.push('      Nothing in the facts refuses it.');
    const { override } = guard;
    if (override.override === 'never') lines.push(`      No one may override it (${override.forbiddenBy.join(', ')}): ${listWords(override.because)}.`);
    if (override.override === 'last_resort') lines.push(`      Override: ${listWords(override.because)}.`);
    if (override.override === 'reason') lines.push('      Override: a supervisor may override it with a written reason, which the oversight body sees.');
  }
  return `${lines.join('\n')}\n`;
}
