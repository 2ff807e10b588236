import { PASSWORD_MIN_LENGTH, PASSWORD_RULES, type PasswordRule } from '@haven/core/codes';
import { describe, expect, it } from 'vitest';
import { passwordWeakness } from './passwords.js';

// The screens state core's PASSWORD_RULES before anyone types: each is a rule the server checks,
// and a password that keeps them all is accepted.

const BREAKS: Record<PasswordRule, [string, string?]> = {
  length: ['x'.repeat(PASSWORD_MIN_LENGTH - 1)],
  not_common: ['password1234'],
  not_padded_word: ['123password!!'],
  varied: ['abababababababab'],
  not_username: ['tide-nadia.officer-moon', 'nadia.officer'],
};

describe('the password policy', () => {
  it('refuses a password for each rule the screens state, and accepts one that keeps them all', () => {
    for (const rule of PASSWORD_RULES) expect(passwordWeakness(...BREAKS[rule]), rule).toBeDefined();
    expect(passwordWeakness('harbour lanterns at dusk', 'nadia.officer')).toBeUndefined();
  });
});
