import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OBLIGATION_CODES } from '../codes.js';
import { assess, type Assessment } from './assess.js';
import { parseAssessInput } from './input.js';
import type { FieldIssue } from './issues.js';
import { decodeProfileText, loadProfileText } from './profile-text.js';
import { BASELINE_PROFILE, ProfileError, checkProfile, loadProfile, type Profile } from './profiles.js';

const exampleFile = fileURLToPath(new URL('../../../../profiles/example-jurisdiction.yaml', import.meta.url));
const example = loadProfileText(readFileSync(exampleFile, 'utf8'), exampleFile);

const AT = '2026-03-01T06:00:00Z';
const DETAINED = { since: '2026-03-01T08:00:00Z', until: null };

function run(document: Record<string, unknown>, profile: Profile = BASELINE_PROFILE): Assessment {
  const parsed = parseAssessInput({ encounteredAt: AT, ...document }, { profileId: profile.id });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return assess(parsed.value, profile);
}

const codes = (output: Assessment) => output.obligations.map((obligation) => obligation.code);
const dueOf = (output: Assessment, code: string) => output.obligations.find((o) => o.code === code)?.dueBy;

function refusal(document: unknown): FieldIssue[] {
  const result = checkProfile(document);
  if (result.ok) throw new Error('expected the profile to be refused');
  return result.issues;
}

const added = {
  code: 'sop.legal_aid',
  summary: 'Refer the person to legal aid.',
  basis: ['SOP 1'],
  trigger: { var: 'detained' },
  fulfilledBy: { referral: 'legal_aid' },
  deadline: 'PT48H',
  base: 'detention',
};

describe('the baseline profile', () => {
  it('holds every baseline obligation, in the order of DOMAIN.md section 5', () => {
    expect(BASELINE_PROFILE.obligations.map((entry) => entry.definition.code)).toEqual([...OBLIGATION_CODES]);
    expect(BASELINE_PROFILE.mandatoryConsularNotification).toEqual([]);
  });

  it('evaluates notify_post after confidentiality, which its trigger reads', () => {
    const order = BASELINE_PROFILE.evaluationOrder.map((index) => BASELINE_PROFILE.obligations[index]?.definition.code);
    expect(order.indexOf('consular.notify_post')).toBeGreaterThan(order.indexOf('protection.confidentiality'));
  });
});

describe('profiles/example-jurisdiction.yaml', () => {
  it('loads', () => {
    expect(example.id).toBe('example-jurisdiction');
  });

  it('adds its obligations on top of every baseline one', () => {
    const output = run({ encounterType: 'rescue_at_sea', detention: DETAINED }, example);
    expect(codes(output)).toEqual(expect.arrayContaining(['sop.health_screening', 'sop.detention_legal_aid', 'info.rights']));
    expect(dueOf(output, 'sop.health_screening')).toBe('2026-03-01T12:00:00Z');
    expect(dueOf(output, 'sop.detention_legal_aid')).toBe('2026-03-03T08:00:00Z');
    expect(codes(run({}, example))).toEqual(['info.rights', 'protection.non_criminalization']);
  });

  it('applies its shortened deadlines, and the baseline ones elsewhere', () => {
    const output = run({ person: { age: 12 }, indicators: ['injured'] }, example);
    expect(dueOf(output, 'children.best_interests')).toBe('2026-03-01T18:00:00Z');
    expect(dueOf(output, 'assist.medical_care')).toBe('2026-03-03T06:00:00Z');
    expect(dueOf(output, 'info.rights')).toBe('2026-03-02T06:00:00Z');
    expect(dueOf(run({ person: { age: 12 } }), 'children.best_interests')).toBe('2026-03-02T06:00:00Z');
  });

  it('merges a referral two obligations ask for, with the earliest due time', () => {
    const output = run({ encounterType: 'interception_at_sea', indicators: ['medical_need'] }, example);
    expect(output.referrals).toContainEqual({
      service: 'health',
      obligations: ['assist.medical_care', 'sop.health_screening'],
      dueBy: '2026-03-01T12:00:00Z',
    });
  });

  it('refuses return while its standing witness obligation holds', () => {
    const output = run({ indicators: ['witness'] }, example);
    expect(output.guards.return).toEqual({ allowed: false, blockedBy: ['sop.witness_availability'] });
    expect(output.obligations.find((o) => o.code === 'sop.witness_availability')).toMatchObject({ dueBy: null, status: 'open' });
  });

  it('notifies the consulate of a detained national on its list only when confidentiality does not stand', () => {
    const indian = { person: { nationality: 'IN' }, detention: DETAINED };
    expect(codes(run(indian, example))).toContain('consular.notify_post');
    expect(dueOf(run(indian, example), 'consular.notify_post')).toBe('2026-03-02T08:00:00Z');
    expect(codes(run({ ...indian, indicators: ['fear_of_return'] }, example))).not.toContain('consular.notify_post');
    expect(codes(run({ ...indian, asylumClaim: 'lodged' }, example))).not.toContain('consular.notify_post');
    expect(codes(run({ person: { nationality: 'ER' }, detention: DETAINED }, example))).not.toContain('consular.notify_post');
    expect(codes(run({ person: { nationality: 'IN' } }, example))).not.toContain('consular.notify_post');
    expect(codes(run(indian))).not.toContain('consular.notify_post');
  });

  it('still notifies the consulate when the person asks, confidentiality or not', () => {
    const output = run({ person: { nationality: 'IN' }, detention: DETAINED, indicators: ['fear_of_return'], consular: 'requested' }, example);
    expect(codes(output)).toContain('consular.notify_post');
    expect(output.guards.share_with_origin_state.allowed).toBe(true);
  });

  it('is refused for an input that names the baseline', () => {
    const parsed = parseAssessInput({ encounteredAt: AT, profile: 'baseline' }, { profileId: example.id });
    expect(parsed.ok).toBe(false);
  });
});

describe('a profile that weakens the floor', () => {
  it('is refused when it lengthens a baseline deadline, naming the entry', () => {
    const issues = refusal({ id: 'lax', deadlines: { 'info.rights': 'P3D' } });
    expect(issues).toEqual([
      {
        path: 'deadlines.info.rights',
        message:
          '"P3D" for info.rights is longer than the baseline deadline of 24 h: a profile may shorten deadlines, never lengthen them (the Protocol is the floor)',
      },
    ]);
  });

  it('is refused when it redefines a baseline code', () => {
    const issues = refusal({ id: 'lax', obligations: [{ ...added, code: 'children.guardian' }] });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('obligations[0].code');
    expect(issues[0]?.message).toContain('"children.guardian" is a baseline obligation');
  });

  it.each(['remove', 'removeObligations', 'disabled', 'omit'])('is refused when it removes a baseline obligation under %s', (key) => {
    const issues = refusal({ id: 'lax', [key]: ['children.guardian'] });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe(key);
    expect(issues[0]?.message).toContain('may not remove baseline obligations');
    expect(issues[0]?.message).toContain('children.guardian');
  });

  it('is refused when it removes a deadline', () => {
    const issues = refusal({ id: 'lax', deadlines: { 'children.guardian': null } });
    expect(issues[0]?.path).toBe('deadlines.children.guardian');
    expect(issues[0]?.message).toContain('cannot be removed');
  });

  it('is refused when it gives a standing obligation a deadline', () => {
    const issues = refusal({ id: 'lax', deadlines: { 'protection.non_refoulement': 'P30D' } });
    expect(issues[0]).toEqual({
      path: 'deadlines.protection.non_refoulement',
      message: 'protection.non_refoulement is a standing obligation: it has no deadline to shorten',
    });
  });

  it('throws a ProfileError whose message names the profile and every entry', () => {
    expect(() => loadProfile({ id: 'lax', deadlines: { 'info.rights': 'P3D', 'children.guardian': 'P10D' } })).toThrowError(ProfileError);
    try {
      loadProfile({ id: 'lax', deadlines: { 'info.rights': 'P3D', 'children.guardian': 'P10D' } });
    } catch (error) {
      expect((error as Error).message).toMatch(/^invalid SOP profile "lax": deadlines\.info\.rights: .*; deadlines\.children\.guardian: /);
    }
  });

  it('accepts a deadline equal to the baseline', () => {
    expect(checkProfile({ id: 'same', deadlines: { 'info.rights': 'PT24H', 'family.tracing': 'P7D' } }).ok).toBe(true);
  });
});

describe('a profile with mistakes', () => {
  it.each([
    [{ ...added, trigger: { in: ['pregnant', { var: 'flag' }] } }, 'obligations[0].trigger', 'unknown fact "flag"'],
    [{ ...added, trigger: { in: ['pregant', { var: 'flags' }] } }, 'obligations[0].trigger', '"pregant" is not a known value of the fact "flags"'],
    [{ ...added, trigger: { '==': [{ var: 'consular' }, 'asked'] } }, 'obligations[0].trigger', '"asked" is not a known value'],
    [{ ...added, trigger: { log: 'x' } }, 'obligations[0].trigger', 'unknown operation "log"'],
    [{ ...added, trigger: { var: 'openObligations' } }, 'obligations[0].trigger', 'only available to guard rules'],
    [{ ...added, trigger: { in: ['nope.code', { var: 'obligations' }] } }, 'obligations[0].trigger', '"nope.code"'],
    [{ ...added, fulfilledBy: { referral: 'lawyer' } }, 'obligations[0].fulfilledBy.referral', '"lawyer"'],
    [{ ...added, deadline: 'P1M' }, 'obligations[0].deadline', '"P1M" is not a deadline'],
    [{ ...added, deadline: null }, 'obligations[0].deadline', 'only a standing obligation'],
    [{ ...added, base: 'arrival' }, 'obligations[0].base', '"arrival"'],
    [{ ...added, basis: [] }, 'obligations[0].basis', 'at least one legal basis'],
    [{ ...added, code: 'Legal Aid' }, 'obligations[0].code', 'is not an obligation code'],
    [{ ...added, referralWhen: { health: true } }, 'obligations[0].referralWhen.health', 'not a referral in fulfilledBy'],
    [{ ...added, fulfilledBy: { standing: true }, deadline: null }, 'obligations[0].blocks', 'must name the guarded actions'],
    [{ ...added, colour: 'red' }, 'obligations[0].colour', 'unknown field'],
    [{ ...added, fulfilledBy: {} }, 'obligations[0].fulfilledBy', 'names nothing that fulfils it'],
    [{ ...added, fulfilledBy: { standing: true, referral: 'health' }, deadline: null, blocks: ['return'] }, 'obligations[0].fulfilledBy', 'remove referral'],
  ])('refuses %j, naming %s', (entry, path, words) => {
    const issues = refusal({ id: 'typo', obligations: [entry] });
    expect(issues.map((issue) => issue.path)).toContain(path);
    expect(issues.find((issue) => issue.path === path)?.message).toContain(words);
  });

  it('refuses triggers that depend on each other in a circle', () => {
    const issues = refusal({
      id: 'circle',
      obligations: [
        { ...added, code: 'sop.a', trigger: { in: ['sop.b', { var: 'obligations' }] } },
        { ...added, code: 'sop.b', trigger: { in: ['sop.a', { var: 'obligations' }] } },
      ],
    });
    expect(issues[0]?.message).toContain('sop.a, sop.b');
  });

  it('refuses the same code twice, a bad country code and the id baseline', () => {
    const issues = refusal({ id: 'baseline', obligations: [added, added] });
    expect(issues.map((issue) => issue.path)).toEqual(['id', 'obligations[1].code']);
    expect(refusal({ id: 'x', mandatoryConsularNotification: ['India'] })[0]?.path).toBe('mandatoryConsularNotification[0]');
  });

  it('refuses a deadline for a code that is not a baseline obligation', () => {
    expect(refusal({ id: 'x', deadlines: { 'info.right': 'PT1H' } })[0]).toEqual({
      path: 'deadlines.info.right',
      message: '"info.right" is not a baseline obligation',
    });
  });
});

describe('an added obligation', () => {
  it('can read another obligation, and is evaluated after it', () => {
    const profile = loadProfile({
      id: 'chain',
      obligations: [
        {
          ...added,
          code: 'sop.asylum_legal_aid',
          trigger: { in: ['protection.asylum_referral', { var: 'obligations' }] },
          base: 'encounter',
        },
      ],
    });
    expect(codes(run({ indicators: ['fear_of_return'] }, profile))).toContain('sop.asylum_legal_aid');
    expect(codes(run({}, profile))).not.toContain('sop.asylum_legal_aid');
  });

  it('counts from the encounter when its base is the detention and nobody was detained', () => {
    const profile = loadProfile({ id: 'always', obligations: [{ ...added, trigger: true }] });
    expect(dueOf(run({}, profile), 'sop.legal_aid')).toBe('2026-03-03T06:00:00Z');
  });

  it('accepts a deadline in milliseconds and a fulfilledWhen rule', () => {
    const profile = loadProfile({
      id: 'ms',
      obligations: [{ ...added, trigger: true, deadline: 3_600_000, base: 'encounter', fulfilledWhen: { '==': [{ var: 'consular' }, 'declined'] } }],
    });
    expect(run({}, profile).obligations.find((o) => o.code === 'sop.legal_aid')).toMatchObject({ dueBy: '2026-03-01T07:00:00Z', status: 'open' });
    expect(run({ consular: 'declined' }, profile).obligations.find((o) => o.code === 'sop.legal_aid')?.status).toBe('fulfilled');
  });
});

describe('profile files', () => {
  it('decodes JSON by its extension and YAML otherwise', () => {
    expect(decodeProfileText('{"id": "j"}', 'p.json')).toEqual({ id: 'j' });
    expect(decodeProfileText('id: y\nmandatoryConsularNotification: [NO]\n', 'p.yaml')).toEqual({
      id: 'y',
      mandatoryConsularNotification: ['NO'],
    });
  });

  it('refuses a file that is not YAML or JSON, naming the file', () => {
    expect(() => decodeProfileText('id: [unclosed', 'broken.yaml')).toThrowError(/broken\.yaml is not valid YAML/);
    expect(() => decodeProfileText('{id:', 'broken.json')).toThrowError(/broken\.json is not valid JSON/);
  });
});
