import { z } from 'zod';
import { ACCOMPANIMENTS, BIRTH_DATE_PRECISIONS, SEXES } from '../codes.js';
import { calendarDateSchema, countryCodeSchema, languageCodeSchema, textSchema } from './common.js';

/**
 * The fields of a person's record, by field group. Access to personal data is granted per
 * group, so this map is what the server filters on and what a referral chooses from.
 */
export const PERSON_FIELD_GROUPS = {
  identity: ['givenName', 'familyName', 'otherNames', 'sex', 'birthDate', 'birthDatePrecision', 'ageClaimed', 'nationality', 'languages', 'accompaniment'],
  contact: ['phone', 'address'],
} as const;

export const personNameSchema = textSchema(200);

export const personInputSchema = z.strictObject({
  givenName: personNameSchema.optional(),
  familyName: personNameSchema.optional(),
  otherNames: z.array(personNameSchema).max(20).optional(),
  sex: z.enum(SEXES),
  birthDate: calendarDateSchema.optional(),
  birthDatePrecision: z.enum(BIRTH_DATE_PRECISIONS).optional(),
  ageClaimed: z.number().int().min(0).max(130).optional(),
  nationality: z.union([countryCodeSchema, z.literal('stateless'), z.literal('unknown')]).optional(),
  languages: z.array(languageCodeSchema).max(20).optional(),
  accompaniment: z.enum(ACCOMPANIMENTS).optional(),
  phone: textSchema(50).optional(),
  address: textSchema(500).optional(),
});
export type PersonInput = z.infer<typeof personInputSchema>;
