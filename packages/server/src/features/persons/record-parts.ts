import { assertWorksOnCase, visibleGroupsOrThrow } from '../../platform/access/scope.js';
import { withAudit } from '../../platform/audit/recorder.js';
import type { Platform, RequestContext } from '../../platform/context.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { Tx } from '../../platform/db/database.js';
import { newRecordId } from '../../platform/db/record-id.js';
import { conflict, forbidden, unprocessable } from '../../platform/http/problem.js';
import { refreshObligations } from '../obligations/refresh.js';
import { actorOf } from '../../platform/access/actor.js';

// Parts of a person's record beside the person row: age assessments, family links, identity
// documents. All are identity-group data.

export interface AgeAssessmentView {
  id: string;
  method: string;
  assessedOn: string;
  minAge: number;
  maxAge: number;
  assessor: string;
  recordedBy: string;
  createdAt: string;
}

/** Settles an age dispute: from now on the lower bound of the range is the person's age for the engine. */
export async function recordAgeAssessment(
  platform: Platform,
  ctx: RequestContext,
  personId: string,
  input: { method: string; assessedOn: string; minAge: number; maxAge: number; assessor: string },
): Promise<AgeAssessmentView> {
  const actor = actorOf(ctx);
  const at = platform.clock().toISOString();
  if (input.assessedOn > at.slice(0, 10)) throw unprocessable('assessedOn', `${input.assessedOn} is in the future`);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    await assertWorksOnCase(trx, actor, personId);
    const id = newRecordId();
    const row = { id, person_id: personId, method: input.method, assessed_on: input.assessedOn, min_age: input.minAge, max_age: input.maxAge, assessor: input.assessor, recorded_by: actor.userId, created_at: at };
    await trx.insertInto('age_assessments').values(row).execute();
    record({ action: 'age_assessment.create', recordType: 'age_assessment', recordId: id, fields: Object.keys(input) });
    await refreshObligations(platform, trx, [personId]);
    return { id, method: row.method, assessedOn: row.assessed_on, minAge: row.min_age, maxAge: row.max_age, assessor: row.assessor, recordedBy: row.recorded_by, createdAt: at };
  });
}

async function identityVisible(trx: Tx, ctx: RequestContext, personId: string): Promise<void> {
  const groups = await visibleGroupsOrThrow(trx, actorOf(ctx), personId);
  if (!groups.has('identity')) throw forbidden('Identity data is not among the fields shared with you.');
}

export async function listAgeAssessments(platform: Platform, ctx: RequestContext, personId: string): Promise<AgeAssessmentView[]> {
  return withAudit(platform, ctx.audit, async (trx, record) => {
    await identityVisible(trx, ctx, personId);
    const rows = await trx.selectFrom('age_assessments').selectAll().where('person_id', '=', personId).orderBy('created_at').execute();
    record({ action: 'person.read', recordType: 'person', recordId: personId, fields: ['ageAssessments'] });
    return rows.map((r) => ({ id: r.id, method: r.method, assessedOn: r.assessed_on, minAge: r.min_age, maxAge: r.max_age, assessor: r.assessor, recordedBy: r.recorded_by, createdAt: r.created_at }));
  });
}

export interface FamilyLinkView {
  id: string;
  personId: string;
  relatedPersonId: string;
  relation: string;
}

export async function linkFamily(platform: Platform, ctx: RequestContext, personId: string, input: { relatedPersonId: string; relation: string }): Promise<FamilyLinkView> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    await assertWorksOnCase(trx, actor, personId);
    if (input.relatedPersonId === personId) throw unprocessable('relatedPersonId', 'a person cannot be linked to themself');
    await visibleGroupsOrThrow(trx, actor, input.relatedPersonId).catch(() => {
      throw unprocessable('relatedPersonId', 'no such person in your scope');
    });
    const existing = await trx
      .selectFrom('family_links')
      .select('id')
      .where('person_id', '=', personId)
      .where('related_person_id', '=', input.relatedPersonId)
      .where('relation', '=', input.relation)
      .executeTakeFirst();
    if (existing) throw conflict('family-link-exists', 'These persons are already linked this way.');
    const id = newRecordId();
    await trx
      .insertInto('family_links')
      .values({ id, person_id: personId, related_person_id: input.relatedPersonId, relation: input.relation, created_by: actor.userId, created_at: platform.clock().toISOString() })
      .execute();
    record({ action: 'family_link.create', recordType: 'family_link', recordId: id, fields: ['relatedPersonId', 'relation'] });
    return { id, personId, relatedPersonId: input.relatedPersonId, relation: input.relation };
  });
}

/** Links in both directions: a link recorded from the other person shows here too. */
export async function familyLinks(platform: Platform, ctx: RequestContext, personId: string): Promise<FamilyLinkView[]> {
  return withAudit(platform, ctx.audit, async (trx, record) => {
    await identityVisible(trx, ctx, personId);
    const rows = await trx
      .selectFrom('family_links')
      .selectAll()
      .where((eb) => eb.or([eb('person_id', '=', personId), eb('related_person_id', '=', personId)]))
      .orderBy('created_at')
      .execute();
    record({ action: 'person.read', recordType: 'person', recordId: personId, fields: ['familyLinks'] });
    return rows.map((r) => ({ id: r.id, personId: r.person_id, relatedPersonId: r.related_person_id, relation: r.relation }));
  });
}

export interface DocumentView {
  id: string;
  type: string;
  number: string | null;
  issuingCountry: string | null;
  expiresOn: string | null;
}

export async function addDocument(
  platform: Platform,
  ctx: RequestContext,
  personId: string,
  input: { type: string; number?: string | undefined; issuingCountry?: string | undefined; expiresOn?: string | undefined },
): Promise<DocumentView> {
  const actor = actorOf(ctx);
  return withAudit(platform, ctx.audit, async (trx, record) => {
    await assertWorksOnCase(trx, actor, personId);
    const id = newRecordId();
    await trx
      .insertInto('identity_documents')
      .values({
        id,
        person_id: personId,
        type: input.type,
        number_enc: platform.cipher.encryptNullable(input.number, placeOf('identity_documents', 'number_enc', id)),
        issuing_country: input.issuingCountry ?? null,
        expires_on: input.expiresOn ?? null,
        created_by: actor.userId,
        created_at: platform.clock().toISOString(),
      })
      .execute();
    record({ action: 'document.create', recordType: 'identity_document', recordId: id, fields: Object.keys(input) });
    return { id, type: input.type, number: input.number ?? null, issuingCountry: input.issuingCountry ?? null, expiresOn: input.expiresOn ?? null };
  });
}

export async function listDocuments(platform: Platform, ctx: RequestContext, personId: string): Promise<DocumentView[]> {
  return withAudit(platform, ctx.audit, async (trx, record) => {
    await identityVisible(trx, ctx, personId);
    const rows = await trx.selectFrom('identity_documents').selectAll().where('person_id', '=', personId).orderBy('created_at').execute();
    record({ action: 'person.read', recordType: 'person', recordId: personId, fields: ['documents'] });
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      number: platform.cipher.decryptNullable(r.number_enc, placeOf('identity_documents', 'number_enc', r.id)),
      issuingCountry: r.issuing_country,
      expiresOn: r.expires_on,
    }));
  });
}
