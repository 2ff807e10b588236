/**
 * The codes and schemas the case screens use, taken from core's narrow subpaths rather than its
 * index: the case list or a case may be the first screen an officer opens, and the index brings the
 * engine, matching, statistics and self-assessment with it for a few arrays.
 * Still one source: these are core's definitions, not copies.
 */
export { ASSISTANCE_TYPES, ASYLUM_CLAIM_STATES, CASE_STAGES, GUARDED_ACTIONS, OBSERVED_INDICATORS, SERVICE_TYPES } from '@haven/core/codes';
export { screeningInputSchema } from '@haven/core/schemas/operations';
export { REFERRAL_URGENCIES } from '@haven/core/schemas/referrals';
export { overrideFor, type OverrideVerdict } from '@haven/core/engine/overrides';
export { AGE_ASSESSMENT_METHODS } from '@haven/core/schemas/operations';
export { AGE_CHALLENGE_KINDS, AGE_CHALLENGE_OUTCOMES, AGE_CHALLENGE_PARTIES, ageDetermination, type AgeDetermination } from '@haven/core/schemas/age';
