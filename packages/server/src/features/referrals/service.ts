import {
  DEFAULT_SHARED_GROUPS,
  deriveFlags,
  FIELD_GROUPS,
  type FieldGroup,
  type Fulfilment,
  type ReferralInput,
  type ReferralLifecycleStatus,
  type ReferralProposal,
  type ReferralSend,
  type ReferralView,
  type ServiceType,
} from '@haven/core';
import { randomUUID } from 'node:crypto';
import type { Actor, Platform } from '../../platform/context.js';
import { placeOf } from '../../platform/crypto/cipher.js';
import type { ReferralTable } from '../../platform/db/schema.js';
import { conflict, forbidden, HttpProblem, notFound, staleVersion, unprocessable } from '../../platform/http/problem.js';
import type { ScopedStore, ScopedUnit } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';
import { acceptsReferralsFrom, findProvider, offers, pathwayProvider, type ProviderView } from '../directory/service.js';
import { loadCaseFacts } from '../obligations/case-facts.js';
import { clearGuard, withGuard } from '../obligations/guards.js';
import { PERSON_FIELDS } from '../persons/fields.js';
import { personFieldsOf } from '../persons/service.js';
import { auditRefusedRead } from '../persons/refused-reads.js';
import { consentForReferralOrThrow } from './consents.js';
import { advanceCaseStage } from '../cases/service.js';
import { notify } from '../notifications/service.js';
import { renderReferralForm } from './form.js';
import { allowedActions, ENDED_STATUSES, GUARDED_SERVICES, sidesOf, transitionOrThrow, type ReferralAction, type ReferralSide, type Transition } from './lifecycle.js';
import {
  agencyArea,
  agencyNames,
  agencyUsersWith,
  caseReferralRows,
  emailsOf,
  grantAccess,
  inboxRows,
  insertReferralRow,
  isActiveUser,
  latestConsentRow,
  liveGrantGroups,
  nextReference,
  openObligationRows,
  referralInScope,
  revokeAccess,
  updateReferralRow,
  type AccessGrant,
} from './store.js';

// Referrals: a draft names the person, the provider, the service, the
// obligations it serves and the field groups it will share; sending it needs the person's consent
// (or a supervisor's vital-interest override) and, for consular and return services, the guard;
// it grants the recipient those groups until the referral ends or the consent is withdrawn.

export type { ReferralView } from '@haven/core';

const place = (id: string, column: string) => placeOf('referrals', column, id);

function referralView(platform: Platform, row: ReferralTable, sides: ReadonlySet<ReferralSide>): ReferralView {
  const sending = sides.has('sender') || sides.has('supervisor');
  // The sender's words about the person reach the recipient while the referral (and its access) lasts.
  const recipientStillServes = !ENDED_STATUSES.includes(row.status as ReferralLifecycleStatus);
  const decrypt = (column: 'reason_enc' | 'decline_reason_enc' | 'feedback_enc' | 'vital_interest_reason_enc') => platform.cipher.decryptNullable(row[column], place(row.id, column));
  return {
    id: row.id,
    reference: row.reference,
    personId: row.person_id,
    fromAgencyId: row.from_agency_id,
    senderId: row.sender_id,
    providerId: row.provider_id,
    toAgencyId: row.to_agency_id,
    service: row.service_type as ServiceType,
    urgency: row.urgency,
    obligations: JSON.parse(row.obligations) as string[],
    dueBy: row.due_by,
    status: row.status as ReferralLifecycleStatus,
    consentId: row.consent_id,
    vitalInterest: row.vital_interest_by ? { by: row.vital_interest_by, reason: sending ? decrypt('vital_interest_reason_enc') : null } : null,
    sharedGroups: JSON.parse(row.shared_groups) as FieldGroup[],
    reason: sending || recipientStillServes ? decrypt('reason_enc') : null,
    declineReason: decrypt('decline_reason_enc'),
    feedback: decrypt('feedback_enc'),
    sentAt: row.sent_at,
    acceptedAt: row.accepted_at,
    completedAt: row.completed_at,
    endedAt: row.ended_at,
    allowedActions: allowedActions(row.status as ReferralLifecycleStatus, sides),
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

// ---- what a referral needs --------------------------------------------------------------------

function providerOrThrow(provider: ProviderView | undefined, service: ServiceType, agencyId: string): ProviderView {
  if (!provider) throw unprocessable('providerId', 'no such provider in the directory');
  if (!offers(provider, service)) throw unprocessable('service', `${provider.name} does not offer ${service}; it offers ${provider.serviceTypes.join(', ')}`);
  if (!acceptsReferralsFrom(provider, agencyId)) throw unprocessable('providerId', `${provider.name} does not accept referrals from your agency`);
  return provider;
}

/** The groups shared: the sender's choice, or the service's defaults; never more than the sender's role sees. */
export function sharedGroupsOrThrow(actor: Actor, service: ServiceType, chosen: readonly FieldGroup[] | undefined): FieldGroup[] {
  if (chosen === undefined) return FIELD_GROUPS.filter((g) => DEFAULT_SHARED_GROUPS[service].includes(g) && actor.fieldGroups.has(g));
  const hidden = chosen.filter((g) => !actor.fieldGroups.has(g));
  if (hidden.length > 0) throw unprocessable('sharedGroups', `your role cannot see ${hidden.join(', ')}, so it cannot share them`);
  return FIELD_GROUPS.filter((g) => chosen.includes(g));
}

function servicesOf(fulfilledBy: Fulfilment): ServiceType[] {
  const referral = fulfilledBy.referral;
  return referral === undefined ? [] : Array.isArray(referral) ? referral : [referral];
}

/** The person's open obligations a service fulfils: those named (each checked), or all of them; and the earliest dueBy. */
async function servedObligationsOrThrow(
  unit: StoreUnit,
  personId: string,
  service: ServiceType,
  named: readonly string[] | undefined,
): Promise<{ codes: string[]; dueBy: string | null }> {
  const serving = (await openObligationRows(unit, personId)).filter((o) => servicesOf(JSON.parse(o.fulfilled_by) as Fulfilment).includes(service));
  if (named !== undefined) {
    const unknown = named.find((code) => !serving.some((o) => o.code === code));
    if (unknown) throw unprocessable('obligations', `${unknown} is not an open obligation of this person that ${service} fulfils`);
  }
  const chosen = named === undefined ? serving : serving.filter((o) => named.includes(o.code));
  const dues = chosen.map((o) => o.due_by).filter((d): d is string => d !== null).sort();
  return { codes: chosen.map((o) => o.code), dueBy: dues[0] ?? null };
}

async function isChild(unit: StoreUnit, personId: string): Promise<boolean> {
  const facts = (await loadCaseFacts(unit, [personId])).get(personId);
  return facts !== undefined && deriveFlags(facts.input).includes('child');
}

// ---- proposing and drafting -------------------------------------------------------------------

export type { ReferralProposal } from '@haven/core';

/** Everything a draft needs, from the pathway of the area (by default the caller agency's): one click to draft it. */
export async function proposeReferral(store: ScopedStore, query: { personId: string; service: ServiceType; area?: string | undefined }): Promise<ReferralProposal> {
  return store.unit(async (unit) => {
    const { actor } = unit;
    await unit.caseGroups(query.personId);
    const area = query.area ?? (await agencyArea(unit, actor.agencyId));
    if (area === undefined) throw unprocessable('query:area', 'your agency has no area: name the area to find its pathway');
    const { codes, dueBy } = await servedObligationsOrThrow(unit, query.personId, query.service, undefined);
    unit.readDone({ action: 'obligation.read', recordType: 'person', recordId: query.personId }, ['obligations']);
    const found = await pathwayProvider(unit.db, query.service, area);
    let problem: string | null = null;
    if (!found) problem = `no default provider for ${query.service} in ${area}`;
    else if (!offers(found.provider, query.service)) problem = `${found.provider.name} no longer offers ${query.service}`;
    else if (!acceptsReferralsFrom(found.provider, actor.agencyId)) problem = `${found.provider.name} does not accept referrals from your agency`;
    let consentId: string | null = null;
    if (found && problem === null) {
      const consent = await latestConsentRow(unit, query.personId, found.provider.agencyId, query.service);
      if (consent?.status === 'given') consentId = consent.id;
      unit.readDone({ action: 'consent.read', recordType: 'person', recordId: query.personId }, ['consents']);
    }
    return {
      personId: query.personId,
      service: query.service,
      area,
      pathwayId: found?.pathway.id ?? null,
      provider: problem === null ? found!.provider : null,
      problem,
      obligations: codes,
      dueBy,
      sharedGroups: sharedGroupsOrThrow(actor, query.service, undefined),
      consentId,
    };
  });
}

export async function createReferral(store: ScopedStore, input: ReferralInput): Promise<ReferralView> {
  const { platform } = store;
  const now = platform.clock();
  const at = now.toISOString();
  return store.unit(async (unit) => {
    const { actor } = unit;
    await unit.caseGroups(input.personId);
    const provider = providerOrThrow(await findProvider(unit.db, input.providerId), input.service, actor.agencyId);
    const sharedGroups = sharedGroupsOrThrow(actor, input.service, input.sharedGroups);
    const served = await servedObligationsOrThrow(unit, input.personId, input.service, input.obligations);
    const target = { person_id: input.personId, to_agency_id: provider.agencyId, service_type: input.service };
    if (input.consentId) await consentForReferralOrThrow(unit, target, input.consentId);
    const id = randomUUID();
    const row: ReferralTable = {
      id,
      reference: await nextReference(unit, now.getUTCFullYear()),
      person_id: input.personId,
      from_agency_id: actor.agencyId,
      sender_id: actor.userId,
      provider_id: provider.id,
      to_agency_id: provider.agencyId,
      service_type: input.service,
      urgency: input.urgency,
      obligations: JSON.stringify(served.codes),
      due_by: input.dueBy ? new Date(input.dueBy).toISOString() : served.dueBy,
      status: 'draft',
      consent_id: input.consentId ?? null,
      vital_interest_by: null,
      vital_interest_reason_enc: null,
      shared_groups: JSON.stringify(sharedGroups),
      reason_enc: platform.cipher.encryptNullable(input.reason, place(id, 'reason_enc')),
      decline_reason_enc: null,
      feedback_enc: null,
      sent_at: null,
      accepted_at: null,
      completed_at: null,
      ended_at: null,
      version: 1,
      created_at: at,
      updated_at: at,
    };
    await insertReferralRow(unit, row);
    unit.record({ action: 'referral.create', recordType: 'referral', recordId: id, fields: Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined) });
    return referralView(platform, row, sidesOf(actor, row));
  });
}

// ---- reading ----------------------------------------------------------------------------------

export async function readReferral(store: ScopedStore, id: string): Promise<ReferralView> {
  return store.unit(async (unit) => {
    const { row, sides } = await referralInScope(unit, id);
    unit.readDone({ recordType: 'referral', recordId: id }, ['referral']);
    return referralView(store.platform, row, sides);
  });
}

const INBOX: readonly ReferralLifecycleStatus[] = ['sent', 'accepted', 'in_progress'];

/** Referrals to my agency that wait for it (sent, accepted, in progress), or those of one status; the earliest due first. */
export async function inbox(store: ScopedStore, status: ReferralLifecycleStatus | undefined, limit: number): Promise<ReferralView[]> {
  return store.unit(async (unit) => {
    const rows = await inboxRows(unit, status ? [status] : INBOX, limit);
    return rows.map((row) => {
      unit.readDone({ recordType: 'referral', recordId: row.id }, ['referral']);
      return referralView(store.platform, row, sidesOf(unit.actor, row));
    });
  });
}

/** Every referral of a person, for the agency working on the case. */
export async function personReferrals(store: ScopedStore, personId: string): Promise<ReferralView[]> {
  return store.unit(async (unit) => {
    const rows = await caseReferralRows(unit, personId);
    unit.readDone({ action: 'referral.read', recordType: 'person', recordId: personId }, ['referrals']);
    return rows.map((row) => referralView(store.platform, row, sidesOf(unit.actor, row)));
  });
}

/**
 * Grants an agency some field groups of a person because of a record (a justice link); the
 * grant ends with it. Answers the grant's id.
 */
export async function grantAccessFor(unit: StoreUnit, grant: AccessGrant): Promise<string> {
  return grantAccess(unit, grant);
}

// ---- the lifecycle ----------------------------------------------------------------------------

const AUDIT_OF = {
  sent: 'referral.sent',
  accepted: 'referral.accepted',
  declined: 'referral.declined',
  in_progress: 'referral.started',
  completed: 'referral.completed',
  closed: 'referral.closed',
  revoked: 'referral.revoked',
} as const;

const MAIL_SUBJECT: Record<string, string> = {
  sent: 'a referral was sent to your agency',
  accepted: 'your referral was accepted',
  declined: 'your referral was declined',
  in_progress: 'the service you referred to has started',
  completed: 'the service you referred to was delivered',
  closed: 'a referral was closed',
  revoked: 'a referral to your agency was revoked',
};

/**
 * Tells the other side of a transition: in-app (the sender when the recipient acted, the
 * recipient's staff otherwise) and, when SMTP is configured, by e-mail after the commit. The
 * e-mail names the referral's reference only, never the person.
 */
async function tellOtherSide(unit: ScopedUnit, row: ReferralTable, step: Transition, sides: ReadonlySet<ReferralSide>, at: string): Promise<void> {
  const { platform, actor } = unit;
  const asRecipient = sides.has('recipient') && step.by.includes('recipient');
  const asSender = step.by.some((side) => side !== 'recipient' && sides.has(side));
  const users: string[] = [];
  if (asRecipient && (await isActiveUser(unit, row.sender_id))) users.push(row.sender_id);
  // A draft the sender discards was never the recipient's to see.
  const recipientSeesIt = step.to === 'sent' || row.status !== 'draft';
  if (asSender && recipientSeesIt) users.push(...(await agencyUsersWith(unit, row.to_agency_id, 'referral:receive')));
  const recipients = users.filter((u) => u !== actor.userId);
  await notify(unit, { userIds: recipients, kind: `referral_${step.to === 'in_progress' ? 'started' : step.to}`, personId: row.person_id, referralId: row.id, at });
  const mailer = platform.mailer;
  if (!mailer || recipients.length === 0) return;
  const addresses = await emailsOf(unit, recipients);
  const subject = `Haven: ${MAIL_SUBJECT[step.to] ?? 'a referral changed'} (${row.reference})`;
  const text = `${subject}.\n\nSign in to ${platform.config.publicUrl ?? 'Haven'} to see it.\n`;
  unit.afterCommit(async () => {
    await Promise.allSettled(addresses.map((address) => mailer.send(address, subject, text)));
  });
}

/**
 * Sends a draft: the shared groups within the sender's role, the provider still offering the
 * service to the sender, the person's consent (or a supervisor's vital-interest override) and,
 * for consular and return services, the guard. Then the recipient gets its access grant.
 */
export async function sendReferral(store: ScopedStore, id: string, input: ReferralSend): Promise<ReferralView> {
  const { platform } = store;
  const at = platform.clock().toISOString();
  // Whether sending it is a guarded action decides how the unit runs: a refusal is audited apart.
  const { row: before } = await store.unit((unit) => referralInScope(unit, id));
  const guarded = GUARDED_SERVICES[before.service_type as ServiceType];

  const work = async (unit: ScopedUnit): Promise<ReferralView> => {
    const { actor } = unit;
    const { row, sides } = await referralInScope(unit, id);
    const step = transitionOrThrow(row.status as ReferralLifecycleStatus, 'send', sides);
    if (row.version !== input.version) throw staleVersion('referral', row.version);
    const service = row.service_type as ServiceType;
    const shared = sharedGroupsOrThrow(actor, service, JSON.parse(row.shared_groups) as FieldGroup[]);
    providerOrThrow(await findProvider(unit.db, row.provider_id), service, row.from_agency_id);
    const changes: Partial<ReferralTable> = { status: 'sent', sent_at: at };
    if (input.vitalInterestReason !== undefined) {
      if (!actor.permissions.has('guard:override')) throw forbidden('Only a supervisor may send without consent for vital interests.');
      if (service !== 'emergency_medical' && !(await isChild(unit, row.person_id))) {
        throw unprocessable('vitalInterestReason', 'sending without consent is for emergency medical care or a child in danger only; record the consent');
      }
      changes.consent_id = null;
      changes.vital_interest_by = actor.userId;
      changes.vital_interest_reason_enc = platform.cipher.encrypt(input.vitalInterestReason, place(id, 'vital_interest_reason_enc'));
    } else {
      changes.consent_id = (await consentForReferralOrThrow(unit, row, input.consentId ?? row.consent_id, platform.database.dialect === 'postgres')).id;
    }
    if (guarded) await clearGuard(unit, row.person_id, guarded, { reason: input.overrideReason });
    const sent = await updateReferralRow(unit, row, changes, at);
    await grantAccess(unit, { personId: sent.person_id, agencyId: sent.to_agency_id, groups: shared, sourceType: 'referral', sourceId: sent.id, at });
    await advanceCaseStage(unit, row.person_id, 'referred', at, { newVersion: true });
    await tellOtherSide(unit, row, step, sides, at);
    unit.record({ action: 'referral.sent', recordType: 'referral', recordId: id, fields: ['status', 'sharedGroups', changes.vital_interest_by ? 'vitalInterest' : 'consentId'] });
    return referralView(platform, sent, sides);
  };
  return guarded ? withGuard(store, before.person_id, guarded, work) : store.unit(work);
}

export type LaterAction = Exclude<ReferralAction, 'send'>;

/** Accept, decline (with a reason), start, complete (with the service delivered), close or revoke. */
export async function moveReferral(
  store: ScopedStore,
  id: string,
  action: LaterAction,
  input: { version: number; reason?: string | undefined; feedback?: string | undefined },
): Promise<ReferralView> {
  const { platform } = store;
  const at = platform.clock().toISOString();
  return store.unit(async (unit) => {
    const { row, sides } = await referralInScope(unit, id);
    const step = transitionOrThrow(row.status as ReferralLifecycleStatus, action, sides);
    if (row.version !== input.version) throw staleVersion('referral', row.version);
    const changes: Partial<ReferralTable> = { status: step.to };
    const fields = ['status'];
    if (step.to === 'accepted') changes.accepted_at = at;
    if (step.to === 'declined') {
      if (!input.reason) throw unprocessable('reason', 'a referral is declined with a reason');
      changes.decline_reason_enc = platform.cipher.encrypt(input.reason, place(id, 'decline_reason_enc'));
      fields.push('declineReason');
    }
    if (step.to === 'completed') {
      if (!input.feedback) throw unprocessable('feedback', 'say what service was delivered');
      changes.completed_at = at;
      changes.feedback_enc = platform.cipher.encrypt(input.feedback, place(id, 'feedback_enc'));
      fields.push('feedback');
    }
    const ended = ENDED_STATUSES.includes(step.to);
    if (ended) changes.ended_at = at;
    const moved = await updateReferralRow(unit, row, changes, at);
    // The recipient's access ends with the referral.
    if (ended) await revokeAccess(unit, id, at);
    await tellOtherSide(unit, row, step, sides, at);
    unit.record({ action: AUDIT_OF[step.to as keyof typeof AUDIT_OF], recordType: 'referral', recordId: id, fields });
    // A completed referral fulfils the obligations it serves, in the same transaction.
    if (step.to === 'completed') unit.factsChanged([row.person_id]);
    return referralView(platform, moved, sides);
  });
}

// ---- the printable form -----------------------------------------------------------------------

const LABELS: Readonly<Record<string, string>> = {
  givenName: 'Given name',
  familyName: 'Family name',
  nameScript: 'Script of the name',
  transliterations: 'Transliterations',
  aliases: 'Aliases',
  otherNames: 'Other names',
  sex: 'Sex',
  birthDate: 'Date of birth',
  birthDatePrecision: 'Precision of the date of birth',
  ageClaimed: 'Age claimed',
  ageDisputed: 'Age disputed',
  nationality: 'Nationality',
  languages: 'Languages',
  accompaniment: 'Accompaniment',
  phone: 'Phone',
  address: 'Address',
};

function asText(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) {
    return value
      .map((v) => (typeof v === 'object' && v !== null ? Object.values(v as Record<string, unknown>).filter((x) => x != null).join(' ') : String(v)))
      .join('; ');
  }
  return String(value);
}

class AccessEnded extends HttpProblem {
  constructor(readonly personId: string) {
    super('forbidden', 'The access this referral gave to the person has ended.');
  }
}

/**
 * The printable form: the referral, and the person's record fields of the groups this referral
 * shares and the caller may still see (the recipient: only while its access lasts).
 */
export async function referralForm(store: ScopedStore, id: string): Promise<{ reference: string; pdf: Buffer }> {
  const { platform } = store;
  const printedAt = platform.clock().toISOString();
  try {
    return await store.unit(async (unit) => {
      const { actor } = unit;
      const { row, sides } = await referralInScope(unit, id);
      const status = row.status as ReferralLifecycleStatus;
      const shared = JSON.parse(row.shared_groups) as FieldGroup[];
      const sending = sides.has('sender') || sides.has('supervisor');
      // Paper is sharing too: no form before the consent (or override) and the guards allowed sending.
      if (status === 'draft') throw conflict('referral-not-sent', 'Send the referral first: its form is printed once the consent (or an override) and the guards allow sharing.');
      // The sender prints what it sees of the shared groups; the recipient what its live grant still gives.
      const granted = sending ? await unit.groupsOf(row.person_id) : await liveGrantGroups(unit, id);
      if (!granted) throw new AccessEnded(row.person_id);
      if (ENDED_STATUSES.includes(status)) throw conflict('referral-ended', `The referral is ${status}: its form is no longer printed.`, { status });
      const visible = new Set<FieldGroup>(granted);
      const groups = new Set(shared.filter((g) => visible.has(g) && actor.fieldGroups.has(g)));
      const fields = await personFieldsOf(unit, row.person_id, groups);
      if (!fields) throw notFound('person');
      const printed = PERSON_FIELDS.filter((f) => fields[f.name] !== undefined).map((f) => ({ name: f.name, label: LABELS[f.name] ?? f.name, value: asText(fields[f.name]) }));
      const provider = await findProvider(unit.db, row.provider_id);
      const names = await agencyNames(unit, [row.from_agency_id]);
      const pdf = await renderReferralForm({
        reference: row.reference,
        service: row.service_type as ServiceType,
        urgency: row.urgency,
        status: row.status,
        dueBy: row.due_by,
        from: names.get(row.from_agency_id) ?? row.from_agency_id,
        to: { name: provider?.name ?? row.to_agency_id, area: provider?.area ?? '', contact: provider?.contact ?? null, hours: provider?.hours ?? null },
        obligations: JSON.parse(row.obligations) as string[],
        basis: row.vital_interest_by ? "a supervisor's vital-interest override" : "the person's consent",
        reason: platform.cipher.decryptNullable(row.reason_enc, place(id, 'reason_enc')),
        sharedGroups: shared,
        person: printed.map(({ label, value }) => ({ label, value })),
        printedAt,
        printedBy: actor.username,
      });
      const printedFields = printed.map((p) => p.name);
      unit.readDone({ action: 'person.read', recordType: 'person', recordId: row.person_id }, printedFields);
      unit.record({ action: 'referral.form_printed', recordType: 'referral', recordId: id, fields: printedFields });
      return { reference: row.reference, pdf };
    });
  } catch (error) {
    if (error instanceof AccessEnded) await auditRefusedRead(platform, store.context, error.personId, ['referral form']);
    throw error;
  }
}

/** What a purge and a merge ask of the referrals. */
export { eraseReferralsOf, eraseServiceGapsOf, moveReferralRecords, returnReferralRecords, revokeGrantsOf } from './store.js';
