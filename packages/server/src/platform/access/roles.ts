import { FIELD_GROUPS, PERMISSIONS, type FieldGroup, type Permission, type Role } from '@haven/core';

export { PERMISSIONS, type Permission };

export interface RolePolicy {
  permissions: readonly Permission[];
  /** Field groups of a person's record this role may ever see (a referral can narrow, never widen). */
  fieldGroups: readonly FieldGroup[];
  /** Whether the role must use a second factor. Every role that reads personal data does. */
  mfaRequired: boolean;
}

const ALL_GROUPS = FIELD_GROUPS;

/**
 * The baseline policy per role (DOMAIN.md section 2). Administrators manage users, agencies and
 * configuration, never case data; coordinators read aggregates only.
 */
export const ROLE_POLICIES: Readonly<Record<Role, RolePolicy>> = {
  first_responder: {
    permissions: ['person:read', 'person:write', 'encounter:read', 'encounter:write', 'screening:write', 'assistance:write', 'detention:record', 'incident:write', 'allegation:file', 'directory:read', 'referral:send'],
    fieldGroups: ['identity', 'contact', 'health', 'protection'],
    mfaRequired: true,
  },
  protection_officer: {
    permissions: ['person:read', 'person:write', 'encounter:read', 'encounter:write', 'screening:write', 'assistance:write', 'case:manage', 'detention:record', 'incident:write', 'allegation:file', 'directory:read', 'referral:send', 'erasure:request'],
    fieldGroups: ALL_GROUPS,
    mfaRequired: true,
  },
  service_provider: {
    permissions: ['person:read', 'allegation:file', 'referral:receive'],
    fieldGroups: ['identity', 'contact', 'health', 'protection', 'statements'],
    mfaRequired: true,
  },
  investigator: {
    permissions: ['person:read', 'justice:read', 'justice:write', 'incident:write', 'allegation:file', 'legal_hold:manage'],
    fieldGroups: ['identity', 'contact', 'justice', 'statements'],
    mfaRequired: true,
  },
  supervisor: {
    permissions: [
      'person:read',
      'person:write',
      'encounter:read',
      'encounter:write',
      'screening:write',
      'assistance:write',
      'case:manage',
      'case:assign',
      'detention:record',
      'obligation:waive',
      'guard:override',
      'oversight:read',
      'incident:write',
      'allegation:file',
      'directory:read',
      'referral:send',
      'referral:receive',
      'referral:revoke',
      'erasure:request',
      'legal_hold:manage',
      'stats:read',
      'case:export',
      'person:merge',
    ],
    fieldGroups: ALL_GROUPS,
    mfaRequired: true,
  },
  oversight: {
    // Every legal hold, without personal data, and the release of any (with a written reason).
    permissions: ['audit:read', 'oversight:read', 'allegation:file', 'allegation:investigate', 'legal_hold:oversee', 'self_assessment:read', 'stats:read'],
    fieldGroups: [],
    mfaRequired: true,
  },
  coordinator: {
    permissions: ['allegation:file', 'self_assessment:read', 'self_assessment:answer', 'stats:read'],
    fieldGroups: [],
    mfaRequired: true,
  },
  admin: {
    permissions: ['users:manage', 'agencies:manage', 'settings:manage', 'allegation:file', 'directory:read', 'directory:manage'],
    fieldGroups: [],
    mfaRequired: true,
  },
};

export function roleCan(role: Role, permission: Permission): boolean {
  return ROLE_POLICIES[role].permissions.includes(permission);
}

export function readsPersonalData(role: Role): boolean {
  return roleCan(role, 'person:read');
}

/**
 * Whether one administrator alone may not give an account this role, nor take over an account
 * holding it (temporary password, reset second factor): every role reading personal data, and
 * administrators themselves, since a second administrator is what approves such changes.
 */
export function needsSecondAdministrator(role: Role): boolean {
  return readsPersonalData(role) || roleCan(role, 'users:manage');
}
