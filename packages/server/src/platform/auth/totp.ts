import { randomBytes, createHash } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

// RFC 6238 with the parameters every authenticator app understands: SHA-1, 6 digits, 30 s.
const PERIOD = 30;

function totpFor(secretBase32: string, label = 'haven'): TOTP {
  return new TOTP({ issuer: 'Haven', label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secretBase32) });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpUri(secretBase32: string, username: string): string {
  return totpFor(secretBase32, username).toString();
}

/** The code an authenticator shows at `now` (tests and the demo use it). */
export function totpCode(secretBase32: string, now: Date): string {
  return totpFor(secretBase32).generate({ timestamp: now.getTime() });
}

/**
 * Checks a code, allowing one step of clock drift either way. Returns the time step the code
 * belongs to, so the caller can refuse a step already used (no replay), or undefined.
 */
export function verifyTotp(secretBase32: string, code: string, now: Date): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totpFor(secretBase32).validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null) return undefined;
  return Math.floor(now.getTime() / 1000 / PERIOD) + delta;
}

/** Ten single-use recovery codes, shown once; only their hashes are stored. */
export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const raw = randomBytes(8).toString('hex');
    return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}-${raw.slice(12)}`;
  });
}

export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(code.trim().toLowerCase()).digest('hex');
}
