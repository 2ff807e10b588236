import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { makeDirectoryFor, OWNER_ONLY_FILE } from '../private-files.js';

/**
 * The key file: data keys (AES-256-GCM) by id, the active one, and a separate key for keyed
 * derived values (blind indexes, the audit anchor). It never enters the database or the logs.
 */
const keyFileSchema = z.strictObject({
  format: z.literal('haven-keyring/1'),
  active: z.string().min(1),
  keys: z
    .array(z.strictObject({ id: z.string().regex(/^[A-Za-z0-9-]+$/), key: z.base64(), createdAt: z.string() }))
    .min(1),
  indexKey: z.base64(),
});
export type KeyFile = z.infer<typeof keyFileSchema>;

export class KeyringError extends Error {}

export interface Keyring {
  readonly file: string;
  activeKeyId(): string;
  dataKey(id: string): Buffer | undefined;
  readonly indexKey: Buffer;
  keyIds(): string[];
  /** Re-reads the file, picking up keys another process added by `haven keys rotate`. */
  reload(): void;
}

function newKeyId(now: Date): string {
  return `k${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
}

function writeKeyFile(file: string, content: KeyFile): void {
  makeDirectoryFor(file);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(content, null, 2)}\n`, { mode: OWNER_ONLY_FILE });
  chmodSync(tmp, OWNER_ONLY_FILE);
  renameSync(tmp, file);
}

function readKeyFile(file: string): KeyFile {
  const mode = statSync(file).mode;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new KeyringError(`key file ${file} is readable by others (mode ${(mode & 0o777).toString(8)}); run chmod 600 on it`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new KeyringError(`key file ${file} is not valid JSON`);
  }
  const parsed = keyFileSchema.safeParse(json);
  if (!parsed.success) throw new KeyringError(`key file ${file} is malformed at ${parsed.error.issues[0]!.path.join('.')}`);
  const content = parsed.data;
  if (!content.keys.some((k) => k.id === content.active)) throw new KeyringError(`key file ${file}: active key ${content.active} is missing`);
  for (const k of content.keys) {
    if (Buffer.from(k.key, 'base64').length !== 32) throw new KeyringError(`key file ${file}: key ${k.id} is not 256 bits`);
  }
  return content;
}

/** Creates the key file (mode 0600) when it does not exist yet. Returns true when it was created. */
export function ensureKeyFile(file: string, now: Date = new Date()): boolean {
  if (existsSync(file)) return false;
  const id = newKeyId(now);
  writeKeyFile(file, {
    format: 'haven-keyring/1',
    active: id,
    keys: [{ id, key: randomBytes(32).toString('base64'), createdAt: now.toISOString() }],
    indexKey: randomBytes(32).toString('base64'),
  });
  return true;
}

/** Adds a new data key and makes it the active one; old keys stay so old ciphertexts still open. */
export function addDataKey(file: string, now: Date = new Date()): string {
  const content = readKeyFile(file);
  const id = newKeyId(now);
  content.keys.push({ id, key: randomBytes(32).toString('base64'), createdAt: now.toISOString() });
  content.active = id;
  writeKeyFile(file, content);
  return id;
}

/** How often a running process looks for a key added by `haven keys rotate` in another process. */
export const KEY_FILE_CHECK_MS = 5000;

export function loadKeyring(file: string): Keyring {
  if (!existsSync(file)) throw new KeyringError(`key file ${file} does not exist`);
  let content = readKeyFile(file);
  let keys = new Map(content.keys.map((k) => [k.id, Buffer.from(k.key, 'base64')]));
  const indexKey = Buffer.from(content.indexKey, 'base64');
  let mtime = statSync(file).mtimeMs;
  let checkedAt = Date.now();
  const keyring: Keyring = {
    file,
    indexKey,
    activeKeyId() {
      // After a rotation every process must write under the new key, or the sweep would miss rows.
      if (Date.now() - checkedAt > KEY_FILE_CHECK_MS) {
        checkedAt = Date.now();
        const now = statSync(file).mtimeMs;
        if (now !== mtime) keyring.reload();
      }
      return content.active;
    },
    dataKey: (id) => keys.get(id),
    keyIds: () => [...keys.keys()],
    reload() {
      const next = readKeyFile(file);
      if (next.indexKey !== content.indexKey) throw new KeyringError(`key file ${file}: the index key changed`);
      content = next;
      keys = new Map(content.keys.map((k) => [k.id, Buffer.from(k.key, 'base64')]));
      mtime = statSync(file).mtimeMs;
    },
  };
  return keyring;
}
