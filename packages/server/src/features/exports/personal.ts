import { stringify } from 'csv-stringify/sync';
import { TRAFFICKING_INDICATORS } from '@haven/core';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { SystemStore } from '../../store/system-store.js';
import { caseListRows, countCases, screenedIndicators, traffickingReferralRows } from './store.js';

// Exports of personal data, for roles allowed to export cases (supervisors):
// the agency's own case list, and its trafficking referrals mapped to the Human Trafficking Case
// Data Standard. Both are CSV that only ever leave Haven inside a password-protected ZIP, and
// every person in them is recorded in the audit trail.

export interface PersonalExport {
  fileName: string;
  csv: Buffer;
  /** The persons in the file, for the audit trail. */
  personIds: string[];
}

type Progress = (fraction: number) => Promise<void>;

const BATCH = 2000;

/** The agency's open and closed cases: identity, stage and the obligations still owed. A batch per unit of work. */
export async function caseList(store: SystemStore, agencyId: string, progress: Progress): Promise<PersonalExport> {
  const { platform } = store;
  const total = await store.unit((unit) => countCases(unit, agencyId));
  const header = ['case_id', 'person_id', 'given_name', 'family_name', 'sex', 'birth_date', 'age_claimed', 'nationality', 'accompaniment', 'stage', 'encounter_at', 'encounter_type', 'obligations_open', 'obligations_overdue'];
  const records: string[][] = [header];
  const personIds: string[] = [];
  const now = platform.clock().toISOString();
  for (let offset = 0; ; offset += BATCH) {
    const rows = await store.unit((unit) => caseListRows(unit, agencyId, now, offset, BATCH));
    for (const r of rows) {
      const plain = (column: 'given_name_enc' | 'family_name_enc' | 'birth_date_enc') => platform.cipher.decryptNullable(r[column], placeOf('persons', column, r.person_id)) ?? '';
      records.push([
        r.case_id,
        r.person_id,
        plain('given_name_enc'),
        plain('family_name_enc'),
        r.sex,
        plain('birth_date_enc'),
        r.age_claimed === null ? '' : String(r.age_claimed),
        r.nationality ?? '',
        r.accompaniment ?? '',
        r.stage,
        r.occurred_at ?? '',
        r.type ?? '',
        String(Number(r.open)),
        String(Number(r.overdue)),
      ]);
      personIds.push(r.person_id);
    }
    await progress(total === 0 ? 1 : Math.min(1, personIds.length / total));
    if (rows.length < BATCH) break;
  }
  return { fileName: `haven-case-list-${now.slice(0, 10)}.csv`, csv: Buffer.from(stringify(records), 'utf8'), personIds };
}

/**
 * HTCDS (Human Trafficking Case Data Standard) fields that Haven's records answer, with the
 * variable names of the Counter-Trafficking Data Collaborative's global dataset, which implements
 * it. Fields Haven does not hold (recruitment, country of exploitation, type of labour…) are left
 * out rather than guessed; Haven's own referral fields follow, prefixed `haven_`.
 */
export const HTCDS_FIELDS: readonly { field: string; source: string }[] = [
  { field: 'caseId', source: 'the referral reference (HVN-…), not the person id' },
  { field: 'yearOfRegistration', source: 'year of the encounter' },
  { field: 'gender', source: 'persons.sex: Male, Female, or empty when unknown' },
  { field: 'ageBroad', source: 'age at the encounter (birth date, else age claimed) in CTDC bands 0--8, 9--17, 18--20, 21--23, 24--26, 27--29, 30--38, 39--47, 48+' },
  { field: 'majorityStatus', source: 'Minor under 18, else Adult' },
  { field: 'citizenship', source: 'persons.nationality (ISO 3166-1 alpha-2)' },
  { field: 'meansOfControlDebtBondage', source: 'screening indicator trafficking_debt_bondage (1/0)' },
  { field: 'meansOfControlWithholdsDocuments', source: 'trafficking_documents_withheld' },
  { field: 'meansOfControlRestrictsMovement', source: 'trafficking_movement_restricted' },
  { field: 'meansOfControlFalsePromise', source: 'trafficking_deception' },
  { field: 'meansOfControlOther', source: 'trafficking_controlled_by_others' },
  { field: 'isForcedLabour', source: 'trafficking_forced_labour' },
  { field: 'isSexualExploit', source: 'trafficking_sexual_exploitation' },
  { field: 'haven_referralStatus', source: 'referrals.status' },
  { field: 'haven_sentAt', source: 'referrals.sent_at' },
  { field: 'haven_acceptedAt', source: 'referrals.accepted_at' },
  { field: 'haven_completedAt', source: 'referrals.completed_at' },
];

const INDICATOR_FIELD: Record<string, (typeof TRAFFICKING_INDICATORS)[number]> = {
  meansOfControlDebtBondage: 'trafficking_debt_bondage',
  meansOfControlWithholdsDocuments: 'trafficking_documents_withheld',
  meansOfControlRestrictsMovement: 'trafficking_movement_restricted',
  meansOfControlFalsePromise: 'trafficking_deception',
  meansOfControlOther: 'trafficking_controlled_by_others',
  isForcedLabour: 'trafficking_forced_labour',
  isSexualExploit: 'trafficking_sexual_exploitation',
};

function ageBroad(age: number | null): string {
  if (age === null) return '';
  const bands: [number, string][] = [[8, '0--8'], [17, '9--17'], [20, '18--20'], [23, '21--23'], [26, '24--26'], [29, '27--29'], [38, '30--38'], [47, '39--47']];
  return bands.find(([top]) => age <= top)?.[1] ?? '48+';
}

/** The agency's sent anti-trafficking referrals (either side of them), one line per referral. */
export async function htcdsReferrals(store: SystemStore, agencyId: string, progress: Progress): Promise<PersonalExport> {
  const { platform } = store;
  const rows = await store.unit((unit) => traffickingReferralRows(unit, agencyId));
  await progress(0.4);
  const personIds = [...new Set(rows.map((r) => r.person_id))];
  const indicators = await store.unit((unit) => screenedIndicators(unit, personIds));
  await progress(0.8);
  const records = rows.map((r) => {
    // The age the indicators count: no date of birth needs decrypting for a band.
    const age = r.age_at_encounter ?? r.age_claimed;
    const observed = indicators.get(r.person_id) ?? new Set<string>();
    const value: Record<string, string> = {
      caseId: r.reference,
      yearOfRegistration: r.occurred_at?.slice(0, 4) ?? '',
      gender: r.sex === 'male' ? 'Male' : r.sex === 'female' ? 'Female' : '',
      ageBroad: ageBroad(age),
      majorityStatus: age === null ? '' : age < 18 ? 'Minor' : 'Adult',
      citizenship: r.nationality ?? '',
      haven_referralStatus: r.status,
      haven_sentAt: r.sent_at ?? '',
      haven_acceptedAt: r.accepted_at ?? '',
      haven_completedAt: r.completed_at ?? '',
    };
    for (const [field, code] of Object.entries(INDICATOR_FIELD)) value[field] = observed.has(code) ? '1' : '0';
    return HTCDS_FIELDS.map(({ field }) => value[field] ?? '');
  });
  await progress(1);
  return {
    fileName: `haven-htcds-trafficking-referrals-${platform.clock().toISOString().slice(0, 10)}.csv`,
    csv: Buffer.from(stringify([HTCDS_FIELDS.map((f) => f.field), ...records]), 'utf8'),
    personIds,
  };
}
