import { STATUS_CODES } from 'node:http';
import { describe, expect, it } from 'vitest';
import { PROBLEM_CODES, PROBLEM_TYPE_BASE, PROBLEMS, problemCodeOf, problemTitle } from './problems.js';

describe('the registry of problem codes', () => {
  it('answers every code with an HTTP error status and a title', () => {
    for (const code of PROBLEM_CODES) {
      const { status, title } = PROBLEMS[code];
      expect(STATUS_CODES[status], `${code}: ${status}`).toBeDefined();
      expect(status >= 400 && status <= 599, `${code}: ${status} is an error status`).toBe(true);
      expect(title.trim(), code).not.toBe('');
    }
  });

  it('names codes as they appear in a problem type URI', () => {
    for (const code of PROBLEM_CODES) expect(code).toMatch(/^[a-z]+([-_][a-z]+)*$/);
    expect(problemCodeOf(`${PROBLEM_TYPE_BASE}stale-version`)).toBe('stale-version');
    expect(problemCodeOf(`${PROBLEM_TYPE_BASE}no-such-code`)).toBeUndefined();
    expect(problemCodeOf('https://elsewhere.example/problems/not-found')).toBeUndefined();
    expect(problemCodeOf(`${PROBLEM_TYPE_BASE}toString`)).toBeUndefined();
  });

  it('completes a title that names the failing field', () => {
    expect(problemTitle('invalid-input', 'persons.3.birthDate')).toBe('Invalid persons.3.birthDate');
    expect(problemTitle('stale-version', 'version')).toBe('Stale version');
  });
});
