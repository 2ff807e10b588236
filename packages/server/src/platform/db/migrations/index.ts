import type { Migration, MigrationProvider } from 'kysely';
import { foundation } from './001_foundation.js';
import { operations } from './002_operations.js';
import { userEmail } from './003_user_email.js';
import { referralsJusticeOversight } from './004_referrals_justice_oversight.js';
import { personMatching } from './005_person_matching.js';
import { statsExports } from './006_stats_exports.js';
import { retentionSelfAssessment } from './007_retention_self_assessment.js';
import { sharedRateLimits } from './008_shared_rate_limits.js';
import { statsRollups } from './009_stats_rollups.js';
import { statsDayRollups } from './010_stats_day_rollups.js';
import { accessChanges } from './011_access_changes.js';
import { legalHoldRelease } from './012_legal_hold_release.js';
import { processLeases } from './013_process_leases.js';
import { unknownLoginAttempts } from './014_unknown_login_attempts.js';
import { birthDateAtRest } from './015_birth_date_at_rest.js';
import { overrideLastResort } from './016_override_last_resort.js';
import { handover } from './017_handover.js';
import { linkRequests } from './019_link_requests.js';
import { notificationRepeatsServiceGaps } from './020_notification_repeats_service_gaps.js';
import { ageChallenges } from './022_age_challenges.js';
import { justiceReachReview } from './024_justice_reach_review.js';

/** Every migration, in order. Names sort lexically; never rename or edit a released one. */
export const migrations: Record<string, Migration> = {
  '001_foundation': foundation,
  '002_operations': operations,
  '003_user_email': userEmail,
  '004_referrals_justice_oversight': referralsJusticeOversight,
  '005_person_matching': personMatching,
  '006_stats_exports': statsExports,
  '007_retention_self_assessment': retentionSelfAssessment,
  '008_shared_rate_limits': sharedRateLimits,
  '009_stats_rollups': statsRollups,
  '010_stats_day_rollups': statsDayRollups,
  '011_access_changes': accessChanges,
  '012_legal_hold_release': legalHoldRelease,
  '013_process_leases': processLeases,
  '014_unknown_login_attempts': unknownLoginAttempts,
  '015_birth_date_at_rest': birthDateAtRest,
  '016_override_last_resort': overrideLastResort,
  '017_handover': handover,
  '019_link_requests': linkRequests,
  '020_notification_repeats_service_gaps': notificationRepeatsServiceGaps,
  '022_age_challenges': ageChallenges,
  '024_justice_reach_review': justiceReachReview,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
