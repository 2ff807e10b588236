import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assess } from './assess.js';
import { explain, renderExplanation, type Explanation } from './explain.js';
import { parseAssessInput, type AssessInput } from './input.js';
import { loadProfile } from './profiles.js';

const vignettesFile = process.env.HAVEN_VIGNETTES ?? fileURLToPath(new URL('../../../../../shared/data/vignettes.json', import.meta.url));
const vignettes = (JSON.parse(readFileSync(vignettesFile, 'utf8')) as { vignettes: { id: string; input: unknown }[] }).vignettes;

function input(document: Record<string, unknown>): AssessInput {
  const parsed = parseAssessInput({ encounteredAt: '2026-03-01T06:00:00Z', ...document });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

const reasonsFor = (explanation: Explanation, code: string) =>
  explanation.obligations.find((obligation) => obligation.code === code)?.because.join(' | ');

describe('explain', () => {
  it('explains every obligation and every refused guard of every vignette in words', () => {
    for (const vignette of vignettes) {
      const parsed = parseAssessInput(vignette.input);
      if (!parsed.ok) throw new Error(vignette.id);
      const explanation = explain(parsed.value);
      const output = assess(parsed.value);
      expect(explanation.obligations.map((o) => o.code)).toEqual(output.obligations.map((o) => o.code));
      for (const obligation of explanation.obligations) {
        expect(obligation.because.length, `${vignette.id} ${obligation.code}`).toBeGreaterThan(0);
        // The baseline's rules are all put in words: none falls back to raw JSON Logic.
        for (const reason of obligation.because) expect(reason).not.toContain('the condition {');
        expect(obligation.fulfilledBy).not.toBe('');
      }
      for (const guard of explanation.guards) {
        expect(guard.allowed).toBe(output.guards[guard.action].allowed);
        for (const blocker of guard.blockedBy) expect(blocker.because.length).toBeGreaterThan(0);
      }
    }
  });

  it('says which facts made a child: the age, or the claim given the benefit of the doubt', () => {
    expect(reasonsFor(explain(input({ person: { age: 15 } })), 'children.best_interests')).toBe('the person is a child (age 15)');
    expect(reasonsFor(explain(input({ person: { ageClaimed: 16, ageDisputed: true } })), 'children.best_interests')).toContain(
      'they say they are 16 and their age is disputed (benefit of the doubt)',
    );
  });

  it('names every indicator that triggered an obligation', () => {
    const explanation = explain(input({ indicators: ['crime_victim', 'retaliation_risk'] }));
    expect(reasonsFor(explanation, 'protect.from_violence')).toBe(
      'the person is at risk of retaliation by the smugglers (recorded at screening) | the person is a victim of crime (recorded at screening)',
    );
  });

  it('traces being endangered to a rescue at sea, and asylum intent to the claim', () => {
    expect(reasonsFor(explain(input({ encounterType: 'rescue_at_sea' })), 'assist.basic_needs')).toBe(
      'the person was rescued at sea, so their life or safety was endangered',
    );
    expect(reasonsFor(explain(input({ asylumClaim: 'lodged' })), 'protection.confidentiality')).toBe(
      'the asylum claim is "lodged", which counts as asylum intent',
    );
  });

  it('explains why an obligation is already fulfilled, and from when its deadline runs', () => {
    const explanation = explain(input({ indicators: ['fear_of_return'], asylumClaim: 'rejected_final', detention: { since: '2026-03-01T07:00:00Z' } }));
    const refoulement = explanation.obligations.find((o) => o.code === 'protection.non_refoulement');
    expect(refoulement?.statusBecause).toEqual(['the asylum claim is "rejected_final"', 'it is not recorded that the person has survived torture']);
    const consular = explanation.obligations.find((o) => o.code === 'consular.inform_rights');
    expect(consular?.deadline).toBe('24 h after the start of the detention (2026-03-01T07:00:00Z)');
  });

  it('says what refuses each guard and why, and what could have but does not', () => {
    const explanation = explain(input({ person: { age: 12 }, indicators: ['fear_of_return'], asylumClaim: 'rejected_final' }));
    const guard = (action: string) => explanation.guards.find((g) => g.action === action);
    expect(guard('return')?.blockedBy).toEqual([
      { obligation: 'children.best_interests', because: ['children.best_interests is open, because the person is a child (age 12)'] },
    ]);
    expect(guard('return')?.notBlocking[0]?.because[0]).toContain('protection.non_refoulement is fulfilled: the asylum claim is "rejected_final"');
    expect(guard('detain')?.blockedBy[0]?.because).toEqual(['the person is a child (age 12)']);
    expect(guard('share_with_origin_state')?.blockedBy[0]?.because).toContain('the consular choice is "not_asked", not "requested"');
  });

  it('explains a mandatory notification blocked by confidentiality, and an added obligation', () => {
    const profile = loadProfile({
      id: 'test',
      mandatoryConsularNotification: ['IN'],
      obligations: [
        {
          code: 'sop.legal_aid',
          summary: 'Refer the detained person to legal aid.',
          basis: ['SOP 1'],
          trigger: { var: 'detained' },
          fulfilledBy: { referral: 'legal_aid' },
          deadline: 'PT12H',
          base: 'detention',
        },
      ],
      deadlines: { 'info.rights': 'PT6H' },
    });
    const detainedNational = input({ person: { nationality: 'IN' }, detention: { since: '2026-03-01T07:00:00Z' } });
    const explanation = explain(detainedNational, profile);
    expect(reasonsFor(explanation, 'consular.notify_post')).toContain('the nationality "IN" is on the test profile’s mandatory consular notification list');
    expect(reasonsFor(explanation, 'sop.legal_aid')).toBe('the person is detained');
    expect(explanation.obligations.find((o) => o.code === 'info.rights')?.deadline).toContain('shortened by the profile from the baseline 24 h');
  });

  it('renders text an officer can read, with every obligation, referral and guard', () => {
    const explanation = explain(input({ person: { sex: 'female', age: 15, accompaniment: 'unaccompanied', languages: ['ti'] }, indicators: ['fear_of_return'] }));
    const text = renderExplanation(explanation);
    for (const obligation of explanation.obligations) expect(text).toContain(`${obligation.code}: ${obligation.status.toUpperCase()}`);
    expect(text).toContain('- guardianship (guardianship), by 2026-03-04T06:00:00Z, for children.guardian');
    expect(text).toContain('- return (removal to the country of origin or a third country): REFUSED');
    expect(text).toContain('Why: The person is a child travelling without any adult responsible for them (unaccompanied).');
    expect(text).toContain('in a language they understand (ti)');
    expect(text).not.toContain('undefined');
  });
});
