import { offlineDb, type Sealed, type VaultRow } from './store';
import type { Me } from '../app/session';

/**
 * The encryption of the device's data. A random AES-256-GCM data key encrypts every record and
 * outbox item; it is stored only wrapped under a key derived from the user's password (PBKDF2,
 * SHA-256, a salt per user), and kept unwrapped in memory only, so a reload, a sign-out or a
 * stolen device leaves nothing readable. Each ciphertext is bound to where it is stored (AAD).
 */

const PBKDF2_ITERATIONS = 310_000;
/** How long after a sign-in with the network the device may be unlocked without it (build setting). */
export const OFFLINE_UNLOCK_HOURS = Number(import.meta.env.VITE_HAVEN_OFFLINE_UNLOCK_HOURS ?? 12);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

let unlocked: { username: string; key: CryptoKey } | undefined;
const listeners = new Set<() => void>();

export function unlockedUser(): string | undefined {
  return unlocked?.username;
}

export function onVaultChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function changed(): void {
  for (const listener of listeners) listener();
}

async function passwordKey(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, { name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey']);
}

async function unwrap(row: VaultRow, password: string, extractable = false): Promise<CryptoKey | undefined> {
  const kek = await passwordKey(password, row.salt, row.iterations);
  try {
    return await crypto.subtle.unwrapKey('raw', row.wrappedKey, kek, { name: 'AES-GCM', iv: row.wrapIv, additionalData: encoder.encode(`vault:${row.username}`) }, { name: 'AES-GCM', length: 256 }, extractable, ['encrypt', 'decrypt']);
  } catch {
    return undefined; // wrong password
  }
}

async function wrap(username: string, dataKey: CryptoKey, password: string): Promise<Pick<VaultRow, 'salt' | 'iterations' | 'wrappedKey' | 'wrapIv'>> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const wrapIv = crypto.getRandomValues(new Uint8Array(12));
  const kek = await passwordKey(password, salt, PBKDF2_ITERATIONS);
  const wrappedKey = await crypto.subtle.wrapKey('raw', dataKey, kek, { name: 'AES-GCM', iv: wrapIv, additionalData: encoder.encode(`vault:${username}`) });
  return { salt, iterations: PBKDF2_ITERATIONS, wrappedKey, wrapIv };
}

export async function seal(value: unknown, where: string): Promise<Sealed> {
  if (!unlocked) throw new Error('the offline store is locked');
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(where) }, unlocked.key, encoder.encode(JSON.stringify(value)));
  return { iv, data };
}

export async function unseal<T>(sealed: Sealed, where: string): Promise<T> {
  if (!unlocked) throw new Error('the offline store is locked');
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv, additionalData: encoder.encode(where) }, unlocked.key, sealed.data);
  return JSON.parse(decoder.decode(plain)) as T;
}

/**
 * After a sign-in with the network: open (or create) this user's vault with the password, keep
 * who they are for offline use, and start the offline unlock window. `previousPassword` re-wraps
 * the data key after a password change, so changes made before it stay readable.
 */
export async function establishVault(me: Me, password: string, previousPassword?: string): Promise<void> {
  const db = await offlineDb();
  const existing = await db.get('vaults', me.username);
  let dataKey: CryptoKey | undefined;
  let rewrap = !existing;
  if (existing) {
    dataKey = await unwrap(existing, password);
    if (!dataKey && previousPassword) {
      dataKey = await unwrap(existing, previousPassword, true);
      rewrap = true;
    }
  }
  if (!dataKey) {
    // A vault under a password no longer known: its data cannot be read by anyone; start anew.
    dataKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
    rewrap = true;
    if (existing) await forgetUnreadable(me.username);
  }
  unlocked = { username: me.username, key: dataKey };
  const wrapped = rewrap ? await wrap(me.username, dataKey, password) : existing!;
  await db.put('vaults', {
    username: me.username,
    salt: wrapped.salt,
    iterations: wrapped.iterations,
    wrappedKey: wrapped.wrappedKey,
    wrapIv: wrapped.wrapIv,
    me: await seal(me, `vault-me:${me.username}`),
    unlockUntil: Date.now() + OFFLINE_UNLOCK_HOURS * 3_600_000,
  });
  // From here on the key in memory cannot be exported.
  unlocked = { username: me.username, key: await nonExtractable(dataKey) };
  changed();
}

/** Records and outbox items sealed under a key nobody can unwrap any more. */
async function forgetUnreadable(username: string): Promise<void> {
  const db = await offlineDb();
  const transaction = db.transaction(['outbox', 'records'], 'readwrite');
  for (const seq of await transaction.objectStore('outbox').index('owner').getAllKeys(username)) await transaction.objectStore('outbox').delete(seq);
  let cursor = await transaction.objectStore('records').openCursor();
  while (cursor) {
    if (cursor.value.owner === username) await cursor.delete();
    cursor = await cursor.continue();
  }
  await transaction.done;
}

async function nonExtractable(key: CryptoKey): Promise<CryptoKey> {
  if (!key.extractable) return key;
  const raw = await crypto.subtle.exportKey('raw', key);
  return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

export type UnlockResult = { ok: true; me: Me } | { ok: false; reason: 'unknown-user' | 'wrong-password' | 'expired' };

/**
 * Unlocks the device's data with the password. With no network this is allowed only within the
 * unlock window after the last sign-in; with a live session (`online`) it always is.
 */
export async function unlockVault(username: string, password: string, online: boolean): Promise<UnlockResult> {
  const db = await offlineDb();
  const row = await db.get('vaults', username);
  if (!row) return { ok: false, reason: 'unknown-user' };
  if (!online && Date.now() > row.unlockUntil) return { ok: false, reason: 'expired' };
  const key = await unwrap(row, password);
  if (!key) return { ok: false, reason: 'wrong-password' };
  unlocked = { username, key };
  const me = await unseal<Me>(row.me, `vault-me:${username}`);
  changed();
  return { ok: true, me };
}

export function lockVault(): void {
  unlocked = undefined;
  changed();
}
