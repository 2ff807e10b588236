import type { ColumnType } from 'kysely';
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
  /** For reminders by e-mail; optional. */
  email: string | null;
  role: string;
  password_hash: string;
  must_change_password: number;
  totp_secret_enc: string | null;
  totp_enabled: number;
  /** Last accepted TOTP time step, so a code cannot be replayed. */
  totp_last_step: number | null;
  failed_attempts: number;
  locked_until: string | null;
  /** The last failed proof: failures older than a day are forgotten. */
  last_failed_at: string | null;
  disabled: number;
  /** 0 while an account an administrator created awaits a second administrator's approval (it cannot sign in). */
  approved: number;
  version: number;
  created_at: string;
  updated_at: string;
}

/** A change of an account's access awaiting, or once awaiting, a second administrator (four eyes). */
export interface AccessChangeTable {
  id: string;
  user_id: string;
  /** 'create' or 'update'. */
  kind: string;
  requested_by: string;
  requested_at: string;
  user_version: number;
  role_from: string | null;
  role_to: string;
  agency_from: string | null;
  agency_to: string;
  /** argon2id hash of a temporary password, never the password. */
  password_hash: string | null;
  reset_second_factor: number;
  /** pending, approved, refused or withdrawn. */
  status: string;
  decided_by: string | null;
  decided_at: string | null;
  refusal_reason_enc: string | null;
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
  /** The exact date of birth (YYYY-MM-DD), encrypted. */
  birth_date_enc: string | null;
  /** Plaintext from databases before the date was encrypted, until the persons feature encrypts and clears it at start (optional: nothing writes it). */
  birth_date?: string | null;
  /** `day`, `year` or `estimated`: how far the date may be trusted. */
  birth_date_precision: string | null;
  /** The year of the date of birth: what the duplicate ranking compares in plaintext. */
  birth_year: number | null;
  /** Keyed derived value of a date taken to the day (none for a year or an estimate), for the duplicate ranking's equal-date test. */
  birth_date_index: string | null;
  /** Whole years from the date of birth to the encounter; null without either: the age the statistics count. */
  age_at_encounter: number | null;
  age_claimed: number | null;
  nationality: string | null;
  languages: string;
  accompaniment: string | null;
  phone_enc: string | null;
  address_enc: string | null;
  encounter_id: string | null;
  /** ISO 15924 script of the name as given (Arab, Latn, Ethi…). */
  name_script: string | null;
  transliterations_enc: string | null;
  aliases_enc: string | null;
  /** Age disputed and not settled by an assessment: a child for the engine (benefit of the doubt). */
  age_disputed: number;
  version: number;
  created_at: string;
  updated_at: string;
  /** When retention or an erasure destroyed the personal fields; null while they are kept (optional: registration leaves it out). */
  purged_at?: string | null;
  /** The person this record was merged into; null while it stands on its own (optional: registration leaves it out). */
  merged_into?: string | null;
}

/** A blocking key of the matcher as a blind index: persons sharing one are compared. */
export interface PersonMatchKeyTable {
  key_index: string;
  person_id: string;
}

/** A merge of two person records, with the rows moved ({table: ids}, JSON), so unmerge is exact. */
export interface PersonMergeTable {
  id: string;
  survivor_id: string;
  merged_id: string;
  moved_rows: string;
  reason_enc: string;
  merged_by: string;
  merged_at: string;
  unmerged_by: string | null;
  unmerged_at: string | null;
  version: number;
}

/** One agency's request that the agency holding a likely match of its person link or take over. */
export interface LinkRequestTable {
  id: string;
  kind: string;
  status: string;
  requester_agency_id: string;
  requester_person_id: string;
  holder_agency_id: string;
  holder_person_id: string;
  requested_by: string;
  requested_at: string;
  decided_by: string | null;
  decided_at: string | null;
  refusal_reason_enc: string | null;
  version: number;
}

export interface CaseTable {
  id: string;
  person_id: string;
  agency_id: string;
  officer_id: string | null;
  stage: string;
  risk_level: string | null;
  consular_choice: string;
  asylum_claim: string;
  best_interests_determined: number;
  stage_reason_enc: string | null;
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
  /** When the grant ends by itself (a handover's operational access); null: until revoked (optional: older inserts leave it out). */
  expires_at?: string | null;
}

/** A case handed over by a profile rule from the first-contact agency to the one that takes it over. */
export interface HandoverTable {
  id: string;
  person_id: string;
  from_agency_id: string;
  to_agency_id: string;
  rule_index: number;
  /** The area the rule matched (the encounter's, else the registering agency's). */
  area: string | null;
  handed_over_at: string;
  /** When the receiving agency must have taken the case up (assigned it to an officer). */
  take_up_by: string;
  /** When the first-contact agency's operational access ends. */
  access_until: string;
  taken_up_at: string | null;
  taken_up_by: string | null;
  /** When the receiving agency's supervisors were told it was not taken up in time. */
  overdue_notified_at: string | null;
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
  /** Agency ids that may refer here (JSON list); null: any agency. */
  accepts_from: string | null;
  /** Free places now; null when not tracked. */
  available: number | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface EncounterTable {
  id: string;
  type: string;
  occurred_at: string;
  place_name: string;
  latitude: number | null;
  longitude: number | null;
  agency_id: string;
  vessel: string | null;
  /** The area the encounter took place in (handover rules match it); null on encounters from before. */
  area: string | null;
  people_on_board: number | null;
  dead: number;
  missing: number;
  notes_enc: string | null;
  created_by: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface FamilyLinkTable {
  id: string;
  person_id: string;
  related_person_id: string;
  relation: string;
  created_by: string;
  created_at: string;
}

export interface IdentityDocumentTable {
  id: string;
  person_id: string;
  type: string;
  number_enc: string | null;
  issuing_country: string | null;
  expires_on: string | null;
  created_by: string;
  created_at: string;
}

export interface AgeAssessmentTable {
  id: string;
  person_id: string;
  method: string;
  assessed_on: string;
  min_age: number;
  max_age: number;
  assessor: string;
  recorded_by: string;
  created_at: string;
}

/** A review or appeal of an age assessment, and its decision (migration 022). */
export interface AgeChallengeTable {
  id: string;
  assessment_id: string;
  kind: string;
  lodged_on: string;
  lodged_by: string;
  /** Null while pending: `upheld`, `claimed_age_accepted` or `new_range`. */
  outcome: string | null;
  min_age: number | null;
  max_age: number | null;
  decided_on: string | null;
  decided_by: string | null;
  recorded_by: string;
  decision_recorded_by: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ScreeningTable {
  id: string;
  person_id: string;
  screening_version: number;
  indicators: string;
  statement_enc: string | null;
  statement_language: string | null;
  screened_by: string;
  screened_at: string;
  created_at: string;
}

export interface DetentionTable {
  id: string;
  person_id: string;
  place: string;
  since: string;
  until: string | null;
  legal_basis: string;
  recorded_by: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ConsularNotificationTable {
  id: string;
  person_id: string;
  post: string;
  sent_at: string;
  channel: string;
  recorded_by: string;
  created_at: string;
}

export interface AssistanceTable {
  id: string;
  person_id: string;
  encounter_id: string | null;
  type: string;
  given_at: string;
  given_by: string;
  place: string | null;
  language: string | null;
  notes_enc: string | null;
  created_at: string;
}

export interface ObligationTable {
  id: string;
  person_id: string;
  /** The agency whose case it is: work queues and reminders go by it. */
  agency_id: string;
  code: string;
  /** open, fulfilled, waived or lapsed; overdue is derived (open and past due_by). */
  status: string;
  basis: string;
  fulfilled_by: string;
  due_by: string | null;
  fulfilment_type: string | null;
  fulfilment_id: string | null;
  fulfilled_at: string | null;
  waived_by: string | null;
  waiver_reason_enc: string | null;
  waived_at: string | null;
  due_soon_notified_at: string | null;
  overdue_notified_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface GuardOverrideTable {
  id: string;
  person_id: string;
  agency_id: string;
  action: string;
  blocked_by: string;
  reason_enc: string;
  overridden_by: string;
  created_at: string;
  /** For a child's detention (last resort only): the alternatives considered, encrypted; null otherwise. */
  last_resort_enc: string | null;
  /** For a child's detention: when it is planned to end (RFC 3339); null otherwise. */
  planned_end: string | null;
}

export interface CaseActionTable {
  id: string;
  person_id: string;
  action: string;
  override_id: string | null;
  details_enc: string | null;
  performed_by: string;
  created_at: string;
}

export interface NotificationTable {
  id: string;
  user_id: string;
  kind: string;
  obligation_id: string | null;
  person_id: string | null;
  created_at: string;
  read_at: string | null;
  /** What the notice is about (the obligation, referral or person): repeats while unread are one row. */
  subject: string | null;
  referral_id: string | null;
  /** How many times the event happened while the row was unread (1 unless given: the column's default). */
  count: ColumnType<number, number | undefined, number>;
  /** When it last happened. */
  last_at: string | null;
}

/** An officer's record that no provider offers a service the person needs in an area. */
export interface ServiceGapTable {
  id: string;
  person_id: string;
  /** The recording officer's agency: its supervisors see the gap. */
  agency_id: string;
  service_type: string;
  area: string;
  note_enc: string | null;
  recorded_by: string;
  recorded_at: string;
}

export interface IdempotencyKeyTable {
  user_id: string;
  key: string;
  fingerprint: string;
  status: number;
  response_enc: string;
  created_at: string;
  /** The lease of the process whose request holds the reservation ('' before leases existed). */
  holder: string;
}

/** Failed sign-ins of a user name with no usable account, under a keyed hash of the name. */
export interface UnknownLoginAttemptTable {
  key: string;
  failures: number;
  locked_until: string | null;
  last_failed_at: string;
}

export interface ProcessLeaseTable {
  id: string;
  machine: string;
  pid: number;
  process_started: string;
  expires_at: string;
}

export interface ReferralPathwayTable {
  id: string;
  service_type: string;
  area: string;
  provider_id: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ConsentTable {
  id: string;
  person_id: string;
  /** The service type the consent is for. */
  purpose: string;
  recipient_agency_id: string;
  /** given, declined or withdrawn. */
  status: string;
  explained_by: string;
  language: string;
  interpreter: number;
  recorded_at: string;
  withdrawn_at: string | null;
  version: number;
}

export interface ReferralTable {
  id: string;
  reference: string;
  person_id: string;
  from_agency_id: string;
  sender_id: string;
  provider_id: string;
  to_agency_id: string;
  service_type: string;
  urgency: string;
  /** Obligation codes the referral fulfils (JSON list). */
  obligations: string;
  due_by: string | null;
  /** draft, sent, accepted, declined, in_progress, completed, closed, revoked. */
  status: string;
  consent_id: string | null;
  /** A supervisor's vital-interest override instead of consent. */
  vital_interest_by: string | null;
  vital_interest_reason_enc: string | null;
  /** Field groups shared with the recipient (JSON list). */
  shared_groups: string;
  reason_enc: string | null;
  decline_reason_enc: string | null;
  feedback_enc: string | null;
  sent_at: string | null;
  accepted_at: string | null;
  completed_at: string | null;
  ended_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface InvestigationTable {
  id: string;
  reference: string;
  agency_id: string;
  /** investigation or prosecution. */
  kind: string;
  offence: string;
  /** Aggravating circumstances (JSON list). */
  aggravating: string;
  status: string;
  created_by: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface JusticeLinkTable {
  id: string;
  investigation_id: string;
  person_id: string;
  /** victim or witness. */
  role: string;
  /** Whether the person remains reachable for proceedings. */
  reachable: number;
  /** How to reach them for the proceedings (encrypted contact data). */
  reach_how_enc: string | null;
  /** When their reachability was last confirmed. */
  reach_confirmed_at: string | null;
  created_by: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ProtectionMeasureTable {
  id: string;
  justice_link_id: string;
  type: string;
  status: string;
  notes_enc: string | null;
  requested_by: string;
  requested_at: string;
  decided_at: string | null;
  /** The date (YYYY-MM-DD) of the measure's next review. */
  review_on: string | null;
  version: number;
}

export interface IncidentTable {
  id: string;
  kind: string;
  person_id: string | null;
  investigation_id: string | null;
  agency_id: string;
  occurred_at: string | null;
  place: string | null;
  description_enc: string | null;
  status: string;
  created_by: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface AllegationTable {
  id: string;
  /** SHA-256 of the receipt code given to whoever filed it (anonymous filers follow up with it). */
  receipt_hash: string;
  filed_by: string | null;
  description_enc: string;
  person_id: string | null;
  obligation_id: string | null;
  incident_id: string | null;
  oversight_agency_id: string | null;
  status: string;
  findings_enc: string | null;
  remedy_enc: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  /** When retention destroyed its free text; null while kept (optional: intake leaves it out). */
  purged_at?: string | null;
}

/** A shared rate-limit counter (migration 008); the key is a keyed hash of route and client address. */
export interface RateLimitTable {
  key: string;
  hits: number;
  window_ends_at: string;
}

/** One version of the coordinator's answer to a self-assessment item (never overwritten). */
export interface SelfAssessmentAnswerTable {
  id: string;
  /** The SOP profile id: the jurisdiction assessed. */
  jurisdiction: string;
  item_id: string;
  answer_version: number;
  status: string;
  evidence: string | null;
  responsible_body: string | null;
  review_date: string | null;
  answered_by: string;
  answered_at: string;
}

/** A recorded reason to keep a person's record past retention and despite an erasure request. */
export interface LegalHoldTable {
  id: string;
  person_id: string;
  reason_enc: string | null;
  placed_by: string;
  /** The agency that placed it (set on every hold; the column admits null only because SQLite adds columns so). */
  agency_id: string;
  /** The investigation or prosecution it was placed for: then that investigation's agency releases it. */
  investigation_id: string | null;
  placed_at: string;
  released_by: string | null;
  released_at: string | null;
  release_reason_enc: string | null;
  version: number;
}

export interface ErasureRequestTable {
  id: string;
  person_id: string;
  /** person, legal_representative or guardian. */
  requested_by: string;
  reason_enc: string | null;
  recorded_by: string;
  recorded_at: string;
  /** carried_out or refused. */
  status: string;
  /** The holds that refused it (JSON list, no personal data); empty when carried out. */
  refused_because: string;
  carried_out_at: string | null;
}

export interface MetaTable {
  key: string;
  value: string;
}

/** A background export (migration 006): aggregates, or personal data zipped with the requester's password at download. */
export interface ExportJobTable {
  id: string;
  kind: string;
  format: string;
  /** JSON of the filter: codes, dates and ids only. */
  filter: string;
  /** queued, running, done, failed or expired. */
  status: string;
  /** 0–100. */
  progress: number;
  requested_by: string;
  agency_id: string;
  /** The process working on it (claimed by a conditional update). */
  claimed_by: string | null;
  claimed_at: string | null;
  attempts: number;
  file_name: string | null;
  media_type: string | null;
  /** How many person records the export holds (personal exports). */
  records: number | null;
  /** The produced file, base64, encrypted at rest; removed when the job expires. */
  result_enc: string | null;
  error: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  expires_at: string | null;
}

/** Indicator counts kept on write (migration 009): month × agency × encounter type × the indicator's codes. */
export interface StatsCellTable {
  measure: string;
  month: string;
  agency_id: string;
  encounter_type: string;
  k1: string;
  k2: string;
  k3: string;
  k4: string;
  n: number;
}

/** The same counts per day of the encounter (stats_cells keeps them per month). */
export interface StatsDayCellTable {
  day: string;
  agency_id: string;
  encounter_type: string;
  measure: string;
  k1: string;
  k2: string;
  k3: string;
  k4: string;
  n: number;
}

/** What one person ('p:' + id) or encounter ('e:' + id) contributes to stats_cells and stats_day_cells now. */
export interface StatsLedgerTable {
  owner: string;
  /** YYYY-MM-DD: the day of the encounter the share is counted on. */
  day: string;
  agency_id: string;
  encounter_type: string;
  cells: string;
}

export interface HavenSchema {
  agencies: AgencyTable;
  users: UserTable;
  access_changes: AccessChangeTable;
  recovery_codes: RecoveryCodeTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  settings: SettingTable;
  conduct_versions: ConductVersionTable;
  conduct_acceptances: ConductAcceptanceTable;
  persons: PersonTable;
  person_match_keys: PersonMatchKeyTable;
  person_merges: PersonMergeTable;
  link_requests: LinkRequestTable;
  cases: CaseTable;
  access_grants: AccessGrantTable;
  handovers: HandoverTable;
  audit_events: AuditEventTable;
  audit_head: AuditHeadTable;
  service_providers: ServiceProviderTable;
  encounters: EncounterTable;
  family_links: FamilyLinkTable;
  identity_documents: IdentityDocumentTable;
  age_assessments: AgeAssessmentTable;
  age_challenges: AgeChallengeTable;
  screenings: ScreeningTable;
  detentions: DetentionTable;
  consular_notifications: ConsularNotificationTable;
  assistance: AssistanceTable;
  obligations: ObligationTable;
  guard_overrides: GuardOverrideTable;
  case_actions: CaseActionTable;
  notifications: NotificationTable;
  idempotency_keys: IdempotencyKeyTable;
  process_leases: ProcessLeaseTable;
  unknown_login_attempts: UnknownLoginAttemptTable;
  referral_pathways: ReferralPathwayTable;
  service_gaps: ServiceGapTable;
  consents: ConsentTable;
  referrals: ReferralTable;
  investigations: InvestigationTable;
  justice_links: JusticeLinkTable;
  protection_measures: ProtectionMeasureTable;
  incidents: IncidentTable;
  allegations: AllegationTable;
  rate_limits: RateLimitTable;
  self_assessment_answers: SelfAssessmentAnswerTable;
  legal_holds: LegalHoldTable;
  erasure_requests: ErasureRequestTable;
  export_jobs: ExportJobTable;
  meta: MetaTable;
  stats_cells: StatsCellTable;
  stats_day_cells: StatsDayCellTable;
  stats_ledger: StatsLedgerTable;
}
