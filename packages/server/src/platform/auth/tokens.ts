import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Opaque secrets (session and API tokens): random, and stored only as their SHA-256. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** API tokens read `hvt_<id>.<secret>`: the id finds the row, the secret proves possession. */
export function formatApiToken(id: string, secret: string): string {
  return `hvt_${id}.${secret}`;
}

export function parseApiToken(token: string): { id: string; secret: string } | undefined {
  const match = /^hvt_([0-9a-f-]{36})\.([A-Za-z0-9_-]{20,})$/.exec(token);
  return match ? { id: match[1]!, secret: match[2]! } : undefined;
}
