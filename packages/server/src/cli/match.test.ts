import { describe, expect, it } from 'vitest';
import { CliError } from './errors.js';
import { matchCommand, parsePeople, parseThreshold } from './match.js';
import { runHaven } from './test-support/haven.js';

const lines = [
  { id: 'a', givenName: 'محمد', familyName: 'الحسن', sex: 'male', birthDate: '2001-03-14', birthDatePrecision: 'day', nationality: 'SD' },
  { id: 'b', givenName: 'Mohamed', familyName: 'El Hassan', sex: 'male', birthDate: '2001-03-14', birthDatePrecision: 'day', nationality: 'SD' },
  { id: 'c', givenName: 'Fatima', familyName: 'Al-Hassan', sex: 'female', birthDate: '2003-06-02', birthDatePrecision: 'day', nationality: 'SD' },
]
  .map((line) => JSON.stringify(line))
  .join('\n');

const noFiles = { db: ':memory:', keyFile: '/nonexistent/haven.key' };

describe('haven match', () => {
  it('prints one JSON line per pair of records of the same person', async () => {
    const run = await runHaven(noFiles, ['match'], { stdin: `${lines}\n` });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const pairs = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(pairs).toHaveLength(1);
    expect(Object.keys(pairs[0]!)).toEqual(['a', 'b', 'score', 'reasons']);
    expect([pairs[0]!.a, pairs[0]!.b].sort()).toEqual(['a', 'b']);
    expect(pairs[0]!.score).toBeGreaterThan(0.9);
    expect(pairs[0]!.reasons).toContain('same birth date 2001-03-14');
  });

  it('prints nothing for a threshold no pair reaches, and everything above a low one', () => {
    expect(matchCommand(lines, 1)).toBe('');
    expect(matchCommand(lines, 0).split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(1);
  });

  it('reports a malformed line with its number, exits non-zero and prints no pairs', async () => {
    const bad = `${lines}\n{"id": "d", "givenName": "Awa", "familyName": "Sow", "birthDate": "1990-13-01"}\nnot json\n`;
    const run = await runHaven(noFiles, ['match'], { stdin: bad });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('line 4: birthDate');
    expect(run.stderr).toContain('line 5: not valid JSON');
  });

  it('refuses a record without an id or with an id used twice, and unknown fields', () => {
    expect(() => parsePeople('{"givenName": "A", "familyName": "B"}')).toThrow(/line 1: id/);
    expect(() => parsePeople('{"id": "x", "givenName": "A", "familyName": "B"}\n{"id": "x", "givenName": "C", "familyName": "D"}')).toThrow(
      /line 2: id: x was already used on line 1/,
    );
    expect(() => parsePeople('{"id": "x", "givenName": "A", "familyName": "B", "eyes": "brown"}')).toThrow(CliError);
  });

  it('refuses a threshold outside 0 to 1', async () => {
    expect(parseThreshold('0.8')).toBe(0.8);
    expect(() => parseThreshold('1.5')).toThrow(/--threshold/);
    const run = await runHaven(noFiles, ['match', '--threshold', 'high'], { stdin: lines });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('--threshold must be a number from 0 to 1');
  });
});
