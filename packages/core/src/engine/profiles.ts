import { z } from 'zod';
import {
  ASSISTANCE_TYPES,
  GUARDED_ACTIONS,
  INDICATORS,
  OBLIGATION_CODES,
  SERVICE_TYPES,
  type AssistanceType,
  type GuardedAction,
  type Indicator,
  type ServiceType,
} from '../codes.js';
import {
  BASELINE_GUARDS,
  BASELINE_OBLIGATIONS,
  DEADLINE_BASES,
  JUSTICE_ROLES,
  open,
  type Fulfilment,
  type ObligationCode,
  type ObligationDefinition,
} from './catalogue.js';
import { describeValue, enumOf, formatFieldPath, issuesFromZod, type CheckResult, type FieldIssue } from './issues.js';
import { checkRule, compileRule, referencedObligations, type CompiledRule, type JsonLogicRule } from './logic.js';
import { deadlineMs, formatSpan } from './time.js';

// SOP profiles. The baseline profile is the Protocol floor (DOMAIN.md section 5). A jurisdiction
// profile may add obligations, shorten baseline deadlines and list nationalities with mandatory
// consular notification; anything that would weaken the floor is refused when it is loaded, so a
// weakened profile can never reach an assessment.

export const BASELINE_PROFILE_ID = 'baseline';

// ---------------------------------------------------------------------------------------------
// The profile document (YAML or JSON, decoded by the caller)

const durationSchema = z.union([z.string(), z.number()], {
  error: (issue) =>
    issue.input === null
      ? 'a deadline cannot be removed: give an ISO 8601 duration such as PT12H'
      : `${describeValue(issue.input)} is not a deadline: give an ISO 8601 duration such as PT12H or P3D`,
}).refine((value) => deadlineMs(value) !== null && (deadlineMs(value) as number) >= 1000, {
  error: (issue) =>
    `${describeValue(issue.input)} is not a deadline: give a positive ISO 8601 duration in weeks, days, hours, minutes or seconds (such as PT12H or P3D), or a number of milliseconds of at least 1000`,
});

const ruleSchema = z.json({ error: (issue) => `${describeValue(issue.input)} is not a JSON Logic rule` });

const countryCode = z.string().regex(/^[A-Z]{2}$/, {
  error: (issue) => `${describeValue(issue.input)} is not an ISO 3166-1 alpha-2 country code in capitals (such as PH)`,
});

const codePattern = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/;

const serviceType = enumOf(SERVICE_TYPES, 'service type');

const fulfilmentSchema = z.strictObject({
  assistance: z.array(enumOf(ASSISTANCE_TYPES, 'assistance type')).min(1).optional(),
  referral: z.union([serviceType, z.array(serviceType).min(1)]).optional(),
  withConsent: z.literal(true).optional(),
  inLanguageUnderstood: z.literal(true).optional(),
  justiceLink: enumOf(JUSTICE_ROLES, 'justice role').optional(),
  detentionEnded: z.literal(true).optional(),
  incidentRecorded: z.literal(true).optional(),
  standing: z.literal(true).optional(),
});

const addedObligationSchema = z.strictObject({
  code: z.string().regex(codePattern, {
    error: (issue) =>
      `${describeValue(issue.input)} is not an obligation code: lower-case words joined by dots, such as sop.health_screening`,
  }),
  summary: z.string().min(1, { error: 'an obligation needs a summary in plain words' }),
  basis: z.array(z.string().min(1)).min(1, { error: 'an obligation needs at least one legal basis' }),
  trigger: ruleSchema,
  fulfilledBy: fulfilmentSchema,
  referralWhen: z.partialRecord(serviceType, ruleSchema).optional(),
  fulfilledWhen: ruleSchema.optional(),
  deadline: durationSchema.nullable(),
  base: enumOf(DEADLINE_BASES, 'deadline base'),
  /** Guarded actions this obligation refuses while it is open. */
  blocks: z.array(enumOf(GUARDED_ACTIONS, 'guarded action')).min(1).optional(),
});

// ---------------------------------------------------------------------------------------------
// Retention: how long each record type is kept once closed, before its personal
// fields are destroyed. Calendar units, since data-protection law counts in years and months.

/** Record types with a retention period, and what the period is counted from. */
export const RETENTION_RECORD_TYPES = ['case', 'allegation', 'notification'] as const;
export type RetentionRecordType = (typeof RETENTION_RECORD_TYPES)[number];

export const RETENTION_WORDS: Readonly<Record<RetentionRecordType, string>> = {
  case: "a person's record and case file, from the closure of the case",
  allegation: 'the free text of an allegation of failure to assist, from its closure',
  notification: 'in-app notifications to staff, from their creation',
};

/** A period in calendar units. */
export interface RetentionPeriod {
  iso: string;
  years: number;
  months: number;
  days: number;
}

const RETENTION_PATTERN = /^P(?:(\d{1,3})Y)?(?:(\d{1,4})M)?(?:(\d{1,4})W)?(?:(\d{1,5})D)?$/;

/** Parses P5Y, P18M, P2Y6M, P90D, P4W; null when it is not such a period. */
export function parseRetentionPeriod(value: string): RetentionPeriod | null {
  const match = RETENTION_PATTERN.exec(value);
  if (!match || value === 'P') return null;
  const [, y, m, w, d] = match;
  return { iso: value, years: Number(y ?? 0), months: Number(m ?? 0), days: Number(w ?? 0) * 7 + Number(d ?? 0) };
}

/** The instant before which a record closed is past its retention period at `now` (UTC calendar arithmetic). */
export function retentionCutoff(period: RetentionPeriod, now: Date): Date {
  const cutoff = new Date(now.getTime());
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - period.years, cutoff.getUTCMonth() - period.months, cutoff.getUTCDate() - period.days);
  return cutoff;
}

/** Roughly, in days: for validating bounds, never for cut-offs. */
const approximateDays = (period: RetentionPeriod) => period.years * 365 + period.months * 30 + period.days;

/** Shortest period a profile may set: a record must outlive every deadline and the time to contest a decision. */
export const MIN_RETENTION_DAYS = 30;
const MAX_RETENTION_DAYS = 100 * 365;

export const DEFAULT_RETENTION: Readonly<Record<RetentionRecordType, RetentionPeriod>> = {
  case: parseRetentionPeriod('P5Y') as RetentionPeriod,
  allegation: parseRetentionPeriod('P10Y') as RetentionPeriod,
  notification: parseRetentionPeriod('P1Y') as RetentionPeriod,
};

const retentionPeriodSchema = z.string().transform((value, context) => {
  const period = parseRetentionPeriod(value);
  if (!period) {
    context.addIssue({ code: 'custom', message: `${describeValue(value)} is not a retention period: give an ISO 8601 duration in years, months, weeks or days, such as P5Y, P18M or P90D` });
    return z.NEVER;
  }
  const days = approximateDays(period);
  if (days < MIN_RETENTION_DAYS) {
    context.addIssue({ code: 'custom', message: `${value} is too short: records are kept at least ${MIN_RETENTION_DAYS} days after closure, past every deadline and the time to contest a decision` });
    return z.NEVER;
  }
  if (days > MAX_RETENTION_DAYS) {
    context.addIssue({ code: 'custom', message: `${value} is longer than 100 years: keeping personal data that long is no retention limit` });
    return z.NEVER;
  }
  return period;
});

const retentionSchema = z.strictObject(
  Object.fromEntries(RETENTION_RECORD_TYPES.map((type) => [type, retentionPeriodSchema.optional()])) as Record<RetentionRecordType, z.ZodOptional<typeof retentionPeriodSchema>>,
);

// ---------------------------------------------------------------------------------------------
// Escalation: how long an obligation may stay overdue before the oversight body sees it.

/** The time an obligation may stay overdue when the profile says nothing: a day, or its own deadline when shorter. */
export const DEFAULT_ESCALATION_MS = 24 * 60 * 60 * 1000;

const escalationSchema = z.strictObject({
  /** For every obligation with a deadline (capped at that deadline), unless listed below. */
  afterOverdue: durationSchema.optional(),
  /** Per obligation code; never longer than the obligation's deadline in force. */
  obligations: z.record(z.string(), durationSchema).optional(),
});

/** A profile's escalation limits, compiled. */
export interface EscalationLimits {
  afterOverdueMs: number;
  /** Per-code limits the profile set. */
  byCode: ReadonlyMap<string, number>;
}

// Handover: which agency takes over the cases a first-contact agency registers, and how fast.

const agencyName = z.string().trim().min(1, { error: 'give the name of an agency as the administration lists it' });

const handoverRuleSchema = z.strictObject({
  /** The first-contact agency whose registrations the rule hands over. */
  from: agencyName,
  /** The encounter's area the rule applies to; absent: any area. */
  area: z.string().trim().min(1).optional(),
  /** The agency that becomes responsible for the case (its obligations, its assignment). */
  to: agencyName,
  /** Indicators (derived or observed) for which the receiving agency must take the case up at once. */
  atOnce: z.array(enumOf(INDICATORS, 'indicator')).optional(),
  /** What "at once" means: the time in which an `atOnce` case must be taken up (default PT15M, never longer than `within`). */
  atOnceWithin: durationSchema.optional(),
  /** The time in which the receiving agency must take up every other case. */
  within: durationSchema,
  /** How long the first-contact agency keeps its operational access (identity, logging assistance). */
  keepAccessFor: durationSchema,
});

export const jurisdictionProfileSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, {
    error: (issue) => `${describeValue(issue.input)} is not a profile id: lower-case letters, digits, - and _`,
  }),
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  /** Every profile stands on the baseline; saying so is allowed, saying anything else is not. */
  extends: z.literal(BASELINE_PROFILE_ID).optional(),
  /** Shorter deadlines for baseline obligations, by code. */
  deadlines: z.record(z.string(), durationSchema).optional(),
  /** Nationalities whose consulate is notified of a detention even unasked (bilateral consular conventions). */
  mandatoryConsularNotification: z.array(countryCode).optional(),
  /** Obligations the jurisdiction adds to the baseline. */
  obligations: z.array(addedObligationSchema).optional(),
  /** How long each record type is kept after it is closed (defaults in DEFAULT_RETENTION). */
  retention: retentionSchema.optional(),
  /** How long an obligation may stay overdue before it is escalated to the oversight body. */
  escalation: escalationSchema.optional(),
  /** Handover rules: cases registered by a first-contact agency go to the agency that takes them over. */
  handover: z.array(handoverRuleSchema).optional(),
});

export type JurisdictionProfile = z.infer<typeof jurisdictionProfileSchema>;
export type AddedObligation = z.infer<typeof addedObligationSchema>;

// ---------------------------------------------------------------------------------------------
// The compiled profile the engine runs

export interface ReferralSpec {
  service: ServiceType;
  /** The referral applies only when this holds; null when it always applies. */
  when: CompiledRule | null;
}

export interface CompiledObligation {
  definition: ObligationDefinition;
  origin: 'baseline' | 'profile';
  /** The deadline in force, or null for a standing obligation. */
  deadlineMs: number | null;
  /** The baseline deadline, when this profile shortened it. */
  baselineDeadlineMs: number | null;
  trigger: CompiledRule;
  fulfilledWhen: CompiledRule | null;
  referrals: readonly ReferralSpec[];
  /** The services referred to when no referral has a condition (shared, never mutated); null otherwise. */
  fixedServices: readonly ServiceType[] | null;
  /** The legal basis, frozen: every assessment shares it. */
  basis: readonly string[];
  /** What fulfils it, frozen and shared, when it is the same for everyone (no conditional referral). */
  fixedFulfilment: Readonly<Fulfilment> | null;
}

export interface CompiledBlocker {
  obligation: ObligationCode;
  rule: JsonLogicRule;
  when: CompiledRule;
}

export interface CompiledGuard {
  action: GuardedAction;
  meaning: string;
  blockers: readonly CompiledBlocker[];
}

/** A handover rule as the server applies it: agency names (checked against the database at start), spans in ms. */
export interface HandoverRule {
  /** Its index in the profile's `handover` list: what the handover row and error messages name. */
  index: number;
  from: string;
  area: string | null;
  to: string;
  atOnce: readonly Indicator[];
  /** The take-up span of an `atOnce` case. */
  atOnceWithinMs: number;
  withinMs: number;
  keepAccessForMs: number;
}

/**
 * The rule that hands over a registration by agency `from` in `area`: a rule for that very area
 * before one for any area; undefined when none applies (the case stays with the registering agency).
 */
export function handoverRuleFor(rules: readonly HandoverRule[], from: string, area: string | null): HandoverRule | undefined {
  return rules.find((rule) => rule.from === from && rule.area !== null && rule.area === area) ?? rules.find((rule) => rule.from === from && rule.area === null);
}

/**
 * "At once" when a profile does not say: a quarter of an hour. A deadline of the instant of the
 * handover could never be met (an officer needs a moment to open the case), so every such case
 * would count as taken up late; a quarter of an hour still leaves most of the hour the emergency
 * care obligation gives.
 */
export const DEFAULT_AT_ONCE_MS = 15 * 60 * 1000;

/** When the receiving agency must have taken the case up: at once (atOnceWithin) for an `atOnce` indicator, else within the rule's span. */
export function takeUpBy(rule: HandoverRule, flags: ReadonlySet<string>, handedOverAt: Date): Date {
  const atOnce = rule.atOnce.some((indicator) => flags.has(indicator));
  return new Date(handedOverAt.getTime() + (atOnce ? rule.atOnceWithinMs : rule.withinMs));
}

/** An SOP profile ready for `assess`: validated, with every rule compiled once. */
export interface Profile {
  id: string;
  name: string;
  /** Obligations in reporting order: the baseline table, then those the profile adds. */
  obligations: readonly CompiledObligation[];
  /** Indexes into `obligations`, each after every obligation its trigger refers to. */
  evaluationOrder: readonly number[];
  guards: readonly CompiledGuard[];
  mandatoryConsularNotification: readonly string[];
  mandatoryNotificationSet: ReadonlySet<string>;
  /** Retention period per record type: the profile's, else the default. */
  retention: Readonly<Record<RetentionRecordType, RetentionPeriod>>;
  /** How long an obligation may stay overdue before oversight sees it (see escalationLimitMs). */
  escalation: EscalationLimits;
  /** Handover rules, in the profile's order; empty: every case stays with the agency that registers it. */
  handover: readonly HandoverRule[];
}

/**
 * How long an obligation of `code` may stay overdue before it is escalated to the oversight body:
 * the profile's limit for that code, else its general limit capped at the obligation's own
 * deadline (an obligation is never left overdue longer than it was given to be done). Null for a
 * standing obligation or a code the profile does not know.
 */
export function escalationLimitMs(profile: Profile, code: string): number | null {
  const entry = profile.obligations.find((candidate) => candidate.definition.code === code);
  if (!entry || entry.deadlineMs === null) return null;
  return profile.escalation.byCode.get(code) ?? Math.min(profile.escalation.afterOverdueMs, entry.deadlineMs);
}

/** A profile that cannot be loaded, with every issue naming its entry. */
export class ProfileError extends Error {
  constructor(
    readonly profileId: string | null,
    readonly issues: readonly FieldIssue[],
  ) {
    super(
      `invalid SOP profile${profileId ? ` ${JSON.stringify(profileId)}` : ''}: ` +
        issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; '),
    );
    this.name = 'ProfileError';
  }
}

const BASELINE_CODES: ReadonlySet<string> = new Set(OBLIGATION_CODES);
const BASELINE_BY_CODE = new Map(BASELINE_OBLIGATIONS.map((definition) => [definition.code, definition]));

function referralList(fulfilment: Fulfilment): ServiceType[] {
  const referral = fulfilment.referral;
  if (referral === undefined) return [];
  return typeof referral === 'string' ? [referral] : [...referral];
}

/**
 * What fulfils an obligation for one person: its fulfilment with only the referrals that apply
 * (one service as a string, several as a list), frozen so assessments can share it.
 */
export function fulfilmentFor(source: Fulfilment, services: readonly ServiceType[]): Readonly<Fulfilment> {
  const out: Fulfilment = {};
  if (source.assistance) out.assistance = Object.freeze([...source.assistance]) as AssistanceType[];
  if (services.length === 1) out.referral = services[0] as ServiceType;
  else if (services.length > 1) out.referral = Object.freeze([...services]) as ServiceType[];
  if (source.withConsent) out.withConsent = true;
  if (source.inLanguageUnderstood) out.inLanguageUnderstood = true;
  if (source.justiceLink) out.justiceLink = source.justiceLink;
  if (source.detentionEnded) out.detentionEnded = true;
  if (source.incidentRecorded) out.incidentRecorded = true;
  if (source.standing) out.standing = true;
  return Object.freeze(out);
}

function compileObligation(
  definition: ObligationDefinition,
  origin: 'baseline' | 'profile',
  deadline: number | null,
): CompiledObligation {
  const baseline = definition.deadline === null ? null : deadlineMs(definition.deadline);
  const referrals = referralList(definition.fulfilledBy).map((service) => {
    const rule = definition.referralWhen?.[service];
    return { service, when: rule === undefined ? null : compileRule(rule) };
  });
  const fixedServices = referrals.every((referral) => referral.when === null)
    ? Object.freeze(referrals.map((referral) => referral.service))
    : null;
  return {
    definition,
    origin,
    basis: Object.freeze([...definition.basis]),
    fixedServices,
    fixedFulfilment: fixedServices === null ? null : fulfilmentFor(definition.fulfilledBy, fixedServices),
    deadlineMs: deadline ?? baseline,
    baselineDeadlineMs: origin === 'baseline' && deadline !== null && deadline !== baseline ? baseline : null,
    trigger: compileRule(definition.trigger),
    fulfilledWhen: definition.fulfilledWhen === undefined ? null : compileRule(definition.fulfilledWhen),
    referrals,
  };
}

/** Orders evaluation so that a trigger testing `{"in": [code, {"var": "obligations"}]}` runs after that code. */
function evaluationOrder(definitions: readonly ObligationDefinition[]): { order: number[]; cycle: string[] | null } {
  const index = new Map(definitions.map((definition, i) => [definition.code, i]));
  const dependsOn = definitions.map((definition) =>
    referencedObligations(definition.trigger)
      .map((code) => index.get(code))
      .filter((i): i is number => i !== undefined),
  );
  const order: number[] = [];
  const done = new Set<number>();
  // Repeatedly take the earliest entry whose dependencies are done: the catalogue order, where it can be kept.
  while (order.length < definitions.length) {
    const next = definitions.findIndex((_, i) => !done.has(i) && (dependsOn[i] as number[]).every((d) => done.has(d)));
    if (next === -1) {
      const cycle = definitions.filter((_, i) => !done.has(i)).map((definition) => definition.code);
      return { order, cycle };
    }
    done.add(next);
    order.push(next);
  }
  return { order, cycle: null };
}

function assemble(
  id: string,
  name: string,
  entries: readonly CompiledObligation[],
  mandatory: readonly string[],
  retention: Partial<Record<RetentionRecordType, RetentionPeriod>> = {},
  escalation: EscalationLimits = { afterOverdueMs: DEFAULT_ESCALATION_MS, byCode: new Map() },
  handover: readonly HandoverRule[] = [],
): CheckResult<Profile> {
  const { order, cycle } = evaluationOrder(entries.map((entry) => entry.definition));
  if (cycle) {
    return {
      ok: false,
      issues: [{ path: 'obligations', message: `triggers refer to each other in a circle: ${cycle.join(', ')}` }],
    };
  }
  const guards = BASELINE_GUARDS.map((guard) => {
    const blockers: CompiledBlocker[] = guard.blockers.map((blocker) => ({
      obligation: blocker.obligation,
      rule: blocker.when,
      when: compileRule(blocker.when),
    }));
    for (const entry of entries) {
      if (entry.origin !== 'profile') continue;
      const blocks = entry.definition.blocks ?? [];
      if (blocks.includes(guard.action)) {
        // A consular notification the person asked for is their right (VCCR 36(1)(b)): when they
        // ask, only the baseline rule holds sharing back (DOMAIN.md section 9, rule 8).
        const rule: JsonLogicRule =
          guard.action === 'share_with_origin_state'
            ? { and: [open(entry.definition.code), { '!=': [{ var: 'consular' }, 'requested'] }] }
            : open(entry.definition.code);
        blockers.push({ obligation: entry.definition.code, rule, when: compileRule(rule) });
      }
    }
    return { action: guard.action, meaning: guard.meaning, blockers };
  });
  return {
    ok: true,
    value: {
      id,
      name,
      obligations: entries,
      evaluationOrder: order,
      guards,
      mandatoryConsularNotification: [...mandatory],
      mandatoryNotificationSet: new Set(mandatory),
      retention: { ...DEFAULT_RETENTION, ...Object.fromEntries(Object.entries(retention).filter(([, period]) => period !== undefined)) },
      escalation,
      handover: Object.freeze([...handover]),
    },
  };
}

function baselineProfile(): Profile {
  const entries = BASELINE_OBLIGATIONS.map((definition) => compileObligation(definition, 'baseline', null));
  const result = assemble(BASELINE_PROFILE_ID, 'Baseline: the Protocol floor', entries, []);
  if (!result.ok) throw new ProfileError(BASELINE_PROFILE_ID, result.issues);
  return result.value;
}

/** The Protocol floor: DOMAIN.md section 5 as it stands, with an empty mandatory-notification list. */
export const BASELINE_PROFILE: Profile = baselineProfile();

// Keys a profile might use to drop an obligation; refused by name rather than as an unknown field.
const REMOVAL_KEY = /^(?:remove|delete|disable|omit|exclude|waive|skip|drop|suppress)/i;

/** Checks and compiles a jurisdiction profile (already decoded from YAML or JSON). */
export function checkProfile(document: unknown): CheckResult<Profile> {
  const issues: FieldIssue[] = [];
  let candidate = document;
  if (document !== null && typeof document === 'object' && !Array.isArray(document)) {
    const rest: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(document)) {
      if (REMOVAL_KEY.test(key)) {
        issues.push({
          path: key,
          message: `a profile may not remove baseline obligations (asked to remove ${describeValue(value)}): the Protocol is the floor; a profile may only add obligations and shorten deadlines`,
        });
      } else rest[key] = value;
    }
    candidate = rest;
  }
  const parsed = jurisdictionProfileSchema.safeParse(candidate);
  if (!parsed.success) return { ok: false, issues: [...issues, ...issuesFromZod(parsed.error, candidate)] };
  const profile = parsed.data;
  if (profile.id === BASELINE_PROFILE_ID) {
    issues.push({ path: 'id', message: `"baseline" is the Protocol floor itself; a jurisdiction profile needs its own id` });
  }

  const added = profile.obligations ?? [];
  const allCodes = new Set<string>([...BASELINE_CODES, ...added.map((entry) => entry.code)]);
  const seen = new Set<string>();
  added.forEach((entry, i) => {
    const at = (field: string) => formatFieldPath(['obligations', i, field]);
    const name = `obligation ${entry.code}`;
    if (BASELINE_CODES.has(entry.code)) {
      issues.push({
        path: at('code'),
        message: `${JSON.stringify(entry.code)} is a baseline obligation: a profile may not redefine or remove it, only shorten its deadline under "deadlines"`,
      });
    } else if (seen.has(entry.code)) {
      issues.push({ path: at('code'), message: `${JSON.stringify(entry.code)} is defined twice` });
    }
    seen.add(entry.code);
    const standing = entry.fulfilledBy.standing === true;
    const { withConsent: _consent, inLanguageUnderstood: _language, standing: _standing, ...records } = entry.fulfilledBy;
    if (!standing && Object.keys(records).length === 0) {
      issues.push({
        path: at('fulfilledBy'),
        message: `${name} names nothing that fulfils it: give assistance, referral, justiceLink, detentionEnded, incidentRecorded, or standing: true`,
      });
    }
    if (standing && Object.keys(records).length > 0) {
      issues.push({
        path: at('fulfilledBy'),
        message: `${name} is standing, so no record fulfils it: remove ${Object.keys(records).join(', ')} or the standing mark`,
      });
    }
    if (entry.deadline === null && !standing) {
      issues.push({
        path: at('deadline'),
        message: `${name} has no deadline: only a standing obligation (fulfilledBy: {standing: true}) has none`,
      });
    }
    if (entry.deadline !== null && standing) {
      issues.push({ path: at('deadline'), message: `${name} is standing, so it has no deadline: give deadline: null` });
    }
    if (standing && !entry.blocks) {
      issues.push({
        path: at('blocks'),
        message: `${name} is standing, so it must name the guarded actions it refuses (blocks)`,
      });
    }
    const services = referralList(entry.fulfilledBy);
    for (const service of Object.keys(entry.referralWhen ?? {})) {
      if (!services.includes(service as ServiceType)) {
        issues.push({
          path: formatFieldPath(['obligations', i, 'referralWhen', service]),
          message: `${JSON.stringify(service)} is not a referral in fulfilledBy of ${name}`,
        });
      }
    }
    const rules: [string[], JsonLogicRule | undefined][] = [
      [['trigger'], entry.trigger],
      [['fulfilledWhen'], entry.fulfilledWhen],
      ...Object.entries(entry.referralWhen ?? {}).map(
        ([service, rule]): [string[], JsonLogicRule | undefined] => [['referralWhen', service], rule],
      ),
    ];
    for (const [path, rule] of rules) {
      if (rule === undefined) continue;
      for (const problem of checkRule(rule, { obligationCodes: allCodes })) {
        issues.push({ path: formatFieldPath(['obligations', i, ...path]), message: `${name}: ${problem}` });
      }
    }
  });

  const shortened = new Map<string, number>();
  for (const [code, deadline] of Object.entries(profile.deadlines ?? {})) {
    const path = `deadlines.${code}`;
    const baseline = BASELINE_BY_CODE.get(code);
    const ms = deadlineMs(deadline) as number;
    if (!baseline) {
      issues.push({
        path,
        message: seen.has(code)
          ? `${code} is added by this profile: set its deadline in its own entry under "obligations"`
          : `${JSON.stringify(code)} is not a baseline obligation`,
      });
    } else if (baseline.deadline === null) {
      issues.push({ path, message: `${code} is a standing obligation: it has no deadline to shorten` });
    } else {
      const floor = deadlineMs(baseline.deadline) as number;
      if (ms > floor) {
        issues.push({
          path,
          message: `${describeValue(deadline)} for ${code} is longer than the baseline deadline of ${formatSpan(floor)}: a profile may shorten deadlines, never lengthen them (the Protocol is the floor)`,
        });
      } else shortened.set(code, ms);
    }
  }
  const escalation = checkEscalation(profile, added, shortened, issues);
  const handover = checkHandover(profile.handover ?? [], issues);
  if (issues.length > 0) return { ok: false, issues };

  const entries = [
    ...BASELINE_OBLIGATIONS.map((definition) =>
      compileObligation(definition, 'baseline', shortened.get(definition.code) ?? null),
    ),
    ...added.map((entry) => {
      const definition: ObligationDefinition = {
        code: entry.code,
        summary: entry.summary,
        basis: entry.basis,
        trigger: entry.trigger,
        fulfilledBy: entry.fulfilledBy,
        ...(entry.referralWhen ? { referralWhen: entry.referralWhen } : {}),
        ...(entry.fulfilledWhen !== undefined ? { fulfilledWhen: entry.fulfilledWhen } : {}),
        deadline: entry.deadline,
        base: entry.base,
        ...(entry.blocks ? { blocks: entry.blocks } : {}),
      };
      return compileObligation(definition, 'profile', null);
    }),
  ];
  return assemble(profile.id, profile.name ?? profile.id, entries, profile.mandatoryConsularNotification ?? [], profile.retention ?? {}, escalation, handover);
}

/**
 * The profile's escalation limits; a per-obligation limit is refused, naming its entry, for a code
 * the profile does not have, a standing obligation, or a limit longer than the obligation's
 * deadline in force (an obligation overdue longer than it was given is the oversight body's).
 */
function checkEscalation(profile: JurisdictionProfile, added: readonly AddedObligation[], shortened: ReadonlyMap<string, number>, issues: FieldIssue[]): EscalationLimits {
  const afterOverdueMs = profile.escalation?.afterOverdue === undefined ? DEFAULT_ESCALATION_MS : (deadlineMs(profile.escalation.afterOverdue) as number);
  const byCode = new Map<string, number>();
  for (const [code, limit] of Object.entries(profile.escalation?.obligations ?? {})) {
    const path = `escalation.obligations.${code}`;
    const ms = deadlineMs(limit) as number;
    const baseline = BASELINE_BY_CODE.get(code);
    const own = added.find((entry) => entry.code === code);
    if (!baseline && !own) {
      issues.push({ path, message: `${JSON.stringify(code)} is not an obligation of this profile` });
      continue;
    }
    const deadline = baseline ? (shortened.get(code) ?? (baseline.deadline === null ? null : deadlineMs(baseline.deadline))) : own!.deadline === null ? null : deadlineMs(own!.deadline);
    if (deadline === null) {
      issues.push({ path, message: `${code} is a standing obligation: it is never overdue, so it has no escalation limit` });
    } else if (ms > deadline) {
      issues.push({
        path,
        message: `${describeValue(limit)} for ${code} is longer than its deadline of ${formatSpan(deadline)}: an obligation may stay overdue at most as long as it was given to be done`,
      });
    } else byCode.set(code, ms);
  }
  return { afterOverdueMs, byCode };
}

type HandoverEntry = NonNullable<JurisdictionProfile['handover']>[number];

/**
 * Handover rules as the server applies them, with issues pushed for a rule handing an agency to
 * itself, two rules for the same agency and area, and rules that hand cases round in a loop (which
 * agency is responsible would then depend on which rule ran last).
 */
function checkHandover(entries: readonly HandoverEntry[], issues: FieldIssue[]): HandoverRule[] {
  const rules = entries.map((entry, index): HandoverRule => ({
    index,
    from: entry.from,
    area: entry.area ?? null,
    to: entry.to,
    atOnce: Object.freeze([...new Set(entry.atOnce ?? [])]),
    atOnceWithinMs: entry.atOnceWithin === undefined ? DEFAULT_AT_ONCE_MS : (deadlineMs(entry.atOnceWithin) as number),
    withinMs: deadlineMs(entry.within) as number,
    keepAccessForMs: deadlineMs(entry.keepAccessFor) as number,
  }));
  const seen = new Map<string, number>();
  for (const rule of rules) {
    if (rule.atOnceWithinMs > rule.withinMs) {
      issues.push({ path: formatFieldPath(['handover', rule.index, 'atOnceWithin']), message: `"at once" (${formatSpan(rule.atOnceWithinMs)}) cannot be slower than everyone else's take-up (${formatSpan(rule.withinMs)})` });
    }
    if (rule.from === rule.to) {
      issues.push({ path: formatFieldPath(['handover', rule.index, 'to']), message: `${JSON.stringify(rule.to)} would hand its own cases over to itself` });
    }
    const key = JSON.stringify([rule.from, rule.area]);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      issues.push({
        path: formatFieldPath(['handover', rule.index, 'from']),
        message: `handover[${earlier}] already hands over the cases ${JSON.stringify(rule.from)} registers ${rule.area === null ? 'in any area' : `in ${JSON.stringify(rule.area)}`}`,
      });
    } else seen.set(key, rule.index);
  }
  // A loop: following rules from an agency leads back to it (A → B → A, or longer). Areas do not
  // break a loop: the receiving agency registers cases too, and responsibility must settle.
  const next = new Map<string, HandoverRule[]>();
  for (const rule of rules) next.set(rule.from, [...(next.get(rule.from) ?? []), rule]);
  const reported = new Set<number>();
  for (const start of rules) {
    if (start.from === start.to) continue;
    const path = findPath(next, start.to, start.from, new Set([start.from]));
    if (!path) continue;
    const loop = [start, ...path];
    if (loop.some((rule) => reported.has(rule.index))) continue;
    for (const rule of loop) reported.add(rule.index);
    issues.push({
      path: formatFieldPath(['handover', start.index, 'to']),
      message: `handover rules form a loop: ${[start.from, ...loop.map((rule) => rule.to)].map((name) => JSON.stringify(name)).join(' → ')} (handover[${loop.map((rule) => rule.index).join('], handover[')}])`,
    });
  }
  return rules;
}

/** The rules leading from agency `from` to agency `goal`, or undefined. */
function findPath(next: ReadonlyMap<string, HandoverRule[]>, from: string, goal: string, visited: Set<string>): HandoverRule[] | undefined {
  for (const rule of next.get(from) ?? []) {
    if (rule.to === goal) return [rule];
    if (visited.has(rule.to)) continue;
    visited.add(rule.to);
    const rest = findPath(next, rule.to, goal, visited);
    if (rest) return [rule, ...rest];
  }
  return undefined;
}

/** Checks and compiles a jurisdiction profile, or throws a ProfileError naming every bad entry. */
export function loadProfile(document: unknown): Profile {
  const result = checkProfile(document);
  if (!result.ok) {
    const id =
      document !== null && typeof document === 'object' && typeof (document as { id?: unknown }).id === 'string'
        ? (document as { id: string }).id
        : null;
    throw new ProfileError(id, result.issues);
  }
  return result.value;
}
