import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACCOMPANIMENTS,
  ASYLUM_CLAIM_STATES,
  CONSULAR_CHOICES,
  ENCOUNTER_TYPES,
  GUARDED_ACTIONS,
  OBSERVED_INDICATORS,
  SEXES,
  TRAFFICKING_INDICATORS,
  type ObservedIndicator,
} from '../codes.js';
import { assess } from './assess.js';
import { BASELINE_OBLIGATIONS } from './catalogue.js';
import { parseAssessInput, type AssessInput } from './input.js';
import { overrideFor } from './overrides.js';
import { deadlineMs } from './time.js';

// Properties of the engine over generated screenings: the floor never gives way, whatever the facts.

const HOUR = 3_600_000;
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const nullable = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });

const instant = (ms: number, fraction = 0) => new Date(ms + fraction).toISOString().replace('.000Z', 'Z');

const screening: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    encounteredMs: fc.integer({ min: Date.UTC(2024, 0, 1) / 1000, max: Date.UTC(2030, 0, 1) / 1000 }).map((s) => s * 1000),
    fraction: fc.constantFrom(0, 0, 0, 250, 999),
    encounterType: optional(fc.constantFrom(...ENCOUNTER_TYPES)),
    person: optional(
      fc.record(
        {
          sex: nullable(fc.constantFrom(...SEXES)),
          age: nullable(fc.integer({ min: 0, max: 130 })),
          ageClaimed: nullable(fc.integer({ min: 0, max: 130 })),
          ageDisputed: fc.boolean(),
          accompaniment: fc.constantFrom(...ACCOMPANIMENTS),
          nationality: fc.constantFrom('ER', 'IN', 'SY', 'AF', 'stateless', 'unknown'),
          languages: fc.uniqueArray(fc.constantFrom('ar', 'ti', 'fa', 'en'), { maxLength: 3 }),
        },
        { requiredKeys: [] },
      ),
    ),
    indicators: fc.uniqueArray(fc.constantFrom(...OBSERVED_INDICATORS), { maxLength: 8 }),
    detention: optional(
      fc.record({ startHours: fc.integer({ min: -6, max: 48 }), lengthHours: nullable(fc.integer({ min: 0, max: 96 })) }),
    ),
    consular: optional(fc.constantFrom(...CONSULAR_CHOICES)),
    asylumClaim: optional(fc.constantFrom(...ASYLUM_CLAIM_STATES)),
    bestInterestsDetermined: optional(fc.boolean()),
  })
  .map(({ encounteredMs, fraction, detention, ...rest }) => {
    const document: Record<string, unknown> = { encounteredAt: instant(encounteredMs, fraction) };
    for (const [key, value] of Object.entries(rest)) if (value !== undefined) document[key] = value;
    if (detention) {
      const since = encounteredMs + detention.startHours * HOUR;
      document.detention = {
        since: instant(since),
        until: detention.lengthHours === null ? null : instant(since + detention.lengthHours * HOUR),
      };
    }
    return document;
  });

function parse(document: unknown): AssessInput {
  const parsed = parseAssessInput(document);
  if (!parsed.ok) throw new Error(`generated input refused: ${JSON.stringify(parsed.issues)}`);
  return parsed.value;
}

const RUNS = { numRuns: 500 };
const DETENTION_BASED = new Set(BASELINE_OBLIGATIONS.filter((o) => o.base === 'detention').map((o) => o.code));
const DEADLINES = new Map(BASELINE_OBLIGATIONS.map((o) => [o.code, o.deadline === null ? null : deadlineMs(o.deadline)]));

describe('assess, over generated screenings', () => {
  it('accepts every generated screening', () => {
    fc.assert(fc.property(screening, (document) => parseAssessInput(document).ok), RUNS);
  });

  it('never removes an obligation when an indicator is added', () => {
    fc.assert(
      fc.property(screening, fc.constantFrom(...OBSERVED_INDICATORS), (document, added) => {
        const input = parse(document);
        const before = new Set(assess(input).obligations.map((o) => o.code));
        const indicators = new Set<ObservedIndicator>(input.indicators ?? []);
        indicators.add(added);
        const after = new Set(assess({ ...input, indicators: [...indicators] }).obligations.map((o) => o.code));
        for (const code of before) expect(after).toContain(code);
      }),
      RUNS,
    );
  });

  it('never allows return while fear_of_return holds, unless the claim is finally rejected and no torture is recorded', () => {
    const fearing = screening.map((document) => ({
      ...document,
      indicators: [...new Set([...((document.indicators as string[]) ?? []), 'fear_of_return'])],
    }));
    fc.assert(
      fc.property(fearing, (document) => {
        const input = parse(document);
        const output = assess(input);
        if (output.guards.return.allowed) {
          expect(input.asylumClaim).toBe('rejected_final');
          expect(output.flags).not.toContain('torture_survivor');
        }
        if (input.asylumClaim !== 'rejected_final' || output.flags.includes('torture_survivor')) {
          expect(output.guards.return.blockedBy).toContain('protection.non_refoulement');
        }
      }),
      RUNS,
    );
  });

  it('gives every listed obligation a non-empty legal basis', () => {
    fc.assert(
      fc.property(screening, (document) => {
        for (const obligation of assess(parse(document)).obligations) {
          expect(obligation.basis.length).toBeGreaterThan(0);
          for (const basis of obligation.basis) expect(basis.trim()).not.toBe('');
        }
      }),
      RUNS,
    );
  });

  it('puts every due time at or after its base, at exactly the deadline (to the second)', () => {
    fc.assert(
      fc.property(screening, (document) => {
        const input = parse(document);
        for (const obligation of assess(input).obligations) {
          const deadline = DEADLINES.get(obligation.code);
          if (deadline === null) {
            expect(obligation.dueBy).toBeNull();
            continue;
          }
          expect(obligation.dueBy).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
          const fromDetention = DETENTION_BASED.has(obligation.code) && input.detention?.since;
          const base = Date.parse(fromDetention ? (input.detention?.since as string) : input.encounteredAt);
          const due = Date.parse(obligation.dueBy as string);
          expect(due).toBeGreaterThanOrEqual(base);
          expect(due).toBe(Math.floor((base + (deadline as number)) / 1000) * 1000);
        }
      }),
      RUNS,
    );
  });

  it('always answers the four guards, and refuses charging for having been smuggled', () => {
    fc.assert(
      fc.property(screening, (document) => {
        const { guards } = assess(parse(document));
        expect(Object.keys(guards).sort()).toEqual([...GUARDED_ACTIONS].sort());
        for (const guard of Object.values(guards)) expect(guard.allowed).toBe(guard.blockedBy.length === 0);
        expect(guards.charge_for_being_smuggled.allowed).toBe(false);
      }),
      RUNS,
    );
  });

  it('never allows detaining a child', () => {
    fc.assert(
      fc.property(screening, (document) => {
        const output = assess(parse(document));
        if (output.flags.includes('child')) expect(output.guards.detain.blockedBy).toEqual(['children.no_detention']);
      }),
      RUNS,
    );
  });

  it('makes referrals only for open obligations, each with the earliest due time of those it serves', () => {
    fc.assert(
      fc.property(screening, (document) => {
        const output = assess(parse(document));
        const byCode = new Map(output.obligations.map((o) => [o.code, o]));
        const seen = new Set<string>();
        for (const referral of output.referrals) {
          expect(seen.has(referral.service)).toBe(false);
          seen.add(referral.service);
          const served = referral.obligations.map((code) => byCode.get(code));
          for (const obligation of served) expect(obligation?.status).toBe('open');
          const dues = served.map((o) => o?.dueBy).filter((due): due is string => typeof due === 'string').map(Date.parse);
          if (dues.length > 0) expect(Date.parse(referral.dueBy as string)).toBe(Math.min(...dues));
        }
        for (const obligation of output.obligations) {
          const referral = obligation.fulfilledBy.referral;
          const named = referral === undefined ? [] : typeof referral === 'string' ? [referral] : referral;
          if (obligation.status === 'open') for (const service of named) expect(seen).toContain(service);
        }
      }),
      RUNS,
    );
  });

  it('is a function of its input: the same screening gives the same assessment', () => {
    fc.assert(
      fc.property(screening, (document) => {
        const input = parse(document);
        expect(assess(input)).toEqual(assess(structuredClone(input)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('overrides, over generated screenings', () => {
  // DOMAIN.md section 6, read off the facts the assessment states rather than off the guard's
  // blockers, so the rule and the engine are checked against each other.
  it('admits an override exactly where section 6 allows one, and of the kind it says', () => {
    fc.assert(
      fc.property(screening, (document) => {
        const input = parse(document);
        const output = assess(input);
        const status = (code: string) => output.obligations.find((o) => o.code === code)?.status;
        const child = output.flags.includes('child');
        const trafficked = output.flags.some((flag) => (TRAFFICKING_INDICATORS as readonly string[]).includes(flag));

        expect(overrideFor('charge_for_being_smuggled', output.guards.charge_for_being_smuggled)).toEqual({
          override: 'never',
          forbiddenBy: ['protection.non_criminalization'],
        });

        const confidential = status('protection.confidentiality') !== undefined && input.consular !== 'requested';
        expect(overrideFor('share_with_origin_state', output.guards.share_with_origin_state)).toEqual(
          confidential ? { override: 'never', forbiddenBy: ['protection.confidentiality'] } : { override: 'not_needed', forbiddenBy: [] },
        );

        const refouling = status('protection.non_refoulement') === 'open';
        const otherwiseRefused = (child && status('children.best_interests') === 'open') || trafficked;
        expect(overrideFor('return', output.guards.return)).toEqual(
          refouling
            ? { override: 'never', forbiddenBy: ['protection.non_refoulement'] }
            : otherwiseRefused
              ? { override: 'reason', forbiddenBy: [] }
              : { override: 'not_needed', forbiddenBy: [] },
        );

        expect(overrideFor('detain', output.guards.detain)).toEqual(child ? { override: 'last_resort', forbiddenBy: [] } : { override: 'not_needed', forbiddenBy: [] });
      }),
      RUNS,
    );
  });

  it('leaves the assessment as the contract states it: asking about overrides adds nothing to it', () => {
    fc.assert(
      fc.property(screening, (document) => {
        const output = assess(parse(document));
        const before = JSON.stringify(output);
        for (const action of GUARDED_ACTIONS) overrideFor(action, output.guards[action]);
        expect(JSON.stringify(output)).toBe(before);
        expect(Object.keys(output)).toEqual(['flags', 'obligations', 'referrals', 'guards']);
        for (const guard of Object.values(output.guards)) expect(Object.keys(guard)).toEqual(['allowed', 'blockedBy']);
      }),
      { numRuns: 200 },
    );
  });
});
