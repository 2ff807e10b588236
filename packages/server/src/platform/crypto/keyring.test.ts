import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addDataKey, ensureKeyFile, KEY_FILE_CHECK_MS, KeyringError, loadKeyring, type KeyFile } from './keyring.js';

describe('the key file', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'haven-keyring-'));
    file = path.join(dir, 'keys', 'haven.key');
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  const modeOf = (f: string) => statSync(f).mode & 0o777;

  it('is created with mode 0600, in a directory it creates 0700, once, even under a permissive umask', () => {
    const previous = process.umask(0o000);
    try {
      expect(ensureKeyFile(file)).toBe(true);
    } finally {
      process.umask(previous);
    }
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(path.dirname(file))).toBe(0o700);
    const content = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
    expect(content.format).toBe('haven-keyring/1');
    expect(content.keys).toHaveLength(1);
    expect(Buffer.from(content.keys[0]!.key, 'base64')).toHaveLength(32);
    expect(Buffer.from(content.indexKey, 'base64')).toHaveLength(32);
    expect(ensureKeyFile(file)).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(`${JSON.stringify(content, null, 2)}\n`);
  });

  it.each([0o640, 0o604, 0o644, 0o660])('is refused when its mode is %o (readable by others)', (mode) => {
    ensureKeyFile(file);
    chmodSync(file, mode);
    expect(() => loadKeyring(file)).toThrow(KeyringError);
    expect(() => loadKeyring(file)).toThrow(/readable by others.*chmod 600/);
  });

  it('is refused when missing, not JSON, or malformed, with a message naming the problem', () => {
    expect(() => loadKeyring(file)).toThrow(/does not exist/);
    ensureKeyFile(file);
    const good = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
    const write = (text: string) => writeFileSync(file, text, { mode: 0o600 });
    write('{ not json');
    expect(() => loadKeyring(file)).toThrow(/not valid JSON/);
    write(JSON.stringify({ ...good, active: 'k-absent' }));
    expect(() => loadKeyring(file)).toThrow(/active key k-absent is missing/);
    write(JSON.stringify({ ...good, keys: [{ ...good.keys[0]!, key: Buffer.alloc(16).toString('base64') }] }));
    expect(() => loadKeyring(file)).toThrow(/is not 256 bits/);
    write(JSON.stringify({ ...good, extra: true }));
    expect(() => loadKeyring(file)).toThrow(/malformed/);
  });

  it('gains a new active key on rotation, keeps the old ones, and stays 0600', () => {
    ensureKeyFile(file);
    const keyring = loadKeyring(file);
    const first = keyring.activeKeyId();
    const second = addDataKey(file);
    expect(second).not.toBe(first);
    expect(modeOf(file)).toBe(0o600);
    keyring.reload();
    expect(keyring.activeKeyId()).toBe(second);
    expect(keyring.keyIds()).toEqual([first, second]);
    expect(keyring.dataKey(first)).toBeDefined();
  });

  it('is picked up by a running process within the check interval, without an explicit reload', () => {
    ensureKeyFile(file);
    const keyring = loadKeyring(file);
    const first = keyring.activeKeyId();
    const second = addDataKey(file);
    expect(keyring.activeKeyId(), 'before the interval has passed').toBe(first);
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + KEY_FILE_CHECK_MS + 1);
    expect(keyring.activeKeyId()).toBe(second);
  });

  it('refuses a reloaded file whose index key changed', () => {
    ensureKeyFile(file);
    const keyring = loadKeyring(file);
    const content = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
    writeFileSync(file, JSON.stringify({ ...content, indexKey: Buffer.alloc(32, 1).toString('base64') }), { mode: 0o600 });
    expect(() => keyring.reload()).toThrow(/index key changed/);
  });
});
