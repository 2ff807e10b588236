import { z } from 'zod';
import { JUSTICE_ROLES } from '../engine/catalogue.js';
import { accessChangeSchema } from './access.js';
import { calendarDateSchema, idSchema, instantSchema, textSchema, versionSchema } from './common.js';

// The criminal-justice side (seed paras 11, 15, 17, 18) and the oversight of failures to assist
// (seed para 14): the codes and the input schemas shared by the server and the web app.

/** An investigation by the police, or a prosecution once charges are brought. */
export const INVESTIGATION_KINDS = ['investigation', 'prosecution'] as const;
export type InvestigationKind = (typeof INVESTIGATION_KINDS)[number];

/**
 * The offences of Protocol art. 6(1): smuggling of migrants (a), the document offences committed
 * to enable it (b), and enabling a person to remain illegally (c).
 */
export const SMUGGLING_OFFENCES = ['smuggling_of_migrants', 'fraudulent_document_offence', 'enabling_illegal_stay'] as const;
export type SmugglingOffence = (typeof SMUGGLING_OFFENCES)[number];

/** Protocol art. 6(3): circumstances that aggravate a smuggling offence. */
export const AGGRAVATING_CIRCUMSTANCES = ['endangering_life', 'inhuman_or_degrading_treatment', 'exploitation'] as const;
export type AggravatingCircumstance = (typeof AGGRAVATING_CIRCUMSTANCES)[number];

export const INVESTIGATION_STATUSES = ['open', 'suspended', 'closed'] as const;
export type InvestigationStatus = (typeof INVESTIGATION_STATUSES)[number];

export const PROTECTION_MEASURE_TYPES = ['safe_shelter', 'anonymised_testimony', 'relocation', 'police_protection', 'other'] as const;
export type ProtectionMeasureType = (typeof PROTECTION_MEASURE_TYPES)[number];

export const PROTECTION_MEASURE_STATUSES = ['requested', 'granted', 'refused'] as const;
export type ProtectionMeasureStatus = (typeof PROTECTION_MEASURE_STATUSES)[number];

/**
 * Crimes committed against migrants (seed para 17) and the aggravating circumstances of their
 * smuggling (seed para 11), each recorded as an incident against a person.
 */
export const INCIDENT_KINDS = [
  'assault',
  'sexual_violence',
  'extortion',
  'kidnapping',
  'robbery',
  'death',
  'disappearance',
  ...AGGRAVATING_CIRCUMSTANCES,
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const INCIDENT_STATUSES = ['reported', 'under_investigation', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** received → under_investigation → substantiated | unsubstantiated → closed. */
export const ALLEGATION_STATUSES = ['received', 'under_investigation', 'substantiated', 'unsubstantiated', 'closed'] as const;
export type AllegationStatus = (typeof ALLEGATION_STATUSES)[number];

/** Longest description of a failure to assist that intake accepts. */
export const MAX_ALLEGATION_DESCRIPTION = 5000;

/** A case reference as the agency writes it (`PPO-2026/0142`): no free text, so no names. */
export const investigationReferenceSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._:/-]{0,79}$/, 'must be a case reference of letters, digits and . _ : / - (at most 80)');

const aggravatingSchema = z
  .array(z.enum(AGGRAVATING_CIRCUMSTANCES))
  .max(AGGRAVATING_CIRCUMSTANCES.length)
  .refine((list) => new Set(list).size === list.length, 'must not repeat a circumstance');

export const investigationInputSchema = z.strictObject({
  reference: investigationReferenceSchema,
  kind: z.enum(INVESTIGATION_KINDS).default('investigation'),
  offence: z.enum(SMUGGLING_OFFENCES).default('smuggling_of_migrants'),
  aggravating: aggravatingSchema.default([]),
});
export type InvestigationInput = z.infer<typeof investigationInputSchema>;

export const investigationChangeSchema = z.strictObject({
  version: versionSchema,
  /** An investigation becomes a prosecution when charges are brought; never the reverse. */
  kind: z.enum(INVESTIGATION_KINDS).optional(),
  offence: z.enum(SMUGGLING_OFFENCES).optional(),
  aggravating: aggravatingSchema.optional(),
  status: z.enum(INVESTIGATION_STATUSES).optional(),
});
export type InvestigationChange = z.infer<typeof investigationChangeSchema>;

/** How a person takes part in proceedings (the engine's JUSTICE_ROLES); a witness is owed `justice.witness_support`. */
export const justiceLinkInputSchema = z.strictObject({
  /** The investigation or prosecution, by the id its agency gave. */
  investigationId: idSchema,
  role: z.enum(JUSTICE_ROLES),
  /** Whether the person remains reachable for proceedings. */
  reachable: z.boolean().default(true),
});
export type JusticeLinkInput = z.infer<typeof justiceLinkInputSchema>;

/** An investigating agency links a person it sees to its own investigation, as victim or witness. */
export const investigationLinkInputSchema = z.strictObject({
  personId: idSchema,
  role: z.enum(JUSTICE_ROLES),
  reachable: z.boolean().default(true),
});
export type InvestigationLinkInput = z.infer<typeof investigationLinkInputSchema>;

export const justiceLinkChangeSchema = z.strictObject({
  version: versionSchema,
  reachable: z.boolean().optional(),
  /** How to reach the person for the proceedings (a phone, an address, who knows where they are); null forgets it. */
  reachHow: textSchema(500).nullable().optional(),
  /** Their reachability was confirmed now (the server's clock stamps it). */
  confirmed: z.literal(true).optional(),
});
export type JusticeLinkChange = z.infer<typeof justiceLinkChangeSchema>;

export const protectionMeasureInputSchema = z.strictObject({
  type: z.enum(PROTECTION_MEASURE_TYPES),
  notes: textSchema(2000).optional(),
  /** When the measure is next to be reviewed. */
  reviewOn: calendarDateSchema.optional(),
});
export type ProtectionMeasureInput = z.infer<typeof protectionMeasureInputSchema>;

/** The decision on a requested measure (once), and its next review date (any time). */
export const protectionMeasureDecisionSchema = z
  .strictObject({
    version: versionSchema,
    status: z.enum(['granted', 'refused']).optional(),
    notes: textSchema(2000).optional(),
    reviewOn: calendarDateSchema.nullable().optional(),
  })
  .refine((change) => change.status !== undefined || change.reviewOn !== undefined, { message: 'must give a decision or a review date', path: ['status'] });
export type ProtectionMeasureDecision = z.infer<typeof protectionMeasureDecisionSchema>;

export const incidentInputSchema = z.strictObject({
  kind: z.enum(INCIDENT_KINDS),
  occurredAt: instantSchema.optional(),
  /** Where it happened, as a place name (no personal data). */
  place: textSchema(200).optional(),
  description: textSchema(10_000).optional(),
  /** The investigation it belongs to, when there is one. */
  investigationId: idSchema.optional(),
});
export type IncidentInput = z.infer<typeof incidentInputSchema>;

/**
 * An incident recorded from the investigation: a crime against each victim (one incident per
 * victim, as every incident is against a person), the victims and witnesses linked to the
 * investigation in the same transaction.
 */
export const investigationIncidentInputSchema = z
  .strictObject({
    kind: z.enum(INCIDENT_KINDS),
    occurredAt: instantSchema.optional(),
    place: textSchema(200).optional(),
    description: textSchema(10_000).optional(),
    victims: z.array(idSchema).min(1, 'must name at least one victim').max(50),
    witnesses: z.array(idSchema).max(50).default([]),
  })
  .refine((input) => new Set([...input.victims, ...input.witnesses]).size === input.victims.length + input.witnesses.length, {
    message: 'must not name a person twice',
    path: ['witnesses'],
  });
export type InvestigationIncidentInput = z.infer<typeof investigationIncidentInputSchema>;

export const incidentChangeSchema = z.strictObject({
  version: versionSchema,
  status: z.enum(INCIDENT_STATUSES).optional(),
  occurredAt: instantSchema.optional(),
  place: textSchema(200).optional(),
  description: textSchema(10_000).optional(),
  investigationId: idSchema.nullable().optional(),
});
export type IncidentChange = z.infer<typeof incidentChangeSchema>;

const allegationDescriptionSchema = textSchema(MAX_ALLEGATION_DESCRIPTION).refine((d) => d.length >= 10, 'must say what happened, in at least 10 characters');

/** Anyone may report a failure to assist: what happened, in their words; nothing about themself. */
export const allegationInputSchema = z.strictObject({ description: allegationDescriptionSchema });
export type AllegationInput = z.infer<typeof allegationInputSchema>;

export const allegationChangeSchema = z.strictObject({
  version: versionSchema,
  status: z.enum(ALLEGATION_STATUSES).optional(),
  findings: textSchema(20_000).optional(),
  remedy: textSchema(20_000).optional(),
  /** What the allegation is about, where it can be established (null unlinks). */
  personId: idSchema.nullable().optional(),
  obligationId: idSchema.nullable().optional(),
  incidentId: idSchema.nullable().optional(),
  /** Hands the allegation to another oversight agency. */
  oversightAgencyId: idSchema.optional(),
});
export type AllegationChange = z.infer<typeof allegationChangeSchema>;

/** The receipt an allegation's filer follows it up with: `HVN-` and 16 base32 characters (80 random bits). */
export const allegationReceiptSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^HVN-[A-Z2-7]{16}$/, 'must be a receipt code such as HVN-ABCDEFGHIJKLMNOP');

/** An allegation as the oversight body reads it (the server answers with it; the web app types it). */
export const allegationSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(ALLEGATION_STATUSES),
    description: z.string(),
    filedBy: z.string().nullable().describe('The user who filed it; null when filed anonymously'),
    personId: z.uuid().nullable(),
    obligationId: z.uuid().nullable(),
    incidentId: z.uuid().nullable(),
    oversightAgencyId: z.uuid().nullable(),
    findings: z.string().nullable(),
    remedy: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Allegation' });
export type Allegation = z.infer<typeof allegationSchema>;

/** What the filer of an allegation gets back: the receipt, shown once. */
export const allegationReceiptViewSchema = z
  .object({
    receipt: z.string().describe('Shown once: keep it to follow the allegation up at GET /api/public/allegations/{receipt}. Haven keeps only its hash.'),
    status: z.enum(ALLEGATION_STATUSES),
  })
  .meta({ id: 'AllegationReceipt' });
export type AllegationReceiptView = z.infer<typeof allegationReceiptViewSchema>;

/** What following an allegation up with its receipt tells: where it stands, nothing more. */
export const allegationFollowUpSchema = z.object({ status: z.enum(ALLEGATION_STATUSES), updatedAt: z.string() }).meta({ id: 'AllegationFollowUp' });
export type AllegationFollowUp = z.infer<typeof allegationFollowUpSchema>;

/** A waiver or a guard override, as the oversight queue lists it. */
export const oversightDecisionSchema = z
  .object({
    kind: z.enum(['waiver', 'override']),
    id: z.uuid(),
    personId: z.uuid(),
    agencyId: z.uuid(),
    subject: z.string(),
    /** A waiver's obligation code (its title is the screens'). */
    obligationCode: z.string().optional(),
    reason: z.string(),
    by: z.string(),
    byName: z.string().nullable().describe('The supervisor’s display name'),
    agencyName: z.string().nullable(),
    at: z.string(),
    /**
     * An override of the refusal to detain a child, made as a measure of last resort: the
     * alternatives considered (null once destroyed under the retention policy) and the planned end.
     */
    lastResort: z.object({ alternativesConsidered: z.string().nullable(), plannedEnd: z.string() }).optional(),
  })
  .meta({ id: 'OversightDecision' });
export type OversightDecision = z.infer<typeof oversightDecisionSchema>;

/** A change of an account's access that needed a second administrator, pending or decided. */
export const oversightAccessChangeSchema = z
  .object({ kind: z.literal('access_change'), id: z.uuid(), at: z.string().describe('When it was decided, or requested while pending'), change: accessChangeSchema })
  .meta({ id: 'OversightAccessChange' });

/**
 * An obligation left overdue beyond the profile's escalation limit: the oversight body sees which
 * obligation, of which agency, and for how long, but not whose it is.
 */
export const oversightEscalationSchema = z
  .object({
    kind: z.literal('escalation'),
    id: z.uuid().describe('The obligation'),
    agencyId: z.uuid(),
    agencyName: z.string(),
    subject: z.string().describe('The obligation code'),
    dueBy: z.string(),
    at: z.string().describe('When it was escalated: its deadline plus the escalation limit'),
    overdueMinutes: z.number().int().describe('How long it has been overdue, at the time of the answer'),
  })
  .meta({ id: 'OversightEscalation' });
export type OversightEscalation = z.infer<typeof oversightEscalationSchema>;

export const oversightItemSchema = z.discriminatedUnion('kind', [oversightDecisionSchema, oversightAccessChangeSchema, oversightEscalationSchema]);
export type OversightItem = z.infer<typeof oversightItemSchema>;

// What the justice routes answer.

export const investigationViewSchema = z
  .object({
    id: z.uuid(),
    reference: z.string(),
    agencyId: z.uuid(),
    kind: z.enum(INVESTIGATION_KINDS),
    offence: z.enum(SMUGGLING_OFFENCES),
    aggravating: z.array(z.enum(AGGRAVATING_CIRCUMSTANCES)),
    status: z.enum(INVESTIGATION_STATUSES),
    createdBy: z.string(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Investigation' });
export type InvestigationView = z.infer<typeof investigationViewSchema>;

export const protectionMeasureViewSchema = z
  .object({
    id: z.uuid(),
    justiceLinkId: z.uuid(),
    type: z.enum(PROTECTION_MEASURE_TYPES),
    status: z.enum(PROTECTION_MEASURE_STATUSES),
    notes: z.string().nullable(),
    requestedBy: z.string(),
    requestedAt: z.string(),
    decidedAt: z.string().nullable(),
    reviewOn: z.string().nullable().describe('The date of its next review'),
    version: z.number().int(),
  })
  .meta({ id: 'ProtectionMeasure' });
export type ProtectionMeasureView = z.infer<typeof protectionMeasureViewSchema>;

export const justiceLinkViewSchema = z
  .object({
    id: z.uuid(),
    personId: z.uuid(),
    investigationId: z.uuid(),
    /** Enough of the investigation to know whose it is and where it stands. */
    investigation: z.object({ reference: z.string(), agencyId: z.uuid(), kind: z.enum(INVESTIGATION_KINDS), status: z.enum(INVESTIGATION_STATUSES) }),
    role: z.enum(JUSTICE_ROLES),
    reachable: z.boolean().describe('Whether the person remains reachable for proceedings'),
    reachHow: z.string().nullable().describe('How to reach them for the proceedings'),
    reachConfirmedAt: z.string().nullable().describe('When their reachability was last confirmed'),
    measures: z.array(protectionMeasureViewSchema),
    createdBy: z.string(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'JusticeLink' });
export type JusticeLinkView = z.infer<typeof justiceLinkViewSchema>;

export const incidentViewSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(INCIDENT_KINDS),
    personId: z.uuid().nullable(),
    investigationId: z.uuid().nullable(),
    agencyId: z.uuid(),
    occurredAt: z.string().nullable(),
    place: z.string().nullable(),
    description: z.string().nullable(),
    status: z.enum(INCIDENT_STATUSES),
    createdBy: z.string(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Incident' });
export type IncidentView = z.infer<typeof incidentViewSchema>;

export const investigationDetailSchema = investigationViewSchema
  .extend({ links: z.array(justiceLinkViewSchema), incidents: z.array(incidentViewSchema) })
  .meta({ id: 'InvestigationDetail' });
export type InvestigationDetail = z.infer<typeof investigationDetailSchema>;

/** What recording an incident from the investigation answers: the incidents (one per victim) and the links made. */
export const investigationIncidentsSchema = z
  .object({ incidents: z.array(incidentViewSchema), links: z.array(justiceLinkViewSchema) })
  .meta({ id: 'InvestigationIncidents' });
export type InvestigationIncidents = z.infer<typeof investigationIncidentsSchema>;

/** An investigation a case manager may link their person to: its reference and whose it is, nothing about anyone. */
export const linkableInvestigationSchema = z
  .object({
    id: z.uuid(),
    reference: z.string(),
    kind: z.enum(INVESTIGATION_KINDS),
    status: z.enum(INVESTIGATION_STATUSES),
    agencyId: z.uuid(),
    agencyName: z.string(),
  })
  .meta({ id: 'LinkableInvestigation' });
export type LinkableInvestigation = z.infer<typeof linkableInvestigationSchema>;

export const personJusticeSchema = z
  .object({ personId: z.uuid(), links: z.array(justiceLinkViewSchema), incidents: z.array(incidentViewSchema) })
  .meta({ id: 'PersonJustice' });
export type PersonJustice = z.infer<typeof personJusticeSchema>;
