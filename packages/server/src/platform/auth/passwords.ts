import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@haven/core/codes';
import argon2 from 'argon2';
import { COMMON_PASSWORDS, COMMON_STEMS } from './common-passwords.js';

// The policy's numbers and rules are core's (PASSWORD_RULES), so the screens state what is checked here.
export const MIN_PASSWORD_LENGTH = PASSWORD_MIN_LENGTH;
const MAX_PASSWORD_LENGTH = PASSWORD_MAX_LENGTH;

// OWASP's argon2id baseline (19 MiB, 2 passes) raised to 64 MiB / 3 passes: a sign-in stays well under a second on a small server.
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 65536, timeCost: 3, parallelism: 1 } as const;

const common = new Set(COMMON_PASSWORDS);
const stems = new Set(COMMON_STEMS);

/** Why a password is refused, or undefined when it is acceptable. */
export function passwordWeakness(password: string, username?: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (common.has(lower)) return 'is one of the most common passwords';
  const stem = lower.replace(/^[^a-z@]+|[^a-z@]+$/g, '');
  if (stems.has(stem) || stem.length === 0) return 'is a common word padded with digits or symbols';
  if (new Set(lower).size <= 3) return 'repeats too few characters';
  if (username && username.length >= 3 && lower.includes(username.toLowerCase())) return 'must not contain the user name';
  return undefined;
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

// Verified against when the user does not exist, so timing does not reveal which part was wrong.
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= argon2.hash('decoy-password-for-unknown-users', HASH_OPTIONS);
  return decoyHash;
}
