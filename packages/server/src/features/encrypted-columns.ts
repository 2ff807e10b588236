import { ENCRYPTED_PERSON_COLUMNS } from './persons/fields.js';

/**
 * Every encrypted column, by table: what `haven keys rotate` re-encrypts. Each ciphertext is bound
 * to `table.column.id`, so every table here has an `id` primary key. A new encrypted column must
 * be added here (a test checks that no `*_enc` column is missing).
 */
export const ENCRYPTED_COLUMNS: readonly { table: string; columns: readonly string[] }[] = [
  { table: 'persons', columns: ENCRYPTED_PERSON_COLUMNS },
  { table: 'users', columns: ['totp_secret_enc'] },
  { table: 'access_changes', columns: ['refusal_reason_enc'] },
  { table: 'encounters', columns: ['notes_enc'] },
  { table: 'cases', columns: ['stage_reason_enc'] },
  { table: 'screenings', columns: ['statement_enc'] },
  { table: 'assistance', columns: ['notes_enc'] },
  { table: 'identity_documents', columns: ['number_enc'] },
  { table: 'obligations', columns: ['waiver_reason_enc'] },
  { table: 'guard_overrides', columns: ['reason_enc', 'last_resort_enc'] },
  { table: 'case_actions', columns: ['details_enc'] },
  { table: 'referrals', columns: ['vital_interest_reason_enc', 'reason_enc', 'decline_reason_enc', 'feedback_enc'] },
  { table: 'justice_links', columns: ['reach_how_enc'] },
  { table: 'protection_measures', columns: ['notes_enc'] },
  { table: 'incidents', columns: ['description_enc'] },
  { table: 'allegations', columns: ['description_enc', 'findings_enc', 'remedy_enc'] },
  { table: 'legal_holds', columns: ['reason_enc', 'release_reason_enc'] },
  { table: 'erasure_requests', columns: ['reason_enc'] },
  { table: 'export_jobs', columns: ['result_enc'] },
  { table: 'person_merges', columns: ['reason_enc'] },
  { table: 'link_requests', columns: ['refusal_reason_enc'] },
  { table: 'service_gaps', columns: ['note_enc'] },
];
