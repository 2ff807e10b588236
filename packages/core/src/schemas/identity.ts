import { z } from 'zod';
import { AGENCY_TYPES, FIELD_GROUPS, GUARDED_ACTIONS, PERMISSIONS, ROLES } from '../codes.js';
import { DEADLINE_BASES } from '../engine/catalogue.js';
import { RETENTION_RECORD_TYPES } from '../engine/profiles.js';
import { accessChangeSchema } from './access.js';

// What the sign-in and administration routes answer.

export const agencyViewSchema = z
  .object({ id: z.uuid(), name: z.string(), type: z.enum(AGENCY_TYPES), area: z.string().nullable(), version: z.number().int(), createdAt: z.string() })
  .meta({ id: 'Agency' });
export type AgencyView = z.infer<typeof agencyViewSchema>;

/** A user as administrators see it: no secrets. */
export const userViewSchema = z
  .object({
    id: z.uuid(),
    agencyId: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    email: z.string().nullable(),
    role: z.enum(ROLES),
    totpEnabled: z.boolean(),
    disabled: z.boolean(),
    approved: z.boolean().describe('False while the account\'s creation awaits a second administrator\'s approval: it cannot sign in'),
    pendingChange: accessChangeSchema.nullable().describe('A change of the account\'s access awaiting a second administrator'),
    lockedUntil: z.string().nullable(),
    mustChangePassword: z.boolean(),
    version: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'User' });
export type UserView = z.infer<typeof userViewSchema>;

export const rolePolicyViewSchema = z
  .object({
    role: z.enum(ROLES),
    permissions: z.array(z.enum(PERMISSIONS)),
    fieldGroups: z.array(z.enum(FIELD_GROUPS)).describe('Groups of a person\'s record the role may ever see; a referral or justice link can narrow, never widen'),
    mfaRequired: z.boolean().describe('Always true for a role that reads personal data'),
  })
  .meta({ id: 'RolePolicy' });
export type RolePolicyView = z.infer<typeof rolePolicyViewSchema>;

export const sopProfileViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    obligations: z.array(
      z.object({
        code: z.string(),
        origin: z.enum(['baseline', 'profile']).describe('profile: added by the jurisdiction to the Protocol floor'),
        summary: z.string(),
        basis: z.array(z.string()),
        deadlineMs: z.number().int().nullable().describe('The deadline in force; null for a standing obligation'),
        baselineDeadlineMs: z.number().int().nullable().describe('The baseline deadline, when the profile shortened it'),
        escalationMs: z.number().int().nullable().describe('How long it may stay overdue before the oversight body sees it; null for a standing obligation'),
        base: z.enum(DEADLINE_BASES),
        fulfilledBy: z.record(z.string(), z.unknown()),
      }),
    ),
    guards: z.array(z.object({ action: z.enum(GUARDED_ACTIONS), meaning: z.string(), blockedBy: z.array(z.string()) })),
    mandatoryConsularNotification: z.array(z.string()).describe('Nationalities whose consulate is notified of a detention even unasked'),
    retention: z.array(z.object({ recordType: z.enum(RETENTION_RECORD_TYPES), period: z.string().describe('ISO 8601 duration') })),
  })
  .meta({ id: 'SopProfile' });
export type SopProfileView = z.infer<typeof sopProfileViewSchema>;

export const conductViewSchema = z
  .object({ version: z.number().int(), text: z.string(), publishedAt: z.string(), acceptedAt: z.string().nullable() })
  .meta({ id: 'CodeOfConduct' });
export type ConductView = z.infer<typeof conductViewSchema>;

export const SIGN_IN_PENDING_STEPS = ['none', 'mfa_verify', 'mfa_enrol', 'password_change'] as const;

/** `GET /api/auth/me`: who is signed in, what they may do, and what sign-in step remains. */
export const meViewSchema = z.object({
  userId: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  agencyId: z.uuid(),
  role: z.enum(ROLES),
  permissions: z.array(z.enum(PERMISSIONS)),
  fieldGroups: z.array(z.enum(FIELD_GROUPS)),
  pending: z.enum(SIGN_IN_PENDING_STEPS),
  conduct: conductViewSchema.nullable(),
});
export type MeView = z.infer<typeof meViewSchema>;

export const apiTokenViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  scopes: z.array(z.enum(PERMISSIONS)),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type ApiTokenView = z.infer<typeof apiTokenViewSchema>;

/** The sign-in step still to do after this one, if any. */
export const signInNextStepSchema = z.enum(['totp_enrol', 'totp_verify', 'change_password']).nullable().describe('The sign-in step still to do, if any');

/** `POST /api/auth/login`: how far the sign-in got, and the CSRF token of the new session. */
export const signInStageSchema = z.object({ stage: z.enum(['password', 'full']), next: signInNextStepSchema, csrfToken: z.string() });
export type SignInStage = z.infer<typeof signInStageSchema>;

/** A step of signing in done: what remains, and the CSRF token of the session it renewed. */
export const signInStepSchema = z.object({ next: signInNextStepSchema, csrfToken: z.string() });
export type SignInStep = z.infer<typeof signInStepSchema>;

export const csrfTokenSchema = z.object({ csrfToken: z.string() });
export type CsrfToken = z.infer<typeof csrfTokenSchema>;

/** A second factor being enrolled: the secret, also as an otpauth URI for a QR code. */
export const totpEnrolmentSchema = z.object({ secret: z.string(), uri: z.string() });
export type TotpEnrolment = z.infer<typeof totpEnrolmentSchema>;

/** A second factor confirmed: the recovery codes, shown once. */
export const totpConfirmationSchema = z.object({ recoveryCodes: z.array(z.string()), next: signInNextStepSchema, csrfToken: z.string() });
export type TotpConfirmation = z.infer<typeof totpConfirmationSchema>;
