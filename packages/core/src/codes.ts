// The canonical codes of DOMAIN.md. Every package uses these constants; a code spelled
// anywhere else is a bug.

export const ENCOUNTER_TYPES = [
  'rescue_at_sea',
  'interception_at_sea',
  'land_apprehension',
  'border_check',
  'airport',
  'inland',
  'self_presented',
] as const;
export type EncounterType = (typeof ENCOUNTER_TYPES)[number];

/** Flags derived from the person record, never entered by hand (DOMAIN.md section 4). */
export const DERIVED_INDICATORS = [
  'child',
  'unaccompanied_child',
  'separated_child',
  'age_disputed',
  'older_person',
  'female',
] as const;
export type DerivedIndicator = (typeof DERIVED_INDICATORS)[number];

export const TRAFFICKING_INDICATORS = [
  'trafficking_debt_bondage',
  'trafficking_documents_withheld',
  'trafficking_forced_labour',
  'trafficking_sexual_exploitation',
  'trafficking_deception',
  'trafficking_movement_restricted',
  'trafficking_controlled_by_others',
] as const;
export type TraffickingIndicator = (typeof TRAFFICKING_INDICATORS)[number];

/** Indicators an officer observes at screening. */
export const OBSERVED_INDICATORS = [
  'medical_emergency',
  'medical_need',
  'injured',
  'pregnant',
  'disability',
  'psychological_distress',
  'violence_survivor',
  'sexual_violence_survivor',
  'torture_survivor',
  'crime_victim',
  'retaliation_risk',
  'witness',
  'fear_of_return',
  'asylum_intent',
  'stateless',
  'family_separated',
  'relative_missing_or_dead',
  'needs_interpreter',
  'endangered',
  ...TRAFFICKING_INDICATORS,
] as const;
export type ObservedIndicator = (typeof OBSERVED_INDICATORS)[number];

export const INDICATORS = [...DERIVED_INDICATORS, ...OBSERVED_INDICATORS] as const;
export type Indicator = DerivedIndicator | ObservedIndicator;

export const OBLIGATION_CODES = [
  'life.emergency_care',
  'assist.basic_needs',
  'assist.medical_care',
  'protect.from_violence',
  'justice.victim_rights',
  'justice.witness_support',
  'children.best_interests',
  'children.guardian',
  'children.no_detention',
  'women.specific_needs',
  'consular.inform_rights',
  'consular.notify_post',
  'protection.asylum_referral',
  'protection.non_refoulement',
  'protection.confidentiality',
  'trafficking.referral',
  'health.mhpss',
  'family.tracing',
  'life.death_or_disappearance',
  'info.rights',
  'protection.non_criminalization',
  'info.interpretation',
  'disability.support',
] as const;
export type BaselineObligationCode = (typeof OBLIGATION_CODES)[number];

/**
 * The password policy: the server refuses a password that breaks a rule (`weak-password`), and
 * every form that sets one states the same rules before anyone types.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
export const PASSWORD_RULES = ['length', 'not_common', 'not_padded_word', 'varied', 'not_username'] as const;
export type PasswordRule = (typeof PASSWORD_RULES)[number];

export const OBLIGATION_STATUSES = ['open', 'fulfilled', 'overdue', 'waived'] as const;
export type ObligationStatus = (typeof OBLIGATION_STATUSES)[number];

export const SERVICE_TYPES = [
  'emergency_medical',
  'health',
  'maternal_health',
  'mhpss',
  'shelter',
  'legal_aid',
  'asylum',
  'anti_trafficking',
  'child_protection',
  'guardianship',
  'gbv_services',
  'victim_support',
  'witness_protection',
  'family_tracing',
  'consular',
  'interpretation',
  'disability_support',
  'voluntary_return',
] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export const ASSISTANCE_TYPES = [
  'emergency_medical',
  'water',
  'food',
  'shelter',
  'clothing',
  'protection_measure',
  'rights_information',
  'consular_rights_information',
  'interpretation',
] as const;
export type AssistanceType = (typeof ASSISTANCE_TYPES)[number];

export const GUARDED_ACTIONS = ['return', 'share_with_origin_state', 'detain', 'charge_for_being_smuggled'] as const;
export type GuardedAction = (typeof GUARDED_ACTIONS)[number];

export const SEXES = ['male', 'female', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

export const ACCOMPANIMENTS = ['adult', 'with_family', 'unaccompanied', 'separated'] as const;
export type Accompaniment = (typeof ACCOMPANIMENTS)[number];

export const CONSULAR_CHOICES = ['requested', 'declined', 'not_asked'] as const;
export type ConsularChoice = (typeof CONSULAR_CHOICES)[number];

export const ASYLUM_CLAIM_STATES = ['none', 'intended', 'lodged', 'rejected_final', 'granted'] as const;
export type AsylumClaimState = (typeof ASYLUM_CLAIM_STATES)[number];

export const BIRTH_DATE_PRECISIONS = ['day', 'year', 'estimated'] as const;
export type BirthDatePrecision = (typeof BIRTH_DATE_PRECISIONS)[number];

export const CASE_STAGES = ['registered', 'screened', 'assisted', 'referred', 'closed'] as const;
export type CaseStage = (typeof CASE_STAGES)[number];

export const REFERRAL_STATUSES = ['draft', 'sent', 'accepted', 'declined', 'in_progress', 'completed', 'closed', 'revoked'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

export const AGENCY_TYPES = ['government', 'ngo', 'international', 'service_provider', 'oversight'] as const;
export type AgencyType = (typeof AGENCY_TYPES)[number];

/** What a caller may do. Routes name the permission they need; roles grant permissions as data. */
export const PERMISSIONS = [
  'person:read',
  'person:write',
  'encounter:read',
  'encounter:write',
  'screening:write',
  'assistance:write',
  'case:manage',
  /** Assigning cases to the agency's officers, several at once (the intake queue). */
  'case:assign',
  /**
   * Recording a detention, its end and that consular rights were explained (first-responder work on
   * a boat or at a border post, also at the first-contact agency while a handover's access lasts);
   * narrower than case:manage, which changes the case and sends the consular notification.
   */
  'detention:record',
  'obligation:waive',
  'guard:override',
  'oversight:read',
  'users:manage',
  'agencies:manage',
  'settings:manage',
  'audit:read',
  'justice:read',
  'justice:write',
  'incident:write',
  'allegation:file',
  'allegation:investigate',
  'directory:read',
  'directory:manage',
  'referral:send',
  'referral:receive',
  'referral:revoke',
  'erasure:request',
  'legal_hold:manage',
  'legal_hold:oversee',
  'self_assessment:read',
  'self_assessment:answer',
  'stats:read',
  'case:export',
  'person:merge',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = [
  'first_responder',
  'protection_officer',
  'service_provider',
  'investigator',
  'supervisor',
  'oversight',
  'coordinator',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

/**
 * Groups of personal fields. Access is granted per group, so a role (or a referral) can be
 * given identity without health, or health without statements.
 */
export const FIELD_GROUPS = ['identity', 'contact', 'health', 'protection', 'justice', 'statements'] as const;
export type FieldGroup = (typeof FIELD_GROUPS)[number];
