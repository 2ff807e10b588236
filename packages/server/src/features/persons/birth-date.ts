import type { Platform } from '../../platform/context.js';
import { placeOf, type FieldCipher } from '../../platform/crypto/cipher.js';
import type { PersonTable } from '../../platform/db/schema.js';
import { systemStore } from '../../store/system-store.js';
import type { StoreUnit } from '../../store/unit.js';
import { birthDateIndexOf } from '../duplicates/service.js';
import { cleanPersonsSpace, datedPersonsMetAt, encryptBirthDateBatch, plaintextBirthDateCount, setAgeAtEncounter } from './store.js';

// The exact date of birth is encrypted like every personal field (birth_date_enc, through
// PERSON_FIELDS). Beside it, in plaintext, only what reads it in bulk needs: the year (the
// duplicate ranking) and the age at the encounter (the statistics), with a blind index of a date
// taken to the day for the ranking's equal-date test. They follow the date wherever it is written.

/**
 * Whole years from `birthDate` to the encounter at `occurredAt` (RFC 3339, UTC), as the
 * indicators count age: from the date as recorded whatever its precision (the engine's own
 * reading, case-facts' ageAt, gives a year-only date the benefit of the doubt instead). Null
 * without a date or an encounter.
 */
export function ageAtEncounter(birthDate: string | null | undefined, occurredAt: string | null | undefined): number | null {
  if (!birthDate || !occurredAt) return null;
  const years = Number(occurredAt.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return occurredAt.slice(5, 10) < birthDate.slice(5, 10) ? years - 1 : years;
}

export type BirthDateColumns = Pick<PersonTable, 'birth_year' | 'birth_date_index' | 'age_at_encounter'>;

/** The plaintext and keyed columns that follow a person's date of birth (the date itself is encrypted by encodePersonFields). */
export function birthDateColumns(
  cipher: FieldCipher,
  birthDate: string | null | undefined,
  precision: string | null | undefined,
  occurredAt: string | null | undefined,
): BirthDateColumns {
  return {
    birth_year: birthDate ? Number(birthDate.slice(0, 4)) : null,
    birth_date_index: birthDateIndexOf(cipher, birthDate, precision),
    age_at_encounter: ageAtEncounter(birthDate, occurredAt),
  };
}

/** The date of birth of a stored person, decrypted; null when none is recorded. */
export function birthDateOf(cipher: FieldCipher, row: Pick<PersonTable, 'id' | 'birth_date_enc'>): string | null {
  return cipher.decryptNullable(row.birth_date_enc, placeOf('persons', 'birth_date_enc', row.id));
}

/**
 * After an encounter's time changed: the age at the encounter of every person met in it, again.
 * Only the persons whose age moves are written, a statement per age.
 */
export async function restateAgesAtEncounter(unit: StoreUnit, encounterId: string, occurredAt: string): Promise<void> {
  const moved = new Map<number | null, string[]>();
  for (const row of await datedPersonsMetAt(unit, encounterId)) {
    const age = ageAtEncounter(birthDateOf(unit.platform.cipher, row), occurredAt);
    if (age === row.age_at_encounter) continue;
    moved.set(age, [...(moved.get(age) ?? []), row.id]);
  }
  for (const [age, ids] of moved) await setAgeAtEncounter(unit, age, ids);
}

/** Dates encrypted per transaction by the catch-up: a start cut short loses at most one batch's work, which the next start does again. */
const CATCH_UP_BATCH = 5000;

export interface CatchUpOptions {
  batchSize?: number;
  /** Told once before the first batch, with how many dates are to be encrypted. */
  onStart?: (total: number) => void;
  /** Told after each batch. */
  progress?: (done: number, total: number) => void;
}

/**
 * Encrypts the plaintext dates of birth a database from before their encryption still holds
 * (migration 015 keeps them, having no key): each into birth_date_enc with its blind index, the
 * plaintext cleared, a batch per transaction of the start-up system store. Idempotent, and safe
 * with several processes starting at once (on PostgreSQL a batch locks its rows; another process
 * waits for them, finds them done, and takes the next ones, so none serves before every date is
 * encrypted). Then the space the plaintext took is cleaned (cleanPersonsSpace). PostgreSQL's own
 * log keeps them until it recycles its segments. Returns how many dates it encrypted.
 */
export async function encryptPlaintextBirthDates(platform: Platform, options: CatchUpOptions = {}): Promise<number> {
  const { cipher } = platform;
  const startup = systemStore(platform, 'startup');
  const batchSize = options.batchSize ?? CATCH_UP_BATCH;
  const total = await startup.unit((unit) => plaintextBirthDateCount(unit));
  if (total === 0) return 0;
  options.onStart?.(total);
  const seal = (row: { id: string; birth_date: string; birth_date_precision: string | null }) => ({
    enc: cipher.encrypt(row.birth_date, placeOf('persons', 'birth_date_enc', row.id)),
    index: birthDateIndexOf(cipher, row.birth_date, row.birth_date_precision),
  });
  let done = 0;
  for (;;) {
    const encrypted = await startup.unit((unit) => encryptBirthDateBatch(unit, batchSize, seal));
    if (encrypted === 0) break;
    done += encrypted;
    options.progress?.(Math.min(done, total), total);
  }
  await cleanPersonsSpace(platform.database);
  return done;
}
