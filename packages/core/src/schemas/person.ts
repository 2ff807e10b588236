import { z } from 'zod';
import { ACCOMPANIMENTS, BIRTH_DATE_PRECISIONS, FIELD_GROUPS, OBSERVED_INDICATORS, SEXES } from '../codes.js';
import { ageChallengeViewSchema } from './age.js';
import { calendarDateSchema, countryCodeSchema, languageCodeSchema, textSchema } from './common.js';

/**
 * The fields of a person's record, by field group. Access to personal data is granted per
 * group, so this map is what the server filters on and what a referral chooses from.
 */
export const PERSON_FIELD_GROUPS = {
  identity: [
    'givenName',
    'familyName',
    'nameScript',
    'transliterations',
    'aliases',
    'otherNames',
    'sex',
    'birthDate',
    'birthDatePrecision',
    'ageClaimed',
    'ageDisputed',
    'nationality',
    'languages',
    'accompaniment',
  ],
  contact: ['phone', 'address'],
} as const;

export const personNameSchema = textSchema(200);

/** A name written in another script or tradition, e.g. "Mohamed El Hassan" for "محمد الحسن". */
export const transliterationSchema = z.strictObject({
  givenName: personNameSchema.optional(),
  familyName: personNameSchema.optional(),
  /** ISO 15924 script code of this rendering, e.g. Latn. */
  script: z.string().regex(/^[A-Z][a-z]{3}$/, 'must be an ISO 15924 script code such as Latn or Arab').optional(),
});

/** ISO 15924 script of the name as the person gave it. */
export const scriptCodeSchema = z.string().regex(/^[A-Z][a-z]{3}$/, 'must be an ISO 15924 script code such as Arab, Latn or Ethi');

export const nationalitySchema = z.union([countryCodeSchema, z.literal('stateless'), z.literal('unknown')]);

const personShape = {
  givenName: personNameSchema.optional(),
  familyName: personNameSchema.optional(),
  nameScript: scriptCodeSchema.optional(),
  transliterations: z.array(transliterationSchema).max(20).optional(),
  aliases: z.array(personNameSchema).max(20).optional(),
  /** Father's, grandfather's and other names as given. */
  otherNames: z.array(personNameSchema).max(20).optional(),
  sex: z.enum(SEXES),
  birthDate: calendarDateSchema.optional(),
  birthDatePrecision: z.enum(BIRTH_DATE_PRECISIONS).optional(),
  ageClaimed: z.number().int().min(0).max(130).optional(),
  /** The claimed age is doubted: until an age assessment is recorded the person is treated as a child. */
  ageDisputed: z.boolean().optional(),
  nationality: nationalitySchema.optional(),
  languages: z.array(languageCodeSchema).max(20).optional(),
  accompaniment: z.enum(ACCOMPANIMENTS).optional(),
  phone: textSchema(50).optional(),
  address: textSchema(500).optional(),
};

export const personInputSchema = z.strictObject(personShape);
export type PersonInput = z.infer<typeof personInputSchema>;

/** Indicators an officer may record; derived ones (child, female…) are computed, never entered. */
export const observedIndicatorSchema = z.enum(OBSERVED_INDICATORS);

/**
 * One person in a mass registration at the point of encounter: the minimal record, plus the
 * first indicators seen (a medical emergency on the quay).
 */
export const registrationPersonSchema = z.strictObject({
  ...personShape,
  indicators: z.array(observedIndicatorSchema).max(40).optional(),
});
export type RegistrationPersonInput = z.infer<typeof registrationPersonSchema>;

// What the person routes answer.

/** A person's fields as answered: only those of the groups the caller may see are present. */
export type PersonFields = Partial<PersonInput>;

export const personViewSchema = z
  .object({
    id: z.uuid(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    fieldGroups: z.array(z.enum(FIELD_GROUPS)).describe('The field groups of this record the caller may see'),
    fields: z.record(z.string(), z.unknown()).describe('Only the fields of the visible groups'),
  })
  .meta({ id: 'Person' });
/** The fields are described loosely (which are present depends on the caller); their values are a person's input. */
export type PersonView = Omit<z.infer<typeof personViewSchema>, 'fields'> & { fields: PersonFields };

// Parts of a person's record beside the person: identity-group data, answered whole or not at all.

export const ageAssessmentViewSchema = z
  .object({
    id: z.uuid(),
    method: z.string(),
    assessedOn: z.string(),
    minAge: z.number().int(),
    maxAge: z.number().int(),
    assessor: z.string(),
    recordedBy: z.string(),
    createdAt: z.string(),
    /** Reviews and appeals of this assessment, oldest first. */
    challenges: z.array(ageChallengeViewSchema),
  })
  .meta({ id: 'AgeAssessment' });
export type AgeAssessmentView = z.infer<typeof ageAssessmentViewSchema>;

export const familyLinkViewSchema = z.object({ id: z.uuid(), personId: z.uuid(), relatedPersonId: z.uuid(), relation: z.string() }).meta({ id: 'FamilyLink' });
export type FamilyLinkView = z.infer<typeof familyLinkViewSchema>;

export const identityDocumentViewSchema = z
  .object({ id: z.uuid(), type: z.string(), number: z.string().nullable(), issuingCountry: z.string().nullable(), expiresOn: z.string().nullable() })
  .meta({ id: 'IdentityDocument' });
export type IdentityDocumentView = z.infer<typeof identityDocumentViewSchema>;
