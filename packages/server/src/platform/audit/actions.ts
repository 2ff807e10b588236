/**
 * Every kind of audit event Haven writes. An action not listed here cannot be recorded, so the
 * oversight body can rely on this list as the vocabulary of the trail.
 */
export const AUDIT_ACTIONS = [
  // personal data
  'person.create',
  'person.read',
  'person.update',
  'person.list',
  // identity and access
  'auth.login',
  'auth.login_failed',
  'auth.locked',
  'auth.logout',
  'auth.logout_all',
  'auth.password_changed',
  'auth.totp_enrolled',
  'auth.totp_verified',
  'auth.recovery_code_used',
  'auth.token_created',
  'auth.token_revoked',
  'conduct.accepted',
  'conduct.published',
  'agency.create',
  'agency.update',
  'user.create',
  'user.update',
  'settings.update',
  // operations on the system itself
  'keys.rotated',
  'audit.read',
  'system.seeded',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
