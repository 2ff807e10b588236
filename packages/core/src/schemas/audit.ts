import { z } from 'zod';

// What the audit routes answer: events of the hash-chained trail (field names, never values).

const eventFields = {
  seq: z.number().int(),
  at: z.string(),
  actorUserId: z.string().nullable(),
  actorName: z.string().nullable().describe('The acting user’s display name (null for the system or a user since erased)'),
  actorAgencyId: z.string().nullable(),
  actorAgencyName: z.string().nullable(),
  action: z.string(),
} as const;
const eventTrailer = {
  fields: z.array(z.string()).describe('Names of the fields touched; never their values'),
  requestId: z.string().nullable(),
  clientAddress: z.string().nullable(),
  hash: z.string(),
} as const;

export const auditEventSchema = z
  .object({ ...eventFields, recordType: z.string(), recordId: z.string().nullable(), ...eventTrailer })
  .meta({ id: 'AuditEvent' });
export type AuditEvent = z.infer<typeof auditEventSchema>;

export const auditEventsPageSchema = z.object({ items: z.array(auditEventSchema), nextAfter: z.number().int().nullable() });
export type AuditEventsPage = z.infer<typeof auditEventsPageSchema>;

/** An event of one record's trail: the record is named once, by the trail. */
export const recordEventSchema = z.object({ ...eventFields, ...eventTrailer });
export type RecordEvent = z.infer<typeof recordEventSchema>;

export const recordTrailSchema = z.object({ recordType: z.string(), recordId: z.string(), items: z.array(recordEventSchema), nextAfter: z.number().int().nullable() });
export type RecordTrail = z.infer<typeof recordTrailSchema>;

export const auditVerificationSchema = z.object({ ok: z.boolean(), rows: z.number().int(), firstBad: z.object({ seq: z.number().int(), reason: z.string() }).optional() });
export type AuditVerification = z.infer<typeof auditVerificationSchema>;
