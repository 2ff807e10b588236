import type { AgeAssessmentView, FamilyLinkView, FieldGroup, IdentityDocumentView } from '@haven/core';
import { placeOf } from '../../platform/crypto/cipher.js';
import { newRecordId } from '../../platform/db/record-id.js';
import { conflict, forbidden, unprocessable } from '../../platform/http/problem.js';
import type { ScopedStore, ScopedUnit } from '../../store/scoped-store.js';
import {
  ageAssessmentRows,
  familyLinkExists,
  familyLinkRows,
  identityDocumentRows,
  insertAgeAssessment,
  insertFamilyLink,
  insertIdentityDocument,
} from './store.js';

// Parts of a person's record beside the person row: age assessments, family links, identity
// documents. All are identity-group data.

/** Settles an age dispute: from now on the lower bound of the range is the person's age for the engine. */
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
    return { id, method: row.method, assessedOn: row.assessed_on, minAge: row.min_age, maxAge: row.max_age, assessor: row.assessor, recordedBy: row.recorded_by, createdAt: at };
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
    readPart(unit, personId, 'ageAssessments', async () =>
      (await ageAssessmentRows(unit, personId)).map((r) => ({ id: r.id, method: r.method, assessedOn: r.assessed_on, minAge: r.min_age, maxAge: r.max_age, assessor: r.assessor, recordedBy: r.recorded_by, createdAt: r.created_at })),
    ),
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
