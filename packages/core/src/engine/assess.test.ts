import { describe, expect, it } from 'vitest';
import { GUARDED_ACTIONS, TRAFFICKING_INDICATORS } from '../codes.js';
import { assess, type Assessment, type ObligationResult } from './assess.js';
import { parseAssessInput } from './input.js';

const AT = '2026-03-01T06:00:00Z';

function run(document: Record<string, unknown>): Assessment {
  const parsed = parseAssessInput({ encounteredAt: AT, ...document });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return assess(parsed.value);
}

const codes = (output: Assessment) => output.obligations.map((obligation) => obligation.code);
const obligation = (output: Assessment, code: string): ObligationResult | undefined =>
  output.obligations.find((item) => item.code === code);
const services = (output: Assessment) => output.referrals.map((referral) => referral.service);

describe('rule 1: flags', () => {
  it('flags a child under 18', () => {
    expect(run({ person: { age: 17 } }).flags).toEqual(['child']);
    expect(run({ person: { age: 18 } }).flags).toEqual([]);
  });

  it('gives the benefit of the doubt to a claimed child whose age is unknown', () => {
    expect(run({ person: { ageClaimed: 16 } }).flags).toEqual(['child']);
    expect(run({ person: { age: null, ageClaimed: 16 } }).flags).toEqual(['child']);
  });

  it('gives the benefit of the doubt to a claimed child whose age is disputed', () => {
    expect(run({ person: { age: 22, ageClaimed: 16, ageDisputed: true } }).flags).toEqual(['child', 'age_disputed']);
  });

  it('does not treat an assessed, undisputed adult as a child because of the age they claim', () => {
    expect(run({ person: { age: 22, ageClaimed: 16 } }).flags).toEqual([]);
  });

  it('flags age_disputed whenever the age is disputed', () => {
    expect(run({ person: { age: 30, ageDisputed: true } }).flags).toEqual(['age_disputed']);
  });

  it('flags an unaccompanied or separated child only when a child', () => {
    expect(run({ person: { age: 12, accompaniment: 'unaccompanied' } }).flags).toEqual(['child', 'unaccompanied_child']);
    expect(run({ person: { age: 12, accompaniment: 'separated' } }).flags).toEqual(['child', 'separated_child']);
    expect(run({ person: { age: 30, accompaniment: 'unaccompanied' } }).flags).toEqual([]);
  });

  it('flags an older person from 60', () => {
    expect(run({ person: { age: 60 } }).flags).toEqual(['older_person']);
    expect(run({ person: { age: 59 } }).flags).toEqual([]);
  });

  it('flags female from the sex', () => {
    expect(run({ person: { sex: 'female' } }).flags).toEqual(['female']);
    expect(run({ person: { sex: 'unknown' } }).flags).toEqual([]);
  });

  it('makes everyone rescued at sea endangered, and nobody else', () => {
    expect(run({ encounterType: 'rescue_at_sea' }).flags).toEqual(['endangered']);
    expect(run({ encounterType: 'interception_at_sea' }).flags).toEqual([]);
  });

  it('keeps every observed indicator, once', () => {
    expect(run({ indicators: ['witness', 'injured', 'witness'] }).flags.sort()).toEqual(['injured', 'witness']);
  });

  it('does not add asylum_intent to the flags for a claim, though triggers count it', () => {
    const output = run({ asylumClaim: 'lodged' });
    expect(output.flags).toEqual([]);
    expect(codes(output)).toContain('protection.non_refoulement');
  });
});

describe('rule 2 and 5: detention and due times', () => {
  it('counts consular obligations from the start of the detention', () => {
    const output = run({ detention: { since: '2026-03-01T09:15:00Z', until: null } });
    expect(obligation(output, 'consular.inform_rights')?.dueBy).toBe('2026-03-02T09:15:00Z');
    expect(obligation(output, 'info.rights')?.dueBy).toBe('2026-03-02T06:00:00Z');
  });

  it('treats a detention with an end as over', () => {
    const output = run({ detention: { since: '2026-03-01T09:00:00Z', until: '2026-03-01T10:00:00Z' } });
    expect(codes(output)).not.toContain('consular.inform_rights');
  });

  it('writes due times in UTC without fractions, whatever offset the input used', () => {
    const output = run({ encounteredAt: '2026-03-01T08:00:00.750+02:00', indicators: ['medical_emergency'] });
    expect(obligation(output, 'life.emergency_care')?.dueBy).toBe('2026-03-01T07:00:00Z');
  });

  it('gives standing obligations no due time', () => {
    const output = run({ indicators: ['fear_of_return'] });
    for (const code of ['protection.non_refoulement', 'protection.confidentiality', 'protection.non_criminalization']) {
      expect(obligation(output, code)).toMatchObject({ status: 'open', dueBy: null });
    }
  });

  it('uses each baseline deadline', () => {
    const due = (indicators: string[], code: string) => obligation(run({ indicators }), code)?.dueBy;
    expect(due(['medical_emergency'], 'life.emergency_care')).toBe('2026-03-01T07:00:00Z');
    expect(due(['endangered'], 'assist.basic_needs')).toBe('2026-03-01T18:00:00Z');
    expect(due(['injured'], 'assist.medical_care')).toBe('2026-03-04T06:00:00Z');
    expect(due(['trafficking_deception'], 'trafficking.referral')).toBe('2026-03-03T06:00:00Z');
    expect(due(['family_separated'], 'family.tracing')).toBe('2026-03-08T06:00:00Z');
  });
});

describe('rule 3: triggers', () => {
  it.each(['intended', 'lodged', 'granted'])('counts an asylum claim %s as asylum intent', (claim) => {
    const output = run({ asylumClaim: claim });
    expect(codes(output)).toEqual(
      expect.arrayContaining(['protection.asylum_referral', 'protection.non_refoulement', 'protection.confidentiality']),
    );
  });

  it('does not count a finally rejected claim as asylum intent', () => {
    expect(codes(run({ asylumClaim: 'rejected_final' }))).toEqual(['info.rights', 'protection.non_criminalization']);
  });

  it('lists every person’s rights information and non-criminalization', () => {
    expect(codes(run({}))).toEqual(['info.rights', 'protection.non_criminalization']);
  });

  it('notifies the consular post of a detained person who asks for it', () => {
    const detention = { since: '2026-03-01T09:00:00Z', until: null };
    expect(codes(run({ detention, consular: 'requested' }))).toContain('consular.notify_post');
    expect(codes(run({ detention, consular: 'declined' }))).not.toContain('consular.notify_post');
    expect(codes(run({ detention, consular: 'not_asked' }))).not.toContain('consular.notify_post');
    expect(codes(run({ consular: 'requested' }))).not.toContain('consular.notify_post');
  });

  it('lists women.specific_needs only for a woman who is pregnant or survived sexual violence', () => {
    expect(codes(run({ person: { sex: 'female' }, indicators: ['pregnant'] }))).toContain('women.specific_needs');
    expect(codes(run({ person: { sex: 'male' }, indicators: ['sexual_violence_survivor'] }))).not.toContain('women.specific_needs');
    expect(codes(run({ person: { sex: 'female' }, indicators: ['injured'] }))).not.toContain('women.specific_needs');
  });

  it.each(TRAFFICKING_INDICATORS)('refers to anti-trafficking on %s', (indicator) => {
    expect(codes(run({ indicators: [indicator] }))).toContain('trafficking.referral');
  });

  it('lists disability support for an older person', () => {
    expect(codes(run({ person: { age: 75 } }))).toContain('disability.support');
  });
});

describe('rule 4: status', () => {
  it.each([
    ['intended', 'open'],
    ['lodged', 'fulfilled'],
    ['granted', 'fulfilled'],
    ['rejected_final', 'fulfilled'],
  ])('lists the asylum referral %s as %s', (claim, status) => {
    expect(obligation(run({ indicators: ['fear_of_return'], asylumClaim: claim }), 'protection.asylum_referral')?.status).toBe(status);
  });

  it('keeps the due time of a fulfilled obligation', () => {
    const output = run({ indicators: ['fear_of_return'], asylumClaim: 'lodged' });
    expect(obligation(output, 'protection.asylum_referral')?.dueBy).toBe('2026-03-04T06:00:00Z');
  });

  it('fulfils the best-interests obligation once it is determined', () => {
    const output = run({ person: { age: 10 }, bestInterestsDetermined: true });
    expect(obligation(output, 'children.best_interests')?.status).toBe('fulfilled');
  });

  it('keeps children.no_detention listed, fulfilled, after a child’s detention ends', () => {
    const output = run({ person: { age: 10 }, detention: { since: '2026-03-01T09:00:00Z', until: '2026-03-01T12:00:00Z' } });
    expect(obligation(output, 'children.no_detention')).toMatchObject({ status: 'fulfilled', dueBy: '2026-03-02T09:00:00Z' });
  });

  it('keeps non-refoulement open for a torture survivor whose claim was finally rejected', () => {
    const output = run({ indicators: ['fear_of_return', 'torture_survivor'], asylumClaim: 'rejected_final' });
    expect(obligation(output, 'protection.non_refoulement')?.status).toBe('open');
  });
});

describe('fulfilledBy', () => {
  it('names the referral as DOMAIN.md shows it', () => {
    const output = run({ person: { age: 15, accompaniment: 'unaccompanied' } });
    expect(obligation(output, 'children.guardian')).toEqual({
      code: 'children.guardian',
      status: 'open',
      basis: ['art 16(4)', 'CRC 20'],
      dueBy: '2026-03-04T06:00:00Z',
      fulfilledBy: { referral: 'guardianship' },
    });
  });

  it('names only the referrals that apply to the person', () => {
    const pregnant = run({ person: { sex: 'female' }, indicators: ['pregnant'] });
    expect(obligation(pregnant, 'women.specific_needs')?.fulfilledBy).toEqual({ referral: 'maternal_health' });
    const both = run({ person: { sex: 'female' }, indicators: ['pregnant', 'sexual_violence_survivor'] });
    expect(obligation(both, 'women.specific_needs')?.fulfilledBy).toEqual({ referral: ['maternal_health', 'gbv_services'] });
    const witness = run({ indicators: ['witness'] });
    expect(obligation(witness, 'justice.witness_support')?.fulfilledBy).toEqual({ justiceLink: 'witness' });
  });

  it('lists assistance as a list of assistance types', () => {
    expect(obligation(run({ indicators: ['endangered'] }), 'assist.basic_needs')?.fulfilledBy).toEqual({
      assistance: ['water', 'food', 'shelter'],
    });
  });

  it('marks standing obligations as standing', () => {
    expect(obligation(run({}), 'protection.non_criminalization')?.fulfilledBy).toEqual({ standing: true });
  });
});

describe('rule 6: referrals', () => {
  it('refers to witness protection only when the witness is at risk of retaliation', () => {
    expect(services(run({ indicators: ['witness'] }))).toEqual([]);
    expect(services(run({ indicators: ['witness', 'retaliation_risk'] }))).toEqual(['witness_protection']);
  });

  it('refers to maternal health for pregnancy and GBV services for sexual violence', () => {
    expect(services(run({ person: { sex: 'female' }, indicators: ['sexual_violence_survivor'] }))).toContain('gbv_services');
    expect(services(run({ person: { sex: 'female' }, indicators: ['sexual_violence_survivor'] }))).not.toContain('maternal_health');
  });

  it('makes no referral for a fulfilled obligation', () => {
    expect(services(run({ indicators: ['fear_of_return'], asylumClaim: 'lodged' }))).not.toContain('asylum');
    expect(services(run({ person: { age: 9 }, bestInterestsDetermined: true }))).not.toContain('child_protection');
  });

  it('makes no referral for assistance or a standing obligation', () => {
    expect(run({ indicators: ['medical_emergency', 'endangered', 'fear_of_return'], asylumClaim: 'lodged' }).referrals).toEqual([]);
  });

  it('gives each referral the due time of the obligation it serves', () => {
    expect(run({ indicators: ['trafficking_forced_labour'] }).referrals).toEqual([
      { service: 'anti_trafficking', obligations: ['trafficking.referral'], dueBy: '2026-03-03T06:00:00Z' },
    ]);
  });
});

describe('rule 7: guards', () => {
  it('always answers the four guards', () => {
    expect(Object.keys(run({}).guards).sort()).toEqual([...GUARDED_ACTIONS].sort());
  });

  it('refuses charging anyone for having been smuggled', () => {
    expect(run({}).guards.charge_for_being_smuggled).toEqual({ allowed: false, blockedBy: ['protection.non_criminalization'] });
  });

  it('refuses return while an asylum claim is lodged', () => {
    expect(run({ asylumClaim: 'lodged' }).guards.return).toEqual({ allowed: false, blockedBy: ['protection.non_refoulement'] });
  });

  it('refuses return for a torture survivor even after a final rejection', () => {
    const output = run({ indicators: ['torture_survivor'], asylumClaim: 'rejected_final' });
    expect(output.guards.return).toEqual({ allowed: false, blockedBy: ['protection.non_refoulement'] });
  });

  it('allows return after a final rejection when no torture is recorded', () => {
    expect(run({ indicators: ['fear_of_return'], asylumClaim: 'rejected_final' }).guards.return.allowed).toBe(true);
  });

  it('refuses return for a child until the best interests are determined', () => {
    expect(run({ person: { age: 9 } }).guards.return).toEqual({ allowed: false, blockedBy: ['children.best_interests'] });
    expect(run({ person: { age: 9 }, bestInterestsDetermined: true }).guards.return.allowed).toBe(true);
  });

  it('refuses return whenever a trafficking indicator holds', () => {
    expect(run({ indicators: ['trafficking_controlled_by_others'] }).guards.return.blockedBy).toEqual(['trafficking.referral']);
  });

  it('refuses sharing with the origin State while confidentiality stands, unless the person asked for their consulate', () => {
    expect(run({ indicators: ['asylum_intent'] }).guards.share_with_origin_state).toEqual({
      allowed: false,
      blockedBy: ['protection.confidentiality'],
    });
    expect(run({ indicators: ['asylum_intent'], consular: 'requested' }).guards.share_with_origin_state.allowed).toBe(true);
  });

  it('refuses detaining a child, detained or not', () => {
    const refused = { allowed: false, blockedBy: ['children.no_detention'] };
    expect(run({ person: { age: 12 } }).guards.detain).toEqual(refused);
    expect(run({ person: { age: 12 }, detention: { since: '2026-03-01T07:00:00Z' } }).guards.detain).toEqual(refused);
    expect(codes(run({ person: { age: 12 } }))).not.toContain('children.no_detention');
  });

  it('allows detaining an adult as far as the Protocol goes', () => {
    expect(run({ person: { age: 30 } }).guards.detain).toEqual({ allowed: true, blockedBy: [] });
  });
});

describe('the example of DOMAIN.md section 9', () => {
  it('produces the flags, the guardian obligation, its referral and the guards shown there', () => {
    const output = run({
      encounteredAt: '2026-03-01T06:00:00Z',
      encounterType: 'rescue_at_sea',
      person: { sex: 'female', age: 15, ageClaimed: 15, ageDisputed: false, accompaniment: 'unaccompanied', nationality: 'ER', languages: ['ti'] },
      indicators: ['fear_of_return', 'medical_need'],
      detention: { since: '2026-03-01T09:00:00Z', until: null },
      consular: 'not_asked',
      asylumClaim: 'none',
      bestInterestsDetermined: false,
      profile: 'baseline',
    });
    expect(output.flags).toEqual(expect.arrayContaining(['child', 'female', 'unaccompanied_child', 'fear_of_return', 'medical_need']));
    expect(obligation(output, 'children.guardian')).toMatchObject({ dueBy: '2026-03-04T06:00:00Z', fulfilledBy: { referral: 'guardianship' } });
    expect(output.referrals).toContainEqual({ service: 'guardianship', obligations: ['children.guardian'], dueBy: '2026-03-04T06:00:00Z' });
    expect(output.guards).toEqual({
      return: { allowed: false, blockedBy: ['protection.non_refoulement', 'children.best_interests'] },
      share_with_origin_state: { allowed: false, blockedBy: ['protection.confidentiality'] },
      detain: { allowed: false, blockedBy: ['children.no_detention'] },
      charge_for_being_smuggled: { allowed: false, blockedBy: ['protection.non_criminalization'] },
    });
  });

  it('produces output that survives a JSON round trip unchanged', () => {
    const output = run({ person: { sex: 'female', age: 15, accompaniment: 'separated' }, indicators: ['pregnant'] });
    expect(JSON.parse(JSON.stringify(output))).toEqual(output);
  });
});
