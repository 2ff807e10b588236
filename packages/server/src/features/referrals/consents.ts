import { randomUUID } from 'node:crypto';
import type { ConsentInput, ConsentView, ReferralLifecycleStatus, ServiceType } from '@haven/core';
import type { ConsentTable, ReferralTable } from '../../platform/db/schema.js';
import { conflict, staleVersion, unprocessable } from '../../platform/http/problem.js';
import type { ScopedStore } from '../../store/scoped-store.js';
import type { StoreUnit } from '../../store/unit.js';
import { notify } from '../notifications/service.js';
import { ENDED_STATUSES, REFERRAL_TRANSITIONS } from './lifecycle.js';
import {
  agencyExists,
  agencyUsersWith,
  caseConsentRows,
  consentDecisionRows,
  consentInScope,
  findConsentRow,
  insertConsentRow,
  latestConsentRow,
  liveConsentedReferralRows,
  revokeAccess,
  updateReferralRow,
  withdrawConsentRow,
} from './store.js';

// Consent per purpose and recipient (DOMAIN.md sections 3 and 10): who explained it, in which
// language, with an interpreter or not. A referral is sent on the person's latest decision for
// that recipient and purpose; withdrawing it ends the referrals that rest on it, and the access.

export type { ConsentView } from '@haven/core';

export function consentView(row: ConsentTable): ConsentView {
  return {
    id: row.id,
    personId: row.person_id,
    purpose: row.purpose as ServiceType,
    recipientAgencyId: row.recipient_agency_id,
    status: row.status as ConsentView['status'],
    explainedBy: row.explained_by,
    language: row.language,
    interpreter: row.interpreter === 1,
    recordedAt: row.recorded_at,
    withdrawnAt: row.withdrawn_at,
    version: row.version,
  };
}

/** Records the person's decision, explained by the caller. */
export async function recordConsent(store: ScopedStore, personId: string, input: ConsentInput): Promise<ConsentView> {
  return store.unit(async (unit) => {
    await unit.caseGroups(personId);
    if (!(await agencyExists(unit, input.recipientAgencyId))) throw unprocessable('recipientAgencyId', 'no such agency');
    if (input.status === 'declined') {
      // Saying no once consent was given is a withdrawal: it must end the referrals and access that rest on it.
      const latest = await latestConsentRow(unit, personId, input.recipientAgencyId, input.purpose);
      if (latest?.status === 'given') {
        throw conflict('consent-given', `The person's consent for ${input.purpose} with this recipient stands; withdraw it instead (POST /api/consents/${latest.id}/withdraw).`, { consentId: latest.id });
      }
    }
    const row: ConsentTable = {
      id: randomUUID(),
      person_id: personId,
      purpose: input.purpose,
      recipient_agency_id: input.recipientAgencyId,
      status: input.status,
      explained_by: unit.actor.userId,
      language: input.language,
      interpreter: input.interpreter ? 1 : 0,
      recorded_at: store.platform.clock().toISOString(),
      withdrawn_at: null,
      version: 1,
    };
    await insertConsentRow(unit, row);
    unit.record({ action: 'consent.create', recordType: 'consent', recordId: row.id, fields: ['purpose', 'recipientAgencyId', 'status', 'language', 'interpreter'] });
    return consentView(row);
  });
}

export async function personConsents(store: ScopedStore, personId: string): Promise<ConsentView[]> {
  return store.unit(async (unit) => {
    const rows = await caseConsentRows(unit, personId);
    unit.readDone({ action: 'consent.read', recordType: 'person', recordId: personId }, ['consents']);
    return rows.map(consentView);
  });
}

/** The person's decision, as a verb. */
const DID: Readonly<Record<string, string>> = { given: 'gave', declined: 'declined', withdrawn: 'withdrew' };

/**
 * The consent a referral is sent on: the one named (which must be the person's, for this
 * recipient and purpose, and given, with the person's latest decision still a consent), or else the
 * person's latest decision if it is a consent. 422 naming `consentId` otherwise. `lock` holds the
 * decisions (PostgreSQL) until the sending transaction ends, so a withdrawal cannot slip past it.
 */
export async function consentForReferralOrThrow(
  unit: StoreUnit,
  referral: Pick<ReferralTable, 'person_id' | 'to_agency_id' | 'service_type'>,
  consentId: string | null | undefined,
  lock = false,
): Promise<ConsentTable> {
  const latest = await latestConsentRow(unit, referral.person_id, referral.to_agency_id, referral.service_type, lock);
  if (consentId) {
    const named = await findConsentRow(unit, consentId);
    if (!named || named.person_id !== referral.person_id) throw unprocessable('consentId', 'no such consent of this person');
    if (named.recipient_agency_id !== referral.to_agency_id) throw unprocessable('consentId', 'the consent was given for another recipient agency');
    if (named.purpose !== referral.service_type) throw unprocessable('consentId', `the consent is for ${named.purpose}, not ${referral.service_type}`);
    if (named.status !== 'given') throw unprocessable('consentId', `the person ${DID[named.status] ?? named.status} this consent`);
    if (latest && latest.status !== 'given') throw unprocessable('consentId', `a later decision of the person (${latest.status}) replaces this consent`);
    return named;
  }
  if (!latest || latest.status !== 'given') {
    const why = latest ? `the person ${DID[latest.status] ?? latest.status} it` : 'none is recorded';
    throw unprocessable(
      'consentId',
      `needs the person's consent to share with this recipient for ${referral.service_type} (${why}); record it, or a supervisor may send for vital interests with a written reason`,
      'consent-required',
    );
  }
  return latest;
}

/** Ends a referral because the person withdrew their consent: closed, access revoked, the recipient told. */
async function endOnWithdrawal(unit: StoreUnit, referral: ReferralTable, at: string): Promise<boolean> {
  const status = referral.status as ReferralLifecycleStatus;
  // A draft was never shared: it simply cannot be sent on this consent any more.
  if (status === 'draft' || ENDED_STATUSES.includes(status)) return false;
  const close = REFERRAL_TRANSITIONS[status].close;
  if (!close) return false;
  await updateReferralRow(unit, referral, { status: close.to, ended_at: at }, at);
  await revokeAccess(unit, referral.id, at);
  await notify(unit, { userIds: await agencyUsersWith(unit, referral.to_agency_id, 'referral:receive'), kind: 'referral_consent_withdrawn', personId: referral.person_id, referralId: referral.id, at });
  unit.record({ action: 'referral.closed', recordType: 'referral', recordId: referral.id, fields: ['status', 'consentWithdrawn'] });
  return true;
}

export async function withdrawConsent(store: ScopedStore, consentId: string, version: number): Promise<ConsentView & { endedReferrals: string[] }> {
  const at = store.platform.clock().toISOString();
  return store.unit(async (unit) => {
    const row = await consentInScope(unit, consentId);
    if (row.version !== version) throw staleVersion('consent', row.version);
    if (row.status !== 'given') throw conflict('consent-not-given', `The person ${DID[row.status] ?? row.status} this consent; only a given consent can be withdrawn.`, { status: row.status });
    await withdrawConsentRow(unit, row, at);
    unit.record({ action: 'consent.withdrawn', recordType: 'consent', recordId: consentId, fields: ['status', 'withdrawnAt'] });
    // The person withdraws their consent to this recipient for this purpose: every consent they gave
    // for it ends, and so does every referral sent on one (those sent for vital interests stay).
    const decisions = await consentDecisionRows(unit, row.person_id, row.recipient_agency_id, row.purpose);
    for (const other of decisions.filter((c) => c.id !== consentId && c.status === 'given')) {
      await withdrawConsentRow(unit, other, at);
      unit.record({ action: 'consent.withdrawn', recordType: 'consent', recordId: other.id, fields: ['status', 'withdrawnAt'] });
    }
    const ended: string[] = [];
    for (const referral of await liveConsentedReferralRows(unit, row.person_id, row.recipient_agency_id, row.purpose)) {
      if (await endOnWithdrawal(unit, referral, at)) ended.push(referral.id);
    }
    return { ...consentView((await findConsentRow(unit, consentId))!), endedReferrals: ended };
  });
}
