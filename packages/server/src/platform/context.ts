import type { FieldGroup, Profile, Role } from '@haven/core';
import type { AuditContext } from './audit/chain.js';
import type { HavenConfig } from './config.js';
import type { FieldCipher } from './crypto/cipher.js';
import type { Keyring } from './crypto/keyring.js';
import type { Database } from './db/database.js';
import type { Permission } from './access/roles.js';
import type { Mailer } from './mail.js';

/** What every feature stands on, built once per process. */
export interface Platform {
  config: HavenConfig;
  database: Database;
  keyring: Keyring;
  cipher: FieldCipher;
  /** The only clock the server reads; tests pass their own. */
  clock: () => Date;
  /** The SOP profile the obligations engine applies. */
  profile: Profile;
  /** Mail to staff, when SMTP is configured; in-app notifications are the record either way. */
  mailer: Mailer | undefined;
}

/** The authenticated caller of a request. */
export interface Actor {
  userId: string;
  username: string;
  agencyId: string;
  role: Role;
  via: 'session' | 'token';
  sessionId: string | undefined;
  /** The role's permissions, narrowed to the token's scopes for API tokens. */
  permissions: ReadonlySet<Permission>;
  fieldGroups: ReadonlySet<FieldGroup>;
  /** What this caller must still do before full access (second factor, new password). */
  pending: 'none' | 'mfa_verify' | 'mfa_enrol' | 'password_change';
}

export interface RequestContext {
  actor: Actor | undefined;
  requestId: string;
  clientAddress: string;
  audit: AuditContext;
}
