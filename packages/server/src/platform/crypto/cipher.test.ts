import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecryptionError, FieldCipher, placeOf } from './cipher.js';
import { addDataKey, ensureKeyFile, loadKeyring } from './keyring.js';

describe('field encryption', () => {
  let dir: string;
  let cipher: FieldCipher;
  let otherCipher: FieldCipher;
  const here = placeOf('persons', 'given_name_enc', '0b9e1a3c-0000-4000-8000-000000000001');

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'haven-cipher-'));
    ensureKeyFile(path.join(dir, 'a.key'));
    ensureKeyFile(path.join(dir, 'b.key'));
    cipher = new FieldCipher(loadKeyring(path.join(dir, 'a.key')));
    otherCipher = new FieldCipher(loadKeyring(path.join(dir, 'b.key')));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('returns the plaintext it encrypted, in any script, including the empty string', () => {
    for (const text of ['Mohammed Al-Hassan', 'محمد الحسن', 'ዮናስ ተስፋይ', '', 'x'.repeat(10_000), '😀 zero\u0000byte']) {
      const sealed = cipher.encrypt(text, here);
      expect(cipher.decrypt(sealed, here)).toBe(text);
    }
  });

  it('never shows the plaintext and never repeats a ciphertext for the same value', () => {
    const a = cipher.encrypt('Mohammed', here);
    const b = cipher.encrypt('Mohammed', here);
    expect(a).not.toBe(b);
    expect(a).not.toContain('Mohammed');
    expect(Buffer.from(a.split('.')[4]!, 'base64url').toString('latin1')).not.toContain('Mohammed');
    expect(a).toMatch(/^hv1\.[A-Za-z0-9-]+\.[\w-]+\.[\w-]+\.[\w-]*$/);
  });

  it('does not open a ciphertext moved to another row, column or table', () => {
    const sealed = cipher.encrypt('Amina', here);
    const elsewhere = [
      placeOf('persons', 'given_name_enc', '0b9e1a3c-0000-4000-8000-000000000002'),
      placeOf('persons', 'family_name_enc', '0b9e1a3c-0000-4000-8000-000000000001'),
      placeOf('users', 'given_name_enc', '0b9e1a3c-0000-4000-8000-000000000001'),
    ];
    for (const place of elsewhere) {
      expect(() => cipher.decrypt(sealed, place), place).toThrow(DecryptionError);
      expect(() => cipher.decrypt(sealed, place), place).toThrow(`ciphertext at ${place} does not authenticate`);
    }
  });

  it('refuses a ciphertext whose data, tag, nonce or key id was tampered with', () => {
    const sealed = cipher.encrypt('Yonas Tesfay', here);
    const parts = sealed.split('.');
    const flip = (s: string) => {
      const bytes = Buffer.from(s, 'base64url');
      bytes[0] = bytes[0]! ^ 0x01;
      return bytes.toString('base64url');
    };
    for (const index of [2, 3, 4]) {
      const tampered = parts.map((p, i) => (i === index ? flip(p) : p)).join('.');
      expect(() => cipher.decrypt(tampered, here), `part ${index}`).toThrow(DecryptionError);
    }
    const truncated = parts.map((p, i) => (i === 4 ? p.slice(0, -2) : p)).join('.');
    expect(() => cipher.decrypt(truncated, here)).toThrow(DecryptionError);
    expect(() => cipher.decrypt(['hv1', 'k-unknown', ...parts.slice(2)].join('.'), here)).toThrow(/unknown key k-unknown/);
    expect(() => cipher.decrypt('Yonas Tesfay', here)).toThrow(/not a Haven ciphertext/);
    expect(() => cipher.decrypt(['hv2', ...parts.slice(1)].join('.'), here)).toThrow(/not a Haven ciphertext/);
  });

  it('does not open a ciphertext under another key file', () => {
    const sealed = cipher.encrypt('Amina', here);
    expect(() => otherCipher.decrypt(sealed, here)).toThrow(DecryptionError);
  });

  it('opens values written under an old key after a rotation, and writes new ones under the new key', () => {
    const file = path.join(dir, 'rotating.key');
    ensureKeyFile(file);
    const keyring = loadKeyring(file);
    const rotating = new FieldCipher(keyring);
    const old = rotating.encrypt('before rotation', here);
    const newKey = addDataKey(file);
    keyring.reload();
    const fresh = rotating.encrypt('after rotation', here);
    expect(FieldCipher.keyIdOf(fresh)).toBe(newKey);
    expect(FieldCipher.keyIdOf(old)).not.toBe(newKey);
    expect(rotating.decrypt(old, here)).toBe('before rotation');
    expect(rotating.decrypt(fresh, here)).toBe('after rotation');
  });

  it('opens a value written under a key another process added since this one loaded the file', () => {
    const file = path.join(dir, 'two-processes.key');
    ensureKeyFile(file);
    const server = new FieldCipher(loadKeyring(file));
    const tool = loadKeyring(file);
    addDataKey(file);
    tool.reload();
    const sealed = new FieldCipher(tool).encrypt('written by the rotation tool', here);
    expect(server.decrypt(sealed, here)).toBe('written by the rotation tool');
  });

  it('reads the key id of a ciphertext, and nothing from other text', () => {
    const sealed = cipher.encrypt('x', here);
    expect(FieldCipher.keyIdOf(sealed)).toMatch(/^k\d{8}-[0-9a-f]{6}$/);
    expect(FieldCipher.keyIdOf('plain text')).toBeUndefined();
    expect(FieldCipher.keyIdOf('a.b.c.d.e')).toBeUndefined();
  });

  it('maps null to null both ways', () => {
    expect(cipher.encryptNullable(null, here)).toBeNull();
    expect(cipher.encryptNullable(undefined, here)).toBeNull();
    expect(cipher.decryptNullable(null, here)).toBeNull();
    expect(cipher.decryptNullable(cipher.encryptNullable('v', here), here)).toBe('v');
  });

  describe('blind indexes', () => {
    it('are deterministic for one purpose and value', () => {
      expect(cipher.blindIndex('person.full-name', 'al-hassan mohammed')).toBe(cipher.blindIndex('person.full-name', 'al-hassan mohammed'));
      expect(cipher.blindIndex('person.full-name', 'al-hassan mohammed')).toHaveLength(32);
    });

    it('differ across purposes, values and key files, and reveal nothing of the value', () => {
      const index = cipher.blindIndex('person.full-name', 'al-hassan mohammed');
      expect(cipher.blindIndex('person.phone', 'al-hassan mohammed')).not.toBe(index);
      expect(cipher.blindIndex('person.full-name', 'al-hassan mohammad')).not.toBe(index);
      expect(otherCipher.blindIndex('person.full-name', 'al-hassan mohammed')).not.toBe(index);
      expect(index.toLowerCase()).not.toContain('hassan');
      // The separator keeps purpose and value apart: ("a", "b\0c") is not ("a\0b", "c").
      expect(cipher.blindIndex('p', 'x')).not.toBe(cipher.blindIndex('p\u0000', 'x'));
    });

    it('stay the same across a data key rotation', () => {
      const file = path.join(dir, 'index-stable.key');
      ensureKeyFile(file);
      const keyring = loadKeyring(file);
      const indexing = new FieldCipher(keyring);
      const before = indexing.blindIndex('person.full-name', 'amina');
      addDataKey(file);
      keyring.reload();
      expect(indexing.blindIndex('person.full-name', 'amina')).toBe(before);
    });
  });

  it('keeps MACs apart from blind indexes and per purpose', () => {
    expect(cipher.mac('audit-head', '6:abc')).not.toBe(cipher.mac('key_check', '6:abc'));
    expect(cipher.mac('audit-head', '6:abc')).toBe(cipher.mac('audit-head', '6:abc'));
    expect(cipher.mac('audit-head', '6:abc')).not.toBe(otherCipher.mac('audit-head', '6:abc'));
  });
});
