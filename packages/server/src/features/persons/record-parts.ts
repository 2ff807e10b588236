import type { AgeAssessmentView, AgeChallengeDecision, AgeChallengeInput, AgeChallengeOutcome, AgeChallengeView, FamilyLinkView, FieldGroup, IdentityDocumentView } from '@haven/core';
import type { AgeChallengeTable } from '../../platform/db/schema.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import { newRecordId } from '../../platform/db/record-id.js';
import { conflict, forbidden, notFound, staleVersion, unprocessable } from '../../platform/http/problem.js';
import type { ScopedStore, ScopedUnit } from '../../store/scoped-store.js';
import {
  ageAssessmentRows,
  ageChallengeRows,
  ageClaimedOf,
  findAgeAssessment,
  findAgeChallenge,
  insertAgeChallenge,
  latestAgeAssessmentId,
  familyLinkExists,
  familyLinkRows,
  identityDocumentRows,
  insertAgeAssessment,
  insertFamilyLink,
  insertIdentityDocument,
} from './store.js';

// Parts of a person's record beside the person row: age assessments, family links, identity
// documents. All are identity-group data.

/**
 * Settles an age dispute unless it is contested: the lower bound of the range is the person's age for
 * the engine; a challenge lodged against it (lodgeAgeChallenge) keeps the dispute until decided.
 */
export async function recordAgeAssessment(
  store: ScopedStore,
  personId: string,
  input: { method: string; assessedOn: string; minAge: number; maxAge: number; assessor: string },
): Promise<AgeAssessmentView> {
  const at = store.platform.clock().toISOString();
  if (input.assessedOn > at.slice(0, 10)) throw unprocessable('assessedOn', `${input.assessedOn} is in the future`);
  return store.unit(async (unit) => {
    await unit.caseGroups(personId);
    const id = newRecordId();
    const row = { id, person_id: personId, method: input.method, assessed_on: input.assessedOn, min_age: input.minAge, max_age: input.maxAge, assessor: input.assessor, recorded_by: unit.actor.userId, created_at: at };
    await insertAgeAssessment(unit, row);
    unit.record({ action: 'age_assessment.create', recordType: 'age_assessment', recordId: id, fields: Object.keys(input) });
    unit.factsChanged([personId]);
    return { id, method: row.method, assessedOn: row.assessed_on, minAge: row.min_age, maxAge: row.max_age, assessor: row.assessor, recordedBy: row.recorded_by, createdAt: at, challenges: [] };
  });
}

function challengeView(r: AgeChallengeTable): AgeChallengeView {
  return {
    id: r.id,
    assessmentId: r.assessment_id,
    kind: r.kind as AgeChallengeView['kind'],
    lodgedOn: r.lodged_on,
    lodgedBy: r.lodged_by as AgeChallengeView['lodgedBy'],
    outcome: r.outcome as AgeChallengeOutcome | null,
    minAge: r.min_age,
    maxAge: r.max_age,
    decidedOn: r.decided_on,
    decidedBy: r.decided_by,
    version: r.version,
  };
}

function assertNotFuture(at: string, field: string, date: string): void {
  if (date > at.slice(0, 10)) throw unprocessable(field, `${date} is in the future`);
}

/**
 * The person (or someone on their behalf) contests the latest assessment: a review or an appeal.
 * Until it is decided the determination is not final, so the age is disputed again and the benefit
 * of the doubt applies (DOMAIN.md §4): the facts are settled again in this transaction.
 */
export async function lodgeAgeChallenge(store: ScopedStore, personId: string, assessmentId: string, input: AgeChallengeInput): Promise<AgeChallengeView> {
  const at = store.platform.clock().toISOString();
  assertNotFuture(at, 'lodgedOn', input.lodgedOn);
  return store.unit(async (unit) => {
    await unit.caseGroups(personId);
    const assessment = await findAgeAssessment(unit, personId, assessmentId);
    if (!assessment) throw notFound('age assessment');
    if ((await latestAgeAssessmentId(unit, personId)) !== assessmentId) {
      throw unprocessable('assessmentId', 'a later assessment replaced this one: contest the latest');
    }
    if (input.lodgedOn < assessment.assessed_on) throw unprocessable('lodgedOn', 'must not be before the assessment');
    if ((await ageChallengeRows(unit, [assessmentId])).some((c) => c.outcome === null)) {
      throw conflict('age-challenge-pending', 'A challenge of this assessment is already pending: record its outcome first.');
    }
    const row: AgeChallengeTable = {
      id: newRecordId(),
      assessment_id: assessmentId,
      kind: input.kind,
      lodged_on: input.lodgedOn,
      lodged_by: input.lodgedBy,
      outcome: null,
      min_age: null,
      max_age: null,
      decided_on: null,
      decided_by: null,
      recorded_by: unit.actor.userId,
      decision_recorded_by: null,
      version: 1,
      created_at: at,
      updated_at: at,
    };
    await insertAgeChallenge(unit, row);
    unit.record({ action: 'age_challenge.create', recordType: 'age_challenge', recordId: row.id, fields: Object.keys(input) });
    unit.factsChanged([personId]);
    return challengeView(row);
  });
}

/**
 * The body's decision on a challenge (the version read, as every edit): the assessment upheld, the
 * claimed age accepted, or a new range. With no other challenge pending, the determination is final.
 */
export async function decideAgeChallenge(store: ScopedStore, personId: string, challengeId: string, input: AgeChallengeDecision): Promise<AgeChallengeView> {
  const at = store.platform.clock().toISOString();
  assertNotFuture(at, 'decidedOn', input.decidedOn);
  return store.unit(async (unit) => {
    await unit.caseGroups(personId);
    const row = await findAgeChallenge(unit, personId, challengeId);
    if (!row) throw notFound('age challenge');
    if (row.version !== input.version) throw staleVersion('age challenge', row.version);
    if (row.outcome !== null) throw conflict('age-challenge-decided', 'This challenge was already decided.');
    if (input.decidedOn < row.lodged_on) throw unprocessable('decidedOn', `must not be before the challenge was lodged (${row.lodged_on})`);
    if (input.outcome === 'claimed_age_accepted' && (await ageClaimedOf(unit, personId)) === null) {
      throw unprocessable('outcome', 'the person has no claimed age to accept');
    }
    const set = {
      outcome: input.outcome,
      min_age: input.minAge ?? null,
      max_age: input.maxAge ?? null,
      decided_on: input.decidedOn,
      decided_by: input.decidedBy,
      decision_recorded_by: unit.actor.userId,
    };
    const version = await unit.updateVersioned({ table: 'age_challenges', id: challengeId, version: input.version, set, recordType: 'age challenge', at });
    unit.record({ action: 'age_challenge.decide', recordType: 'age_challenge', recordId: challengeId, fields: Object.keys(input).filter((k) => k !== 'version') });
    unit.factsChanged([personId]);
    return challengeView({ ...row, ...set, version, updated_at: at });
  });
}

function identityVisible(groups: ReadonlySet<FieldGroup>): void {
  if (!groups.has('identity')) throw forbidden('Identity data is not among the fields shared with you.');
}

/** Reads a part of the person's record (identity group), audited as a read of the person naming the part. */
function readPart<T>(unit: ScopedUnit, personId: string, part: string, load: () => Promise<T>): Promise<T> {
  return unit.read(
    { personId, recordType: 'person', recordId: personId },
    async (groups) => {
      identityVisible(groups);
      return load();
    },
    () => [part],
  );
}

export async function listAgeAssessments(store: ScopedStore, personId: string): Promise<AgeAssessmentView[]> {
  return store.unit((unit) =>
    readPart(unit, personId, 'ageAssessments', async () => {
      const rows = await ageAssessmentRows(unit, personId);
      const challenges = await ageChallengeRows(unit, rows.map((r) => r.id));
      return rows.map((r) => ({
        id: r.id,
        method: r.method,
        assessedOn: r.assessed_on,
        minAge: r.min_age,
        maxAge: r.max_age,
        assessor: r.assessor,
        recordedBy: r.recorded_by,
        createdAt: r.created_at,
        challenges: challenges.filter((c) => c.assessment_id === r.id).map(challengeView),
      }));
    }),
  );
}

export async function linkFamily(store: ScopedStore, personId: string, input: { relatedPersonId: string; relation: string }): Promise<FamilyLinkView> {
  return store.unit(async (unit) => {
    await unit.caseGroups(personId);
    if (input.relatedPersonId === personId) throw unprocessable('relatedPersonId', 'a person cannot be linked to themself');
    if (!(await unit.groupsOf(input.relatedPersonId))) throw unprocessable('relatedPersonId', 'no such person in your scope');
    if (await familyLinkExists(unit, personId, input.relatedPersonId, input.relation)) throw conflict('family-link-exists', 'These persons are already linked this way.');
    const id = newRecordId();
    await insertFamilyLink(unit, { id, person_id: personId, related_person_id: input.relatedPersonId, relation: input.relation, created_by: unit.actor.userId, created_at: store.platform.clock().toISOString() });
    unit.record({ action: 'family_link.create', recordType: 'family_link', recordId: id, fields: ['relatedPersonId', 'relation'] });
    return { id, personId, relatedPersonId: input.relatedPersonId, relation: input.relation };
  });
}

/** Links in both directions: a link recorded from the other person shows here too. */
export async function familyLinks(store: ScopedStore, personId: string): Promise<FamilyLinkView[]> {
  return store.unit((unit) =>
    readPart(unit, personId, 'familyLinks', async () =>
      (await familyLinkRows(unit, personId)).map((r) => ({ id: r.id, personId: r.person_id, relatedPersonId: r.related_person_id, relation: r.relation })),
    ),
  );
}

export async function addDocument(
  store: ScopedStore,
  personId: string,
  input: { type: string; number?: string | undefined; issuingCountry?: string | undefined; expiresOn?: string | undefined },
): Promise<IdentityDocumentView> {
  const { cipher } = store.platform;
  return store.unit(async (unit) => {
    await unit.caseGroups(personId);
    const id = newRecordId();
    await insertIdentityDocument(unit, {
      id,
      person_id: personId,
      type: input.type,
      number_enc: cipher.encryptNullable(input.number, placeOf('identity_documents', 'number_enc', id)),
      issuing_country: input.issuingCountry ?? null,
      expires_on: input.expiresOn ?? null,
      created_by: unit.actor.userId,
      created_at: store.platform.clock().toISOString(),
    });
    unit.record({ action: 'document.create', recordType: 'identity_document', recordId: id, fields: Object.keys(input) });
    return { id, type: input.type, number: input.number ?? null, issuingCountry: input.issuingCountry ?? null, expiresOn: input.expiresOn ?? null };
  });
}

export async function listDocuments(store: ScopedStore, personId: string): Promise<IdentityDocumentView[]> {
  const { cipher } = store.platform;
  return store.unit((unit) =>
    readPart(unit, personId, 'documents', async () =>
      (await identityDocumentRows(unit, personId)).map((r) => ({
        id: r.id,
        type: r.type,
        number: cipher.decryptNullable(r.number_enc, placeOf('identity_documents', 'number_enc', r.id)),
        issuingCountry: r.issuing_country,
        expiresOn: r.expires_on,
      })),
    ),
  );
}
