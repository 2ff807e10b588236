import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OBLIGATION_CODES } from '../codes.js';
import { BASELINE_GUARDS, BASELINE_OBLIGATIONS } from './catalogue.js';
import { applyRule, checkRule, compileRule, referencedObligations, truthy, type JsonLogicRule } from './logic.js';

// The compiled rules must answer exactly as json-logic-js does, for any rule and any data.

const facts = {
  flags: ['child', 'pregnant', 'fear_of_return'],
  detained: true,
  detentionEnded: false,
  consular: 'requested',
  asylumClaim: 'none',
  age: 15,
  ageClaimed: null,
  nationality: 'ER',
  languages: [],
  obligations: ['info.rights'],
  nested: { depth: { value: 3 } },
};

const leaf: fc.Arbitrary<JsonLogicRule> = fc.oneof(
  fc.constantFrom<JsonLogicRule>(true, false, null, 0, 1, 15, 18, '', 'child', 'pregnant', 'requested', 'ER', []),
  fc.constantFrom<JsonLogicRule>(
    { var: 'flags' },
    { var: 'detained' },
    { var: 'detentionEnded' },
    { var: 'consular' },
    { var: 'age' },
    { var: 'ageClaimed' },
    { var: 'languages' },
    { var: 'missing_fact' },
    { var: ['missing_fact', 'fallback'] },
    { var: 'nested.depth.value' },
    { var: 'nested.nowhere.value' },
    { var: '' },
    { var: [] },
  ),
);

const rule: fc.Arbitrary<JsonLogicRule> = fc.letrec<{ rule: JsonLogicRule }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ and: fc.array(tie('rule'), { maxLength: 3 }) }),
    fc.record({ or: fc.array(tie('rule'), { maxLength: 3 }) }),
    fc.record({ '!': tie('rule') }),
    fc.record({ '!!': fc.array(tie('rule'), { maxLength: 1 }) }),
    fc.record({ in: fc.tuple(tie('rule'), tie('rule')) }),
    fc.record({ in: fc.tuple(fc.constantFrom('child', 'pregnant', 'witness', 'ER'), fc.constantFrom({ var: 'flags' }, { var: 'nationality' }, { var: 'age' })) }),
    fc.record({ or: fc.array(fc.constantFrom<JsonLogicRule>({ in: ['child', { var: 'flags' }] }, { in: ['witness', { var: 'flags' }] }), { minLength: 2, maxLength: 3 }) }),
    fc.record({ if: fc.array(tie('rule'), { maxLength: 5 }) }),
    fc.record({ '==': fc.tuple(tie('rule'), tie('rule')) }),
    fc.record({ '===': fc.tuple(tie('rule'), tie('rule')) }),
    fc.record({ '!=': fc.tuple(tie('rule'), tie('rule')) }),
    fc.record({ '<': fc.array(tie('rule'), { minLength: 2, maxLength: 3 }) }),
    fc.record({ '<=': fc.array(tie('rule'), { minLength: 2, maxLength: 3 }) }),
    fc.record({ '>': fc.tuple(tie('rule'), tie('rule')) }),
    fc.record({ '>=': fc.tuple(tie('rule'), tie('rule')) }),
    fc.record({ some: fc.tuple(fc.constant<JsonLogicRule>({ var: 'flags' }), fc.constant<JsonLogicRule>({ '==': [{ var: '' }, 'child'] })) }),
    fc.record({ '+': fc.array(tie('rule'), { maxLength: 3 }) }),
    fc.record({ missing: fc.constantFrom<JsonLogicRule>(['age', 'ageClaimed'], 'consular') }),
    fc.array(tie('rule'), { maxLength: 2 }),
  ),
})).rule;

const data: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(facts),
  fc.constant({ ...facts, flags: [], detained: false, age: 40 }),
  fc.constant({ ...facts, flags: 'child-pregnant' }),
  fc.constant(null),
  fc.constant({}),
);

describe('compileRule', () => {
  it('answers exactly as json-logic-js for any rule and data', () => {
    fc.assert(
      fc.property(rule, data, (logic, context) => {
        expect(compileRule(logic)(context)).toEqual(applyRule(logic, context));
      }),
      { numRuns: 3000 },
    );
  });

  it('answers as json-logic-js for every rule of the catalogue', () => {
    const rules = [
      ...BASELINE_OBLIGATIONS.flatMap((o) => [o.trigger, o.fulfilledWhen ?? null, ...Object.values(o.referralWhen ?? {})]),
      ...BASELINE_GUARDS.flatMap((g) => g.blockers.map((b) => b.when)),
    ] as JsonLogicRule[];
    for (const logic of rules) expect(compileRule(logic)(facts)).toEqual(applyRule(logic, facts));
  });

  it('treats an empty list as false, as JSON Logic does', () => {
    expect(truthy([])).toBe(false);
    expect(compileRule({ '!': [[]] })(null)).toBe(true);
  });
});

describe('checkRule', () => {
  const context = { obligationCodes: new Set<string>(OBLIGATION_CODES) };

  it('accepts every rule of the catalogue', () => {
    for (const obligation of BASELINE_OBLIGATIONS) {
      expect(checkRule(obligation.trigger, context)).toEqual([]);
      if (obligation.fulfilledWhen !== undefined) expect(checkRule(obligation.fulfilledWhen, context)).toEqual([]);
      for (const when of Object.values(obligation.referralWhen ?? {})) expect(checkRule(when as JsonLogicRule, context)).toEqual([]);
    }
    for (const guard of BASELINE_GUARDS) {
      for (const blocker of guard.blockers) expect(checkRule(blocker.when, { ...context, guard: true })).toEqual([]);
    }
  });

  it('names what is wrong', () => {
    expect(checkRule({ in: ['pregnant', { var: 'flag' }] }, context)[0]).toContain('unknown fact "flag"');
    expect(checkRule({ in: ['pregant', { var: 'flags' }] }, context)).toEqual(['"pregant" is not a known value of the fact "flags"']);
    expect(checkRule({ in: [{ var: 'asylumClaim' }, ['lodged', 'lodge']] }, context)).toEqual([
      '"lodge" is not a known value of the fact "asylumClaim"',
    ]);
    expect(checkRule({ '==': ['rescue', { var: 'encounterType' }] }, context)).toEqual([
      '"rescue" is not a known value of the fact "encounterType"',
    ]);
    expect(checkRule({ log: 1 }, context)).toEqual(['unknown operation "log"']);
    expect(checkRule({ a: 1, b: 2 }, context)[0]).toContain('exactly one operation');
  });

  it('lets var name the item inside some, all, none, map, filter and reduce', () => {
    expect(checkRule({ some: [{ var: 'flags' }, { '==': [{ var: '' }, 'child'] }] }, context)).toEqual([]);
  });
});

describe('referencedObligations', () => {
  it('finds the obligations a rule tests', () => {
    expect(referencedObligations({ and: [{ var: 'detained' }, { '!': { in: ['protection.confidentiality', { var: 'obligations' }] } }] })).toEqual([
      'protection.confidentiality',
    ]);
    expect(referencedObligations({ in: ['child', { var: 'flags' }] })).toEqual([]);
  });
});
