import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';

// The database, its log and shared-memory files, backups and the key file hold personal data or
// what opens it: whoever else shares the machine must not read them.

/** Files of personal data and keys: read and written by their owner only. */
export const OWNER_ONLY_FILE = 0o600;
/** Directories Haven creates for such files. */
export const OWNER_ONLY_DIRECTORY = 0o700;

/** Creates the directory `file` goes in, and its parents, owner-only when missing; existing ones are left as they are (they may be shared on purpose). */
export function makeDirectoryFor(file: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: OWNER_ONLY_DIRECTORY });
}

/**
 * Takes every permission of the group and of others off `file` when it exists (a database or a
 * backup written before Haven created them owner-only). A file someone else owns cannot be
 * changed and is left as it is: its owner chose who may read it.
 */
export function tightenToOwner(file: string): void {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if ((mode & 0o077) === 0) return;
  try {
    chmodSync(file, mode & 0o700);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}

/**
 * Creates `file` empty and owner-only, for a tool to write into (SQLite, pg_dump), which keeps the
 * mode of a file that exists. With `exclusive`, an existing file is an error (EEXIST).
 */
export function createOwnerOnlyFile(file: string, options: { exclusive?: boolean } = {}): void {
  makeDirectoryFor(file);
  closeSync(openSync(file, options.exclusive ? 'wx' : 'a', OWNER_ONLY_FILE));
}
