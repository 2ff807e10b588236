import { ageDetermination, type AgeChallengeOutcome, type AgeDetermination, type AgeRecord, type AssessInput, type AsylumClaimState, type ConsularChoice, type EncounterType, type ObservedIndicator } from '@haven/core';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { AssistanceTable, DetentionTable, PersonTable } from '../../platform/db/schema.js';
import { caseFileRows, type CaseFileUnit } from './store.js';

// The one place that reads across the case file (person, encounter, case, screening, age
// assessment, detention, assistance) to state the facts the engine needs. Features write those
// records through their own services; only this reader assembles them.

export interface CaseFacts {
  personId: string;
  /** The agency whose case it is. */
  agencyId: string;
  input: AssessInput;
  languages: string[];
  assistance: Pick<AssistanceTable, 'id' | 'type' | 'language' | 'given_at'>[];
  /** The detention the engine saw (the open one, else the latest). */
  detention: Pick<DetentionTable, 'id' | 'since' | 'until'> | undefined;
  /** Notifications sent to the consular post (they deliver the `consular` referral). */
  consularNotifications: { id: string; sent_at: string }[];
  completedReferrals: { id: string; service_type: string; completed_at: string }[];
  justiceLinks: { id: string; role: string; created_at: string }[];
  incidents: { id: string; kind: string; created_at: string }[];
}

const CHUNK = 400;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * Age in whole years at `at`. A year-only or estimated birth date gives the lower bound of the
 * possible ages (the birthday may fall late in the year): the benefit of the doubt for children.
 */
export function ageAt(birthDate: string, precision: string | null, at: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const years = at.getUTCFullYear() - y;
  if (precision === 'year' || precision === 'estimated') return Math.max(0, years - 1);
  const birthdayPassed = at.getUTCMonth() + 1 > m || (at.getUTCMonth() + 1 === m && at.getUTCDate() >= d);
  return Math.max(0, birthdayPassed ? years : years - 1);
}

/**
 * The engine's view of each person's case, read in a few queries whatever the number of persons.
 * Persons merged into another record are left out (none of their own facts holds any longer).
 */
export async function loadCaseFacts(unit: CaseFileUnit, personIds: readonly string[]): Promise<Map<string, CaseFacts>> {
  const out = new Map<string, CaseFacts>();
  const { cipher } = unit.platform;
  for (const ids of chunks(personIds)) {
    if (ids.length === 0) continue;
    const { persons, screenings, assessments, challenges, detentions, assistance, notifications, referrals, links, incidents } = await caseFileRows(unit, ids);
    const latestScreening = new Map<string, { v: number; indicators: string }>();
    for (const s of screenings) {
      const seen = latestScreening.get(s.person_id);
      if (!seen || s.screening_version > seen.v) latestScreening.set(s.person_id, { v: s.screening_version, indicators: s.indicators });
    }
    // The latest assessment of each person (rows come oldest first) with its challenges.
    const latestAssessment = new Map<string, AgeRecord & { id: string }>(assessments.map((a) => [a.person_id, { id: a.id, minAge: a.min_age, challenges: [] }]));
    const challengesOf = new Map<string, { outcome: AgeChallengeOutcome | null; minAge: number | null }[]>();
    for (const c of challenges) challengesOf.set(c.assessment_id, [...(challengesOf.get(c.assessment_id) ?? []), { outcome: c.outcome as AgeChallengeOutcome | null, minAge: c.min_age }]);
    const latestRecord = (personId: string): AgeRecord | undefined => {
      const latest = latestAssessment.get(personId);
      return latest && { minAge: latest.minAge, challenges: challengesOf.get(latest.id) ?? [] };
    };
    const detentionOf = new Map<string, CaseFacts['detention']>();
    for (const d of detentions) {
      const current = detentionOf.get(d.person_id);
      // An open detention always wins; otherwise the latest one.
      if (!current || current.until !== null || d.until === null) detentionOf.set(d.person_id, { id: d.id, since: d.since, until: d.until });
    }
    const assistanceOf = new Map<string, CaseFacts['assistance']>();
    for (const a of assistance) {
      const list = assistanceOf.get(a.person_id) ?? [];
      list.push({ id: a.id, type: a.type, language: a.language, given_at: a.given_at });
      assistanceOf.set(a.person_id, list);
    }
    for (const p of persons) {
      const personLinks = links.filter((l) => l.person_id === p.id);
      // Being linked to an investigation as a witness or victim is a fact of the case for the engine.
      const fromLinks = [
        ...(personLinks.some((l) => l.role === 'witness') ? ['witness'] : []),
        ...(personLinks.some((l) => l.role === 'victim') ? ['crime_victim'] : []),
      ];
      // The exact date, not the plaintext age at the encounter: a year-only date reads differently here.
      const birth_date = cipher.decryptNullable(p.birth_date_enc, placeOf('persons', 'birth_date_enc', p.id));
      const facts = buildFacts({ ...p, birth_date }, latestScreening.get(p.id)?.indicators, ageDetermination(latestRecord(p.id), p.age_claimed), detentionOf.get(p.id), assistanceOf.get(p.id) ?? [], fromLinks);
      facts.consularNotifications = notifications.filter((n) => n.person_id === p.id).map((n) => ({ id: n.id, sent_at: n.sent_at }));
      facts.completedReferrals = referrals.filter((r) => r.person_id === p.id).map((r) => ({ id: r.id, service_type: r.service_type, completed_at: r.completed_at ?? '' }));
      facts.justiceLinks = personLinks.map((l) => ({ id: l.id, role: l.role, created_at: l.created_at }));
      facts.incidents = incidents.filter((i) => i.person_id === p.id).map((i) => ({ id: i.id, kind: i.kind, created_at: i.created_at }));
      out.set(p.id, facts);
    }
  }
  return out;
}

type PersonFactsRow = Pick<
  PersonTable,
  'id' | 'sex' | 'birth_date_precision' | 'age_claimed' | 'age_disputed' | 'accompaniment' | 'nationality' | 'languages' | 'created_at'
> & {
  /** The date of birth, decrypted. */
  birth_date: string | null;
  encounter_type: string | null;
  occurred_at: string | null;
  agency_id: string;
  consular_choice: string;
  asylum_claim: string;
  best_interests_determined: number;
};

/**
 * The facts of persons registered in this very transaction, from the rows just written and the
 * date of birth as given (not decrypted again): a new person has no detention, assistance or
 * assessment yet, so nothing else needs reading.
 */
export function factsOfNewPerson(
  person: PersonTable,
  birthDate: string | null,
  caseRow: { agency_id: string; consular_choice: string; asylum_claim: string; best_interests_determined: number },
  encounter: { type: string; occurred_at: string } | undefined,
  indicators: string | undefined,
): CaseFacts {
  return buildFacts(
    { ...person, birth_date: birthDate, encounter_type: encounter?.type ?? null, occurred_at: encounter?.occurred_at ?? null, ...caseRow },
    indicators,
    ageDetermination(undefined, person.age_claimed),
    undefined,
    [],
  );
}

function buildFacts(
  p: PersonFactsRow,
  indicators: string | undefined,
  determination: AgeDetermination,
  detention: CaseFacts['detention'],
  assistance: CaseFacts['assistance'],
  linkedIndicators: readonly string[] = [],
): CaseFacts {
  const encounteredAt = p.occurred_at ?? p.created_at;
  const languages = JSON.parse(p.languages) as string[];
  // An age assessment settles a dispute with the lower bound of its range (or what a decision on
  // its challenge set) once the determination is final; until then a disputed age keeps the benefit
  // of the doubt (the engine treats the claimed minor as a child). A challenge pending (review or
  // appeal) leaves it not final: the age is disputed again, whatever the assessment found.
  const settled = determination.state === 'final';
  const age = determination.age ?? (p.birth_date ? ageAt(p.birth_date, p.birth_date_precision, new Date(encounteredAt)) : undefined);
  const disputed = determination.state === 'pending' || (p.age_disputed === 1 && !settled);
  const input: AssessInput = {
    encounteredAt,
    ...(p.encounter_type ? { encounterType: p.encounter_type as EncounterType } : {}),
    person: {
      sex: p.sex as 'male' | 'female' | 'unknown',
      ...(age !== undefined ? { age } : {}),
      ...(p.age_claimed !== null ? { ageClaimed: p.age_claimed } : {}),
      ageDisputed: disputed,
      ...(p.accompaniment ? { accompaniment: p.accompaniment as 'adult' } : {}),
      ...(p.nationality ? { nationality: p.nationality } : {}),
      languages,
    },
    indicators: [...new Set([...(indicators ? (JSON.parse(indicators) as ObservedIndicator[]) : []), ...(linkedIndicators as ObservedIndicator[])])],
    ...(detention ? { detention: { since: detention.since, until: detention.until } } : {}),
    consular: p.consular_choice as ConsularChoice,
    asylumClaim: p.asylum_claim as AsylumClaimState,
    bestInterestsDetermined: p.best_interests_determined === 1,
  } as AssessInput;
  return { personId: p.id, agencyId: p.agency_id, input, languages, assistance, detention, consularNotifications: [], completedReferrals: [], justiceLinks: [], incidents: [] };
}
