import { z } from 'zod';
import {
  ACCOMPANIMENTS,
  ASYLUM_CLAIM_STATES,
  CONSULAR_CHOICES,
  DERIVED_INDICATORS,
  ENCOUNTER_TYPES,
  OBSERVED_INDICATORS,
  SEXES,
} from '../codes.js';
import { describeValue, enumOf, issuesFromZod, type CheckResult } from './issues.js';

// The input of `haven assess` (DOMAIN.md section 9). Shared with the server's HTTP API, so it knows
// nothing of the command line. Every field but `encounteredAt` is optional; null means the same as
// absent. Anything the format does not know is refused rather than ignored: a typo in an
// indicator must never silently drop an obligation.

const DERIVED = new Set<string>(DERIVED_INDICATORS);

/** Oldest age accepted; anything above is a typing error, not a person. */
export const MAX_AGE = 130;

const instant = (what: string) =>
  z.iso.datetime({
    offset: true,
    error: (issue) =>
      `${describeValue(issue.input)} is not a valid ${what}: expected an RFC 3339 date-time such as 2026-03-01T06:00:00Z`,
  });

const age = (what: string) =>
  z
    .number({ error: (issue) => `${what} must be a number of years, got ${describeValue(issue.input)}` })
    .min(0, { error: (issue) => `impossible ${what} ${describeValue(issue.input)}: it cannot be negative` })
    .max(MAX_AGE, {
      error: (issue) => `impossible ${what} ${describeValue(issue.input)}: it must be at most ${MAX_AGE}`,
    });

const oneOf = enumOf;

const observedIndicator = z.enum(OBSERVED_INDICATORS, {
  error: (issue) =>
    typeof issue.input === 'string' && DERIVED.has(issue.input)
      ? `${describeValue(issue.input)} is derived from the person record (age, sex, accompaniment) and is never entered by hand`
      : `${describeValue(issue.input)} is not a known screening indicator`,
});

const nationality = z
  .string({ error: (issue) => `nationality must be a string, got ${describeValue(issue.input)}` })
  .regex(/^(?:[A-Z]{2}|stateless|unknown)$/, {
    error: (issue) =>
      `${describeValue(issue.input)} is not an ISO 3166-1 alpha-2 country code in capitals (such as ER), "stateless" or "unknown"`,
  });

const language = z
  .string({ error: (issue) => `a language must be a string, got ${describeValue(issue.input)}` })
  .regex(/^[a-z]{2,3}$/, {
    error: (issue) => `${describeValue(issue.input)} is not an ISO 639 language code (two or three lower-case letters, such as ti)`,
  });

export const assessPersonSchema = z.strictObject({
  sex: oneOf(SEXES, 'sex').nullish(),
  age: age('age').nullish(),
  ageClaimed: age('claimed age').nullish(),
  ageDisputed: z.boolean({ error: (issue) => `expected true or false, got ${describeValue(issue.input)}` }).nullish(),
  accompaniment: oneOf(ACCOMPANIMENTS, 'accompaniment').nullish(),
  nationality: nationality.nullish(),
  languages: z.array(language).nullish(),
});

export const assessDetentionSchema = z.strictObject({
  since: instant('detention start').nullish(),
  until: instant('detention end').nullish(),
});

export const assessInputSchema = z
  .strictObject({
    encounteredAt: instant('encounter time'),
    encounterType: oneOf(ENCOUNTER_TYPES, 'encounter type').nullish(),
    person: assessPersonSchema.nullish(),
    indicators: z.array(observedIndicator).nullish(),
    detention: assessDetentionSchema.nullish(),
    consular: oneOf(CONSULAR_CHOICES, 'consular choice').nullish(),
    asylumClaim: oneOf(ASYLUM_CLAIM_STATES, 'asylum claim state').nullish(),
    bestInterestsDetermined: z
      .boolean({ error: (issue) => `expected true or false, got ${describeValue(issue.input)}` })
      .nullish(),
    profile: z
      .string({ error: (issue) => `expected the name of an SOP profile, got ${describeValue(issue.input)}` })
      .min(1, { error: 'expected the name of an SOP profile, got an empty string' })
      .nullish(),
  })
  .superRefine((input, ctx) => {
    const since = input.detention?.since;
    const until = input.detention?.until;
    if (until && !since) {
      ctx.addIssue({
        code: 'custom',
        path: ['detention', 'until'],
        message: `detention end ${describeValue(until)} is given without a detention start (detention.since)`,
      });
    } else if (until && since && Date.parse(until) < Date.parse(since)) {
      ctx.addIssue({
        code: 'custom',
        path: ['detention', 'until'],
        message: `detention end ${describeValue(until)} is before its start ${describeValue(since)}`,
      });
    }
  });

/** A validated `haven assess` input. Times stay RFC 3339 strings, exactly as given. */
export type AssessInput = z.infer<typeof assessInputSchema>;
export type AssessPersonInput = z.infer<typeof assessPersonSchema>;

export interface ParseInputOptions {
  /** The id of the profile the caller will assess against; an input naming another one is refused. */
  profileId?: string;
}

/** Validates a decoded JSON document as `assess` input: the parsed input, or every issue with its path. */
export function parseAssessInput(document: unknown, options: ParseInputOptions = {}): CheckResult<AssessInput> {
  const result = assessInputSchema.safeParse(document);
  if (!result.success) return { ok: false, issues: issuesFromZod(result.error, document) };
  const named = result.data.profile;
  if (options.profileId !== undefined && named != null && named !== options.profileId) {
    return {
      ok: false,
      issues: [
        {
          path: 'profile',
          message: `the input asks for profile ${describeValue(named)} but the profile in use is ${describeValue(options.profileId)}`,
        },
      ],
    };
  }
  return { ok: true, value: result.data };
}
