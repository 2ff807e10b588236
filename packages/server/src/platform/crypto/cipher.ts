import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring.js';

const PREFIX = 'hv1';

export class DecryptionError extends Error {}

/**
 * Field encryption: AES-256-GCM with a fresh 96-bit IV per value. The key id travels with the
 * ciphertext (`hv1.<keyId>.<iv>.<tag>.<data>`), and the field's place (table, column, row id) is
 * bound as associated data, so a ciphertext copied into another row or column does not open.
 */
export class FieldCipher {
  constructor(private readonly keyring: Keyring) {}

  encrypt(plaintext: string, place: string): string {
    const keyId = this.keyring.activeKeyId();
    const key = this.keyring.dataKey(keyId)!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(place, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [PREFIX, keyId, iv.toString('base64url'), tag.toString('base64url'), data.toString('base64url')].join('.');
  }

  decrypt(ciphertext: string, place: string): string {
    const parts = ciphertext.split('.');
    if (parts.length !== 5 || parts[0] !== PREFIX) throw new DecryptionError(`not a Haven ciphertext at ${place}`);
    const [, keyId, iv, tag, data] = parts as [string, string, string, string, string];
    let key = this.keyring.dataKey(keyId);
    if (!key) {
      // Another process may have rotated keys since this one started.
      this.keyring.reload();
      key = this.keyring.dataKey(keyId);
      if (!key) throw new DecryptionError(`unknown key ${keyId} at ${place}`);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(place, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new DecryptionError(`ciphertext at ${place} does not authenticate`);
    }
  }

  /** The key id a ciphertext was written under (rotation re-encrypts those not under the active key). */
  static keyIdOf(ciphertext: string): string | undefined {
    const parts = ciphertext.split('.');
    return parts.length === 5 && parts[0] === PREFIX ? parts[1] : undefined;
  }

  encryptNullable(plaintext: string | null | undefined, place: string): string | null {
    return plaintext == null ? null : this.encrypt(plaintext, place);
  }

  decryptNullable(ciphertext: string | null, place: string): string | null {
    return ciphertext == null ? null : this.decrypt(ciphertext, place);
  }

  /**
   * A keyed derived value (HMAC-SHA-256 under the index key) for values that must be found by
   * equality without storing them: the same input gives the same index, which reveals nothing
   * without the key. `purpose` separates domains so an index of one kind never matches another.
   */
  blindIndex(purpose: string, value: string): string {
    return createHmac('sha256', this.keyring.indexKey).update(`${purpose}\u0000${value}`, 'utf8').digest('base64url').slice(0, 32);
  }

  /** A MAC under the index key, for anchors that a database-only attacker must not forge. */
  mac(purpose: string, value: string): string {
    return createHmac('sha256', this.keyring.indexKey).update(`mac:${purpose}\u0000${value}`, 'utf8').digest('hex');
  }
}

/** Where an encrypted value lives; bound into the ciphertext as associated data. */
export function placeOf(table: string, column: string, rowId: string): string {
  return `${table}.${column}.${rowId}`;
}
