import { describe, expect, it } from 'vitest';
import { GUARDED_ACTIONS } from '../codes.js';
import { assess } from './assess.js';
import { BASELINE_GUARDS } from './catalogue.js';
import { explain, renderExplanation } from './explain.js';
import { parseAssessInput, type AssessInput } from './input.js';
import { renderObligationsDoc } from './obligations-doc.js';
import { OVERRIDE_RULES, overrideFor } from './overrides.js';
import { loadProfile } from './profiles.js';

// DOMAIN.md section 6: which refusals admit an override, and how.

const AT = '2026-03-01T06:00:00Z';

function input(document: Record<string, unknown>): AssessInput {
  const parsed = parseAssessInput({ encounteredAt: AT, ...document });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

describe('overrideFor', () => {
  it('never admits an override of a charge for having been smuggled', () => {
    const { guards } = assess(input({}));
    expect(overrideFor('charge_for_being_smuggled', guards.charge_for_being_smuggled)).toEqual({ override: 'never', forbiddenBy: ['protection.non_criminalization'] });
  });

  it('never admits sharing with the State of origin while confidentiality stands; the person’s own request is no override', () => {
    const fearing = assess(input({ indicators: ['fear_of_return'] }));
    expect(overrideFor('share_with_origin_state', fearing.guards.share_with_origin_state)).toEqual({ override: 'never', forbiddenBy: ['protection.confidentiality'] });
    const asking = assess(input({ indicators: ['fear_of_return'], consular: 'requested' }));
    expect(overrideFor('share_with_origin_state', asking.guards.share_with_origin_state)).toEqual({ override: 'not_needed', forbiddenBy: [] });
  });

  it('never admits a return while non-refoulement stands, even beside blockers that do admit one', () => {
    const { guards } = assess(input({ person: { age: 15, accompaniment: 'unaccompanied' }, indicators: ['fear_of_return', 'trafficking_debt_bondage'] }));
    expect(guards.return.blockedBy).toEqual(['protection.non_refoulement', 'children.best_interests', 'trafficking.referral']);
    expect(overrideFor('return', guards.return)).toEqual({ override: 'never', forbiddenBy: ['protection.non_refoulement'] });
  });

  it('admits a written override of a return refused only for a missing best-interests determination or a trafficking referral', () => {
    const child = assess(input({ person: { age: 15, accompaniment: 'separated' } }));
    expect(child.guards.return.blockedBy).toEqual(['children.best_interests']);
    expect(overrideFor('return', child.guards.return)).toEqual({ override: 'reason', forbiddenBy: [] });
    const trafficked = assess(input({ indicators: ['trafficking_forced_labour'] }));
    expect(overrideFor('return', trafficked.guards.return)).toEqual({ override: 'reason', forbiddenBy: [] });
    const rejected = assess(input({ indicators: ['fear_of_return'], asylumClaim: 'rejected_final' }));
    expect(overrideFor('return', rejected.guards.return)).toEqual({ override: 'not_needed', forbiddenBy: [] });
  });

  it('admits the detention of a child only as a measure of last resort', () => {
    const { guards } = assess(input({ person: { ageClaimed: 16 } }));
    expect(overrideFor('detain', guards.detain)).toEqual({ override: 'last_resort', forbiddenBy: [] });
    expect(overrideFor('detain', assess(input({ person: { age: 30 } })).guards.detain)).toEqual({ override: 'not_needed', forbiddenBy: [] });
  });

  it('has a rule for every blocker of every baseline guard', () => {
    for (const guard of BASELINE_GUARDS) {
      for (const blocker of guard.blockers) expect(OVERRIDE_RULES[guard.action].blockers[blocker.obligation], `${guard.action} / ${blocker.obligation}`).toBeDefined();
    }
    expect(Object.keys(OVERRIDE_RULES).sort()).toEqual([...GUARDED_ACTIONS].sort());
  });
});

describe('an obligation a profile adds to refuse an action', () => {
  const standing = { summary: 'Held back by the SOP.', basis: ['SOP 4'], trigger: true, fulfilledBy: { standing: true }, deadline: null, base: 'encounter' };
  const profile = loadProfile({
    id: 'added-blockers',
    obligations: [
      { ...standing, code: 'sop.no_sharing', blocks: ['share_with_origin_state'] },
      { ...standing, code: 'sop.hold_return', blocks: ['return', 'detain'] },
    ],
  });

  it('admits no override of sharing, like the baseline’s confidentiality', () => {
    const { guards } = assess(input({}), profile);
    expect(guards.share_with_origin_state.blockedBy).toEqual(['sop.no_sharing']);
    expect(overrideFor('share_with_origin_state', guards.share_with_origin_state)).toEqual({ override: 'never', forbiddenBy: ['sop.no_sharing'] });
  });

  it('admits a written override of the other actions it refuses, unless a baseline protection forbids it', () => {
    const adult = assess(input({ person: { age: 30 } }), profile);
    expect(overrideFor('return', adult.guards.return)).toEqual({ override: 'reason', forbiddenBy: [] });
    expect(overrideFor('detain', adult.guards.detain)).toEqual({ override: 'reason', forbiddenBy: [] });
    const child = assess(input({ person: { age: 12 }, indicators: ['fear_of_return'] }), profile);
    expect(overrideFor('detain', child.guards.detain)).toEqual({ override: 'last_resort', forbiddenBy: [] });
    expect(overrideFor('return', child.guards.return)).toEqual({ override: 'never', forbiddenBy: ['protection.non_refoulement'] });
  });
});

describe('the explanation and the catalogue say it', () => {
  it('says in words who may override each refused guard', () => {
    const explanation = explain(input({ person: { age: 15, accompaniment: 'unaccompanied' }, indicators: ['fear_of_return'] }));
    const guard = (action: string) => explanation.guards.find((g) => g.action === action)!;
    expect(guard('return').override).toMatchObject({ override: 'never', forbiddenBy: ['protection.non_refoulement'] });
    expect(guard('return').override.because[0]).toContain('only a final rejection of the asylum claim');
    expect(guard('detain').override.override).toBe('last_resort');
    const text = renderExplanation(explanation);
    expect(text).toContain('No one may override it (protection.non_refoulement): no one is returned to a place where they fear persecution or torture');
    expect(text).toContain('No one may override it (protection.confidentiality)');
    expect(text).toContain('No one may override it (protection.non_criminalization): no one is prosecuted for having been smuggled (art. 5).');
    expect(text).toContain('Override: a child is detained only as a measure of last resort');
    expect(text).not.toContain('A refused action can be overridden only by a supervisor');
  });

  it('puts the override rule beside every guard in docs/obligations.md', () => {
    const doc = renderObligationsDoc();
    expect(doc).toContain('| `charge_for_being_smuggled` | a criminal charge for the fact of having been smuggled | `protection.non_criminalization` | every person | **never**: no one is prosecuted for having been smuggled (art. 5) |');
    expect(doc).toMatch(/\| `return` \|[^\n]*\| `children\.best_interests` \|[^\n]*\| yes: a supervisor may override it with a written reason/);
    expect(doc).toMatch(/\| `detain` \|[^\n]*\| `children\.no_detention` \|[^\n]*\| last resort only: a child is detained only as a measure of last resort/);
    expect(doc).toContain('- `share_with_origin_state`: **never**:');
  });
});
