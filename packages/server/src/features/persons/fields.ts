import type { FieldGroup } from '@haven/core';
import type { PersonTable } from '../../platform/db/schema.js';

/** How each field of a person's record is stored: its group, column, encoding and whether it is encrypted. */
export interface PersonField {
  name: string;
  group: FieldGroup;
  column: keyof PersonTable;
  encrypted: boolean;
  /** `json`: lists and objects as JSON text; `flag`: a boolean as 0/1. */
  encoding: 'plain' | 'json' | 'flag';
}

export const PERSON_FIELDS: readonly PersonField[] = [
  { name: 'givenName', group: 'identity', column: 'given_name_enc', encrypted: true, encoding: 'plain' },
  { name: 'familyName', group: 'identity', column: 'family_name_enc', encrypted: true, encoding: 'plain' },
  { name: 'nameScript', group: 'identity', column: 'name_script', encrypted: false, encoding: 'plain' },
  { name: 'transliterations', group: 'identity', column: 'transliterations_enc', encrypted: true, encoding: 'json' },
  { name: 'aliases', group: 'identity', column: 'aliases_enc', encrypted: true, encoding: 'json' },
  { name: 'otherNames', group: 'identity', column: 'other_names_enc', encrypted: true, encoding: 'json' },
  { name: 'sex', group: 'identity', column: 'sex', encrypted: false, encoding: 'plain' },
  { name: 'birthDate', group: 'identity', column: 'birth_date_enc', encrypted: true, encoding: 'plain' },
  { name: 'birthDatePrecision', group: 'identity', column: 'birth_date_precision', encrypted: false, encoding: 'plain' },
  { name: 'ageClaimed', group: 'identity', column: 'age_claimed', encrypted: false, encoding: 'plain' },
  { name: 'ageDisputed', group: 'identity', column: 'age_disputed', encrypted: false, encoding: 'flag' },
  { name: 'nationality', group: 'identity', column: 'nationality', encrypted: false, encoding: 'plain' },
  { name: 'languages', group: 'identity', column: 'languages', encrypted: false, encoding: 'json' },
  { name: 'accompaniment', group: 'identity', column: 'accompaniment', encrypted: false, encoding: 'plain' },
  { name: 'phone', group: 'contact', column: 'phone_enc', encrypted: true, encoding: 'plain' },
  { name: 'address', group: 'contact', column: 'address_enc', encrypted: true, encoding: 'plain' },
];

export const ENCRYPTED_PERSON_COLUMNS = PERSON_FIELDS.filter((f) => f.encrypted).map((f) => f.column);
