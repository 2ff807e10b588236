// The public API of the obligations engine (DOMAIN.md sections 4-9).

export { assess, evaluate } from './assess.js';
export type {
  AssessedStatus,
  Assessment,
  EvaluatedGuard,
  EvaluatedObligation,
  Evaluation,
  GuardResult,
  ObligationResult,
  ReferralResult,
} from './assess.js';

export { BASELINE_GUARDS, BASELINE_OBLIGATIONS, DEADLINE_BASES, JUSTICE_ROLES } from './catalogue.js';
export type {
  DeadlineBase,
  Fulfilment,
  GuardBlocker,
  GuardDefinition,
  JusticeRole,
  ObligationCode,
  ObligationDefinition,
} from './catalogue.js';

export { CLAIMS_COUNTING_AS_INTENT, FACTS, deriveFacts, deriveFlags, isChild } from './facts.js';
export type { FactDescription, FactName, Facts } from './facts.js';

export {
  MAX_AGE,
  assessDetentionSchema,
  assessInputSchema,
  assessPersonSchema,
  parseAssessInput,
} from './input.js';
export type { AssessInput, AssessPersonInput, ParseInputOptions } from './input.js';

export type { CheckResult, FieldIssue } from './issues.js';

export { checkRule, compileRule } from './logic.js';
export type { CompiledRule, JsonLogicRule, RuleContext } from './logic.js';

export {
  BASELINE_PROFILE,
  BASELINE_PROFILE_ID,
  DEFAULT_ESCALATION_MS,
  DEFAULT_RETENTION,
  MIN_RETENTION_DAYS,
  ProfileError,
  RETENTION_RECORD_TYPES,
  RETENTION_WORDS,
  parseRetentionPeriod,
  retentionCutoff,
  checkProfile,
  escalationLimitMs,
  handoverRuleFor,
  jurisdictionProfileSchema,
  loadProfile,
  takeUpBy,
} from './profiles.js';
export type {
  AddedObligation,
  CompiledBlocker,
  CompiledGuard,
  CompiledObligation,
  EscalationLimits,
  HandoverRule,
  JurisdictionProfile,
  Profile,
  ReferralSpec,
  RetentionPeriod,
  RetentionRecordType,
} from './profiles.js';

export { decodeProfileText, loadProfileText } from './profile-text.js';

export { OVERRIDE_KINDS, OVERRIDE_RULES, blockerOverride, overrideFor } from './overrides.js';
export type { BlockerOverride, GuardOverrides, OverrideKind, OverrideVerdict } from './overrides.js';

export { explain, renderExplanation } from './explain.js';
export type {
  BlockerExplanation,
  Explanation,
  FlagExplanation,
  GuardExplanation,
  ObligationExplanation,
  ReferralExplanation,
} from './explain.js';

export { renderObligationsDoc } from './obligations-doc.js';

export { ASSISTANCE_WORDS, INDICATOR_WORDS, SERVICE_WORDS, describeFulfilment, describeRule } from './words.js';

export type { IsoDuration } from './time.js';
