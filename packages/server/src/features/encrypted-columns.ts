import { ENCRYPTED_PERSON_COLUMNS } from './persons/fields.js';

/** Every encrypted column, by table: what `haven keys rotate` re-encrypts. A new one must be added here. */
export const ENCRYPTED_COLUMNS: readonly { table: 'persons' | 'users'; columns: readonly string[] }[] = [
  { table: 'persons', columns: ENCRYPTED_PERSON_COLUMNS },
  { table: 'users', columns: ['totp_secret_enc'] },
];
