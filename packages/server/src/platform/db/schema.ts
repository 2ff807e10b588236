// Row types of every table, for Kysely. Times are RFC 3339 UTC strings on both engines, booleans
// are 0/1 integers and lists are JSON text, so SQLite and PostgreSQL return the same values.

export interface AgencyTable {
  id: string;
  name: string;
  type: string;
  area: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface UserTable {
  id: string;
  agency_id: string;
  username: string;
  display_name: string;
  role: string;
  password_hash: string;
  must_change_password: number;
  totp_secret_enc: string | null;
  totp_enabled: number;
  /** Last accepted TOTP time step, so a code cannot be replayed. */
  totp_last_step: number | null;
  failed_attempts: number;
  locked_until: string | null;
  disabled: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface RecoveryCodeTable {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: string | null;
}

export interface SessionTable {
  /** SHA-256 of the session token; the token itself is only ever in the cookie. */
  id: string;
  user_id: string;
  csrf_token: string;
  /** `password` until the second factor is verified (or enrolled), then `full`. */
  stage: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  scopes: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface SettingTable {
  key: string;
  value: string;
  version: number;
  updated_at: string;
  updated_by: string | null;
}

export interface ConductVersionTable {
  version: number;
  text: string;
  published_at: string;
  published_by: string | null;
}

export interface ConductAcceptanceTable {
  user_id: string;
  version: number;
  accepted_at: string;
}

export interface PersonTable {
  id: string;
  registering_agency_id: string;
  created_by: string;
  given_name_enc: string | null;
  family_name_enc: string | null;
  other_names_enc: string | null;
  /** Keyed derived value of the normalised full name, for exact lookup without plaintext. */
  name_index: string | null;
  sex: string;
  birth_date: string | null;
  birth_date_precision: string | null;
  age_claimed: number | null;
  nationality: string | null;
  languages: string;
  accompaniment: string | null;
  phone_enc: string | null;
  address_enc: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface CaseTable {
  id: string;
  person_id: string;
  agency_id: string;
  officer_id: string | null;
  stage: string;
  risk_level: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

/** Access by another agency to some field groups of one person (granted by a referral). */
export interface AccessGrantTable {
  id: string;
  person_id: string;
  agency_id: string;
  field_groups: string;
  source_type: string;
  source_id: string;
  created_at: string;
  revoked_at: string | null;
}

export interface AuditEventTable {
  seq: number;
  at: string;
  actor_user_id: string | null;
  actor_agency_id: string | null;
  action: string;
  record_type: string;
  record_id: string | null;
  fields: string;
  request_id: string | null;
  client_address: string | null;
  prev_hash: string;
  hash: string;
}

/** The keyed anchor of the audit chain: detects truncation and wholesale rewriting. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
  mac: string;
}

export interface ServiceProviderTable {
  id: string;
  agency_id: string;
  name: string;
  service_types: string;
  area: string;
  languages: string;
  capacity: number | null;
  hours: string | null;
  /** The provider's own office contact, not personal data of a migrant. */
  contact: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface HavenSchema {
  agencies: AgencyTable;
  users: UserTable;
  recovery_codes: RecoveryCodeTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  settings: SettingTable;
  conduct_versions: ConductVersionTable;
  conduct_acceptances: ConductAcceptanceTable;
  persons: PersonTable;
  cases: CaseTable;
  access_grants: AccessGrantTable;
  audit_events: AuditEventTable;
  audit_head: AuditHeadTable;
  service_providers: ServiceProviderTable;
  meta: MetaTable;
}
