import { describe, expect, it } from 'vitest';
import { qrModules } from './qr-code';

// The enrolment's QR code: a real QR symbol of the otpauth URI (finder patterns in three corners,
// a size the standard allows), computed in the page.

const URI = 'otpauth://totp/Haven:nadia.officer?issuer=Haven&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30';

function darkAt(path: string): Set<string> {
  return new Set([...path.matchAll(/M(\d+) (\d+)/g)].map((m) => `${m[2]},${m[1]}`));
}

describe('the QR code of a second-factor enrolment', () => {
  it('is a QR symbol: 4n+17 modules a side, a finder pattern in three corners and not the fourth', () => {
    const { size, path } = qrModules(URI);
    expect((size - 17) % 4).toBe(0);
    expect(size).toBeGreaterThanOrEqual(33);
    const dark = darkAt(path);
    const finderAt = (top: number, left: number) => {
      for (let r = 0; r < 7; r++)
        for (let c = 0; c < 7; c++) {
          const ring = r === 0 || r === 6 || c === 0 || c === 6;
          const centre = r >= 2 && r <= 4 && c >= 2 && c <= 4;
          if (dark.has(`${top + r},${left + c}`) !== (ring || centre)) return false;
        }
      return true;
    };
    expect(finderAt(0, 0)).toBe(true);
    expect(finderAt(0, size - 7)).toBe(true);
    expect(finderAt(size - 7, 0)).toBe(true);
    expect(finderAt(size - 7, size - 7)).toBe(false);
  });

  it('changes with the secret', () => {
    expect(qrModules(URI).path).not.toBe(qrModules(URI.replace('JBSW', 'KBSW')).path);
  });
});
