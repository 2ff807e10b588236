import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assess } from './assess.js';
import { parseAssessInput } from './input.js';

// The worked examples of DOMAIN.md section 9, from the shared data next to the repository
// (HAVEN_VIGNETTES points elsewhere). Lists compare as sets and times as instants.

const file = process.env.HAVEN_VIGNETTES ?? fileURLToPath(new URL('../../../../../shared/data/vignettes.json', import.meta.url));

interface ExpectedObligation {
  code: string;
  status: string;
  dueBy: string | null;
}
interface ExpectedReferral {
  service: string;
  obligations: string[];
  dueBy: string | null;
}
interface Vignette {
  id: string;
  story: string;
  input: unknown;
  expected: {
    flags: string[];
    obligations: ExpectedObligation[];
    referrals: ExpectedReferral[];
    guards: Record<string, { allowed: boolean; blockedBy: string[] }>;
  };
}

const vignettes = (JSON.parse(readFileSync(file, 'utf8')) as { vignettes: Vignette[] }).vignettes;

const instant = (time: string | null) => (time === null ? null : Date.parse(time));
const sorted = (values: readonly string[]) => [...values].sort();
const byKey = <T>(items: readonly T[], key: (item: T) => string) =>
  [...items].sort((a, b) => key(a).localeCompare(key(b)));

describe('vignettes.json', () => {
  it('has worked examples to check', () => {
    expect(vignettes.length).toBeGreaterThan(0);
  });

  for (const vignette of vignettes) {
    describe(`${vignette.id}: ${vignette.story}`, () => {
      const parsed = parseAssessInput(vignette.input);
      const output = parsed.ok ? assess(parsed.value) : null;

      it('accepts the input', () => {
        expect(parsed.ok ? [] : parsed.issues).toEqual([]);
      });

      it('derives exactly the expected flags', () => {
        expect(sorted(output?.flags ?? [])).toEqual(sorted(vignette.expected.flags));
      });

      it('lists exactly the expected obligations, with their status and due time', () => {
        const actual = (output?.obligations ?? []).map(({ code, status, dueBy }) => ({ code, status, dueBy: instant(dueBy) }));
        const expected = vignette.expected.obligations.map(({ code, status, dueBy }) => ({ code, status, dueBy: instant(dueBy) }));
        expect(byKey(actual, (o) => o.code)).toEqual(byKey(expected, (o) => o.code));
      });

      it('gives every obligation a basis and what fulfils it', () => {
        for (const obligation of output?.obligations ?? []) {
          expect(obligation.basis.length).toBeGreaterThan(0);
          expect(obligation.fulfilledBy).toBeTypeOf('object');
        }
      });

      it('makes exactly the expected referrals', () => {
        const shape = (r: ExpectedReferral) => ({ service: r.service, obligations: sorted(r.obligations), dueBy: instant(r.dueBy) });
        const actual = (output?.referrals ?? []).map(shape);
        const expected = vignette.expected.referrals.map(shape);
        expect(byKey(actual, (r) => r.service)).toEqual(byKey(expected, (r) => r.service));
      });

      it('answers the four guards as expected', () => {
        const shape = (guards: Record<string, { allowed: boolean; blockedBy: string[] }>) =>
          Object.fromEntries(
            Object.entries(guards).map(([action, guard]) => [action, { allowed: guard.allowed, blockedBy: sorted(guard.blockedBy) }]),
          );
        expect(shape(output?.guards ?? {})).toEqual(shape(vignette.expected.guards));
      });
    });
  }
});
