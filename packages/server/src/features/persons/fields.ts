import type { FieldGroup } from '@haven/core';
import type { PersonTable } from '../../platform/db/schema.js';

/** How each field of a person's record is stored: its group, column, and whether it is encrypted. */
export interface PersonField {
  name: string;
  group: FieldGroup;
  column: keyof PersonTable;
  encrypted: boolean;
  /** Lists are stored as JSON text. */
  list: boolean;
}

export const PERSON_FIELDS: readonly PersonField[] = [
  { name: 'givenName', group: 'identity', column: 'given_name_enc', encrypted: true, list: false },
  { name: 'familyName', group: 'identity', column: 'family_name_enc', encrypted: true, list: false },
  { name: 'otherNames', group: 'identity', column: 'other_names_enc', encrypted: true, list: true },
  { name: 'sex', group: 'identity', column: 'sex', encrypted: false, list: false },
  { name: 'birthDate', group: 'identity', column: 'birth_date', encrypted: false, list: false },
  { name: 'birthDatePrecision', group: 'identity', column: 'birth_date_precision', encrypted: false, list: false },
  { name: 'ageClaimed', group: 'identity', column: 'age_claimed', encrypted: false, list: false },
  { name: 'nationality', group: 'identity', column: 'nationality', encrypted: false, list: false },
  { name: 'languages', group: 'identity', column: 'languages', encrypted: false, list: true },
  { name: 'accompaniment', group: 'identity', column: 'accompaniment', encrypted: false, list: false },
  { name: 'phone', group: 'contact', column: 'phone_enc', encrypted: true, list: false },
  { name: 'address', group: 'contact', column: 'address_enc', encrypted: true, list: false },
];

export const ENCRYPTED_PERSON_COLUMNS = PERSON_FIELDS.filter((f) => f.encrypted).map((f) => f.column);
