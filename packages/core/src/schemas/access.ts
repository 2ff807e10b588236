import { z } from 'zod';
import { ROLES } from '../codes.js';
import { textSchema } from './common.js';

// Four eyes on access to personal data: what one administrator asks and a second approves.

export const ACCESS_CHANGE_STATUSES = ['pending', 'approved', 'refused', 'withdrawn'] as const;
export type AccessChangeStatus = (typeof ACCESS_CHANGE_STATUSES)[number];

/** A staff account as others see it named: never only an id. */
export const namedUserSchema = z.object({ id: z.uuid(), username: z.string(), displayName: z.string() }).meta({ id: 'NamedUser' });
export type NamedUser = z.infer<typeof namedUserSchema>;

export const namedAgencySchema = z.object({ id: z.uuid(), name: z.string() }).meta({ id: 'NamedAgency' });
export type NamedAgency = z.infer<typeof namedAgencySchema>;

export const accessChangeSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(['create', 'update']).describe('create: a new account, which cannot sign in before approval'),
    status: z.enum(ACCESS_CHANGE_STATUSES),
    account: namedUserSchema,
    requestedBy: namedUserSchema,
    requestedAt: z.string(),
    roleFrom: z.enum(ROLES).nullable().describe('null for a new account'),
    roleTo: z.enum(ROLES).describe('The role once approved (the same as roleFrom when the role does not change)'),
    agencyFrom: namedAgencySchema.nullable().describe('null for a new account'),
    agencyTo: namedAgencySchema.describe('The agency once approved (the same as agencyFrom when it does not change)'),
    setsPassword: z.boolean().describe('Sets a temporary password the account must change (only its hash is kept until then)'),
    resetsSecondFactor: z.boolean(),
    decidedBy: namedUserSchema.nullable().describe('Who approved or refused it; the requester, for a withdrawal'),
    decidedAt: z.string().nullable(),
    refusalReason: z.string().nullable(),
  })
  .meta({ id: 'AccessChange' });
export type AccessChange = z.infer<typeof accessChangeSchema>;

export const accessChangeRefusalSchema = z.strictObject({ reason: textSchema(2000).refine((r) => r.length >= 10, 'must explain why, in at least 10 characters') });
