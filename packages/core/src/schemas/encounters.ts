import { z } from 'zod';
import { ENCOUNTER_TYPES, FIELD_GROUPS } from '../codes.js';
import { likelyDuplicateSchema, likelyMatchElsewhereSchema } from './duplicates.js';

// What the encounter routes answer: the encounter, the persons registered at it, its triage.

export const encounterViewSchema = z
  .object({
    id: z.uuid(),
    type: z.enum(ENCOUNTER_TYPES),
    occurredAt: z.string(),
    place: z.object({ name: z.string(), latitude: z.number().optional(), longitude: z.number().optional() }),
    agencyId: z.uuid(),
    vessel: z.string().nullable(),
    area: z.string().nullable(),
    peopleOnBoard: z.number().int().nullable(),
    dead: z.number().int(),
    missing: z.number().int(),
    notes: z.string().nullable(),
    registeredPersons: z.number().int(),
    version: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'Encounter' });
export type EncounterView = z.infer<typeof encounterViewSchema>;

/** A person as registered: the record, and the likely duplicates when the caller asked for them. */
export const registeredPersonSchema = z.object({
  id: z.uuid(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  fieldGroups: z.array(z.enum(FIELD_GROUPS)),
  fields: z.record(z.string(), z.unknown()),
  likelyDuplicates: z.array(likelyDuplicateSchema).optional(),
  likelyMatchesElsewhere: z.array(likelyMatchElsewhereSchema).optional(),
});

/** What a mass registration answers: the encounter and everyone registered at it. */
export const encounterRegistrationSchema = z.object({ encounterId: z.uuid(), persons: z.array(registeredPersonSchema) });
export type EncounterRegistration = z.infer<typeof encounterRegistrationSchema>;

/** Triage categories, most urgent first (DOMAIN.md section 2: medical emergencies and children first). */
export const TRIAGE_CATEGORIES = ['medical_emergency', 'unaccompanied_child', 'child', 'pregnant', 'other'] as const;
export type TriageCategory = (typeof TRIAGE_CATEGORIES)[number];

export const triageEntrySchema = z.object({
  personId: z.uuid(),
  category: z.enum(TRIAGE_CATEGORIES).describe('The most urgent category that applies: the triage order'),
  categories: z.array(z.enum(TRIAGE_CATEGORIES)).describe('Every category that applies, most urgent first (other only when none does)'),
  flags: z.array(z.string()),
  givenName: z.string().optional(),
  familyName: z.string().optional(),
  sex: z.string().optional(),
  ageClaimed: z.number().optional(),
});
export type TriageEntry = z.infer<typeof triageEntrySchema>;
