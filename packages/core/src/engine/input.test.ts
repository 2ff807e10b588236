import { describe, expect, it } from 'vitest';
import { parseAssessInput, type AssessInput } from './input.js';
import type { FieldIssue } from './issues.js';

const valid = {
  encounteredAt: '2026-03-01T06:00:00Z',
  encounterType: 'rescue_at_sea',
  person: {
    sex: 'female',
    age: 15,
    ageClaimed: 15,
    ageDisputed: false,
    accompaniment: 'unaccompanied',
    nationality: 'ER',
    languages: ['ti'],
  },
  indicators: ['fear_of_return', 'medical_need'],
  detention: { since: '2026-03-01T09:00:00Z', until: null },
  consular: 'not_asked',
  asylumClaim: 'none',
  bestInterestsDetermined: false,
  profile: 'baseline',
};

function issuesOf(document: unknown): FieldIssue[] {
  const result = parseAssessInput(document);
  if (result.ok) throw new Error(`expected ${JSON.stringify(document)} to be refused`);
  return result.issues;
}

/** The single issue of a document that has exactly one thing wrong. */
function issueOf(document: unknown): FieldIssue {
  const issues = issuesOf(document);
  expect(issues).toHaveLength(1);
  return issues[0] as FieldIssue;
}

function parsed(document: unknown): AssessInput {
  const result = parseAssessInput(document);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

describe('parseAssessInput', () => {
  it('accepts the example input of DOMAIN.md section 9', () => {
    expect(parsed(valid)).toEqual(valid);
  });

  it('accepts the smallest input: only the encounter time', () => {
    expect(parsed({ encounteredAt: '2026-03-01T06:00:00Z' })).toEqual({ encounteredAt: '2026-03-01T06:00:00Z' });
  });

  it('accepts null where a field is optional, as the vignettes write an unknown age', () => {
    expect(() => parsed({ ...valid, person: { ...valid.person, age: null }, consular: null, detention: null })).not.toThrow();
  });

  it('accepts times with an offset or fractional seconds', () => {
    expect(() => parsed({ encounteredAt: '2026-03-01T08:00:00+02:00' })).not.toThrow();
    expect(() => parsed({ encounteredAt: '2026-03-01T06:00:00.250Z' })).not.toThrow();
  });

  it('accepts stateless and unknown as a nationality', () => {
    expect(() => parsed({ ...valid, person: { nationality: 'stateless' } })).not.toThrow();
    expect(() => parsed({ ...valid, person: { nationality: 'unknown' } })).not.toThrow();
  });

  it('refuses a missing encounter time, naming the field', () => {
    const { encounteredAt: _omitted, ...rest } = valid;
    expect(issueOf(rest)).toEqual({ path: 'encounteredAt', message: 'is required but missing' });
  });

  it.each([
    ['2026-03-01 06:00:00', 'no T between date and time'],
    ['2026-03-01', 'a date without a time'],
    ['2026-02-30T06:00:00Z', 'a day that does not exist'],
    ['2026-03-01T25:00:00Z', 'an hour that does not exist'],
    ['yesterday', 'words'],
  ])('refuses the malformed time %j (%s), naming the field and the value', (time) => {
    const issue = issueOf({ ...valid, encounteredAt: time });
    expect(issue.path).toBe('encounteredAt');
    expect(issue.message).toContain(JSON.stringify(time));
    expect(issue.message).toContain('RFC 3339');
  });

  it('refuses a time given as a number', () => {
    const issue = issueOf({ ...valid, encounteredAt: 1772344800000 });
    expect(issue.path).toBe('encounteredAt');
    expect(issue.message).toContain('1772344800000');
  });

  it.each([
    [-1, 'cannot be negative'],
    [131, 'at most 130'],
    [999, 'at most 130'],
  ])('refuses the impossible age %d', (age, words) => {
    const issue = issueOf({ ...valid, person: { ...valid.person, age } });
    expect(issue.path).toBe('person.age');
    expect(issue.message).toContain(`impossible age ${age}`);
    expect(issue.message).toContain(words);
  });

  it('refuses an impossible claimed age, naming that field', () => {
    const issue = issueOf({ ...valid, person: { ...valid.person, ageClaimed: -4 } });
    expect(issue.path).toBe('person.ageClaimed');
    expect(issue.message).toContain('-4');
  });

  it('refuses an age written as text', () => {
    const issue = issueOf({ ...valid, person: { ...valid.person, age: '15' } });
    expect(issue).toEqual({ path: 'person.age', message: 'age must be a number of years, got "15"' });
  });

  it('refuses an unknown indicator, naming its position and value', () => {
    const issue = issueOf({ ...valid, indicators: ['fear_of_return', 'pregnent'] });
    expect(issue.path).toBe('indicators[1]');
    expect(issue.message).toBe('"pregnent" is not a known screening indicator');
  });

  it.each(['child', 'unaccompanied_child', 'separated_child', 'age_disputed', 'older_person', 'female'])(
    'refuses the derived flag %s entered by hand',
    (flag) => {
      const issue = issueOf({ ...valid, indicators: [flag] });
      expect(issue.path).toBe('indicators[0]');
      expect(issue.message).toContain(JSON.stringify(flag));
      expect(issue.message).toContain('never entered by hand');
    },
  );

  it('refuses unknown fields, at the top and inside the person', () => {
    expect(issueOf({ ...valid, urgent: true })).toEqual({
      path: 'urgent',
      message: 'unknown field "urgent" (value true); it is not part of the format',
    });
    expect(issueOf({ ...valid, person: { ...valid.person, religion: 'x' } }).path).toBe('person.religion');
    expect(issueOf({ ...valid, detention: { since: '2026-03-01T09:00:00Z', place: 'port' } }).path).toBe('detention.place');
  });

  it.each([
    ['encounterType', 'boat'],
    ['consular', 'yes'],
    ['asylumClaim', 'pending'],
  ])('refuses the wrong value %j for %s, listing the accepted ones', (field, value) => {
    const issue = issueOf({ ...valid, [field]: value });
    expect(issue.path).toBe(field);
    expect(issue.message).toContain(JSON.stringify(value));
    expect(issue.message).toContain('expected one of');
  });

  it.each([
    ['sex', 'F'],
    ['accompaniment', 'alone'],
    ['nationality', 'er'],
    ['nationality', 'ERI'],
  ])('refuses the wrong person.%s %j', (field, value) => {
    const issue = issueOf({ ...valid, person: { ...valid.person, [field]: value } });
    expect(issue.path).toBe(`person.${field}`);
    expect(issue.message).toContain(JSON.stringify(value));
  });

  it('refuses a language that is not an ISO 639 code', () => {
    const issue = issueOf({ ...valid, person: { ...valid.person, languages: ['ti', 'Tigrinya'] } });
    expect(issue.path).toBe('person.languages[1]');
    expect(issue.message).toContain('"Tigrinya"');
  });

  it('refuses a detention that ends before it starts', () => {
    const issue = issueOf({ ...valid, detention: { since: '2026-03-01T09:00:00Z', until: '2026-03-01T08:00:00Z' } });
    expect(issue.path).toBe('detention.until');
    expect(issue.message).toContain('"2026-03-01T08:00:00Z" is before its start "2026-03-01T09:00:00Z"');
  });

  it('compares detention times as instants, not as text', () => {
    // 10:00+02:00 is 08:00Z: after a start at 07:00Z although it sorts before it as text.
    expect(() => parsed({ ...valid, detention: { since: '2026-03-01T07:00:00Z', until: '2026-03-01T10:00:00+02:00' } })).not.toThrow();
  });

  it('refuses a detention end without a start', () => {
    const issue = issueOf({ ...valid, detention: { until: '2026-03-01T08:00:00Z' } });
    expect(issue.path).toBe('detention.until');
    expect(issue.message).toContain('without a detention start');
  });

  it('refuses a boolean written as text', () => {
    const issue = issueOf({ ...valid, bestInterestsDetermined: 'yes' });
    expect(issue).toEqual({ path: 'bestInterestsDetermined', message: 'expected true or false, got "yes"' });
  });

  it('refuses a document that is not an object', () => {
    for (const document of [[], 'screening', 42, null]) {
      const issue = issueOf(document);
      expect(issue.path).toBe('');
      expect(issue.message).toContain('expected an object');
    }
  });

  it('reports every problem at once', () => {
    const issues = issuesOf({ ...valid, encounteredAt: 'now', indicators: ['child'], person: { age: -2 } });
    expect(issues.map((issue) => issue.path).sort()).toEqual(['encounteredAt', 'indicators[0]', 'person.age']);
  });

  it('refuses an input that names another profile than the one in use', () => {
    const result = parseAssessInput({ ...valid, profile: 'example-jurisdiction' }, { profileId: 'baseline' });
    expect(result).toEqual({
      ok: false,
      issues: [{ path: 'profile', message: 'the input asks for profile "example-jurisdiction" but the profile in use is "baseline"' }],
    });
  });
});
