import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { ENCOUNTER_TYPES, OBSERVED_INDICATORS } from '@haven/core';
import { placeOf, type FieldCipher } from '../../platform/crypto/cipher.js';
import type { Database } from '../../platform/db/database.js';
import type { HavenSchema } from '../../platform/db/schema.js';
import { birthDateIndexOf } from '../duplicates/service.js';
import { ageAtEncounter } from '../persons/birth-date.js';

// Synthetic case files for the indicator tests and the 1 M-case benchmark: rows written straight
// into the tables (no engine, no audit), shaped like real ones. Never real people: no names at all,
// and the encrypted columns the indicators never read hold a fixed placeholder (the date of birth
// is encrypted as registration encrypts it when the cipher is given: the exports decrypt it).

const PLACEHOLDER_CIPHERTEXT = 'synthetic';
const NATIONALITIES = ['ER', 'SY', 'AF', 'SD', 'GM', 'NG', 'BD', 'TN', 'ML', 'GN', 'CI', 'SO'];
const SERVICES = ['health', 'asylum', 'child_protection', 'guardianship', 'anti_trafficking', 'shelter', 'legal_aid', 'mhpss'];
const REFERRAL_STATUSES = ['sent', 'accepted', 'in_progress', 'completed', 'completed', 'declined', 'closed', 'revoked'];

/** A small deterministic generator (mulberry32), so a seed gives the same world every time. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticWorld {
  agencyIds: string[];
  officerIds: string[];
  providerIds: string[];
}

type Rows = { [T in keyof HavenSchema]?: Record<string, unknown>[] };

export interface SyntheticOptions {
  /** Persons per encounter, about. */
  perEncounter?: number;
  /** Encrypts and keys each date of birth as registration does; without it the encrypted date holds the placeholder. */
  cipher?: FieldCipher;
  /** Persons as a database from before the date of birth was encrypted holds them: the date in plaintext, nothing beside it. */
  plaintextBirthDates?: boolean;
}

/**
 * Rows for `persons` persons in encounters of about `perEncounter` each, from seed `seed`.
 * Returns them table by table, in an order that respects the foreign keys.
 */
export function syntheticRows(world: SyntheticWorld, persons: number, seed: number, options: SyntheticOptions = {}): Rows {
  const { perEncounter = 50, cipher, plaintextBirthDates = false } = options;
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const rows: Rows = { encounters: [], persons: [], cases: [], screenings: [], detentions: [], obligations: [], referrals: [], guard_overrides: [] };
  const start = Date.parse('2026-01-01T00:00:00Z');
  const iso = (ms: number) => new Date(ms).toISOString();
  let encounter: { id: string; at: number; agency: string } | undefined;
  for (let i = 0; i < persons; i++) {
    if (!encounter || i % perEncounter === 0) {
      const at = start + Math.floor(rnd() * 180 * 86_400_000);
      encounter = { id: randomUUID(), at, agency: pick(world.agencyIds) };
      const type = pick(ENCOUNTER_TYPES);
      rows.encounters!.push({
        id: encounter.id,
        type,
        occurred_at: iso(at),
        place_name: 'Synthetic landing',
        latitude: null,
        longitude: null,
        agency_id: encounter.agency,
        vessel: null,
        people_on_board: perEncounter,
        dead: rnd() < 0.1 ? Math.floor(rnd() * 5) : 0,
        missing: rnd() < 0.1 ? Math.floor(rnd() * 8) : 0,
        notes_enc: null,
        created_by: world.officerIds[0],
        version: 1,
        created_at: iso(at),
        updated_at: iso(at),
      });
    }
    const id = randomUUID();
    const at = encounter.at;
    const age = Math.floor(rnd() * rnd() * 70);
    const knownBirth = rnd() < 0.3;
    const accompaniment = age < 18 ? pick(['unaccompanied', 'separated', 'with_family', 'with_family']) : pick(['adult', 'adult', 'with_family']);
    const officer = pick(world.officerIds);
    const sex = rnd() < 0.35 ? 'female' : rnd() < 0.98 ? 'male' : 'unknown';
    const birthDate = knownBirth ? `${new Date(at).getUTCFullYear() - age}-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 9)}` : null;
    const precision = knownBirth ? 'day' : null;
    const birth = plaintextBirthDates
      ? { birth_date: birthDate }
      : {
          birth_date_enc: birthDate === null ? null : cipher ? cipher.encrypt(birthDate, placeOf('persons', 'birth_date_enc', id)) : PLACEHOLDER_CIPHERTEXT,
          birth_year: birthDate === null ? null : Number(birthDate.slice(0, 4)),
          birth_date_index: cipher ? birthDateIndexOf(cipher, birthDate, precision) : null,
          age_at_encounter: ageAtEncounter(birthDate, iso(at)),
        };
    rows.persons!.push({
      id,
      registering_agency_id: encounter.agency,
      created_by: officer,
      given_name_enc: PLACEHOLDER_CIPHERTEXT,
      family_name_enc: null,
      other_names_enc: null,
      name_index: null,
      sex,
      ...birth,
      birth_date_precision: precision,
      age_claimed: knownBirth ? null : rnd() < 0.95 ? age : null,
      nationality: rnd() < 0.97 ? pick(NATIONALITIES) : null,
      languages: '[]',
      accompaniment,
      phone_enc: null,
      address_enc: null,
      encounter_id: encounter.id,
      name_script: null,
      transliterations_enc: null,
      aliases_enc: null,
      age_disputed: 0,
      version: 1,
      created_at: iso(at),
      updated_at: iso(at),
    });
    rows.cases!.push({
      id: randomUUID(),
      person_id: id,
      agency_id: encounter.agency,
      officer_id: officer,
      stage: pick(['registered', 'screened', 'assisted', 'referred', 'closed']),
      risk_level: null,
      consular_choice: 'not_asked',
      asylum_claim: 'none',
      best_interests_determined: 0,
      stage_reason_enc: null,
      version: 1,
      created_at: iso(at),
      updated_at: iso(at),
    });
    const indicators = OBSERVED_INDICATORS.filter(() => rnd() < 0.06);
    if (indicators.length > 0) {
      rows.screenings!.push({
        id: randomUUID(),
        person_id: id,
        screening_version: 1,
        indicators: JSON.stringify(indicators),
        statement_enc: null,
        statement_language: null,
        screened_by: officer,
        screened_at: iso(at + 3_600_000),
        created_at: iso(at + 3_600_000),
      });
    }
    const detained = rnd() < 0.08;
    if (detained) {
      rows.detentions!.push({
        id: randomUUID(),
        person_id: id,
        place: 'Synthetic station',
        since: iso(at + 7_200_000),
        until: rnd() < 0.6 ? iso(at + 7_200_000 + Math.floor(rnd() * 10 * 86_400_000)) : null,
        legal_basis: 'Synthetic basis',
        recorded_by: officer,
        version: 1,
        created_at: iso(at),
        updated_at: iso(at),
      });
    }
    const obligation = (code: string, hours: number) => {
      const due = at + hours * 3_600_000;
      const fate = rnd();
      const fulfilledAt = fate < 0.6 ? at + Math.floor(rnd() * hours * 1.5 * 3_600_000) : null;
      const status = fulfilledAt !== null ? 'fulfilled' : fate < 0.8 ? 'open' : fate < 0.9 ? 'waived' : 'lapsed';
      rows.obligations!.push({
        id: randomUUID(),
        person_id: id,
        agency_id: encounter!.agency,
        code,
        status,
        basis: 'synthetic',
        fulfilled_by: 'synthetic',
        due_by: iso(due),
        fulfilment_type: status === 'fulfilled' ? 'assistance' : null,
        fulfilment_id: null,
        fulfilled_at: fulfilledAt === null ? null : iso(fulfilledAt),
        waived_by: status === 'waived' ? officer : null,
        waiver_reason_enc: status === 'waived' ? PLACEHOLDER_CIPHERTEXT : null,
        waived_at: status === 'waived' ? iso(at + 3_600_000) : null,
        due_soon_notified_at: null,
        overdue_notified_at: null,
        version: 1,
        created_at: iso(at),
        updated_at: iso(at),
      });
    };
    obligation('info.rights', 24);
    if (age < 18) obligation('children.best_interests', 24);
    if (age < 18 && (accompaniment === 'unaccompanied' || accompaniment === 'separated')) obligation('children.guardian', 72);
    if (detained) obligation('consular.inform_rights', 26);
    if (indicators.some((x) => x === 'fear_of_return' || x === 'asylum_intent')) obligation('protection.asylum_referral', 72);
    if (indicators.some((x) => x === 'fear_of_return' || x === 'asylum_intent')) {
      // A standing protection: no deadline; half of them listed fulfilled (as the facts can show it), none ever "in time".
      rows.obligations!.push({
        id: randomUUID(),
        person_id: id,
        agency_id: encounter.agency,
        code: 'protection.non_refoulement',
        status: i % 2 === 0 ? 'fulfilled' : 'open',
        basis: 'synthetic',
        fulfilled_by: 'synthetic',
        due_by: null,
        fulfilment_type: i % 2 === 0 ? 'facts' : null,
        fulfilment_id: null,
        fulfilled_at: i % 2 === 0 ? iso(at + 3_600_000) : null,
        waived_by: null,
        waiver_reason_enc: null,
        waived_at: null,
        due_soon_notified_at: null,
        overdue_notified_at: null,
        version: 1,
        created_at: iso(at),
        updated_at: iso(at),
      });
    }
    if (rnd() < 0.3) {
      const sentAt = at + Math.floor(rnd() * 48 * 3_600_000);
      const status = pick(REFERRAL_STATUSES);
      const accepted = ['accepted', 'in_progress', 'completed', 'closed'].includes(status);
      const acceptedAt = accepted ? sentAt + Math.floor(rnd() * 72 * 3_600_000) : null;
      const completedAt = status === 'completed' || status === 'closed' ? acceptedAt! + Math.floor(rnd() * 240 * 3_600_000) : null;
      const referralId = randomUUID();
      rows.referrals!.push({
        id: referralId,
        reference: `SYN-${referralId}`,
        person_id: id,
        from_agency_id: encounter.agency,
        sender_id: officer,
        provider_id: pick(world.providerIds),
        to_agency_id: encounter.agency,
        service_type: pick(SERVICES),
        urgency: 'routine',
        obligations: '[]',
        due_by: null,
        status,
        consent_id: null,
        vital_interest_by: null,
        vital_interest_reason_enc: null,
        shared_groups: '[]',
        reason_enc: null,
        decline_reason_enc: null,
        feedback_enc: null,
        sent_at: iso(sentAt),
        accepted_at: acceptedAt === null ? null : iso(acceptedAt),
        completed_at: completedAt === null ? null : iso(completedAt),
        ended_at: null,
        version: 1,
        created_at: iso(sentAt),
        updated_at: iso(sentAt),
      });
    }
    if (rnd() < 0.002) {
      rows.guard_overrides!.push({
        id: randomUUID(),
        person_id: id,
        agency_id: encounter.agency,
        action: pick(['return', 'share_with_origin_state', 'detain']),
        blocked_by: '[]',
        reason_enc: PLACEHOLDER_CIPHERTEXT,
        overridden_by: officer,
        created_at: iso(at + 86_400_000),
      });
    }
  }
  return rows;
}

const CHUNK = 5000;

/**
 * Writes rows fast: on SQLite one prepared statement in one transaction; on PostgreSQL one
 * INSERT … SELECT FROM unnest(arrays) per chunk (one parameter per column, not per value).
 */
export async function bulkInsert(database: Database, rows: Rows): Promise<void> {
  for (const [table, list] of Object.entries(rows) as [string, Record<string, unknown>[]][]) {
    if (!list || list.length === 0) continue;
    const columns = Object.keys(list[0]!);
    if (database.sqlite) {
      const statement = database.sqlite.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`);
      database.sqlite.transaction((all: Record<string, unknown>[]) => {
        for (const row of all) statement.run(row);
      })(list);
      continue;
    }
    const declared = await sql<{ name: string; type: string }>`select column_name as name, data_type as type from information_schema.columns
      where table_schema = current_schema() and table_name = ${table}`.execute(database.db);
    const typeOf = new Map(declared.rows.map((r) => [r.name, r.type]));
    const types = columns.map((c) => typeOf.get(c) ?? 'text');
    for (let offset = 0; offset < list.length; offset += CHUNK) {
      const chunk = list.slice(offset, offset + CHUNK);
      const arrays = columns.map((c, i) => sql`cast(${chunk.map((row) => row[c] ?? null)} as ${sql.raw(types[i]!)}[])`);
      await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) select * from unnest(${sql.join(arrays)})`.execute(database.db);
    }
  }
}
