import type { Fulfilment } from '@haven/core';
import type { CaseFacts } from './case-facts.js';

/** The record that discharges an obligation: its kind and id. */
export interface FulfillingRecord {
  type: 'assistance' | 'detention' | 'consular_notification' | 'facts';
  id: string | null;
}

/**
 * Finds, among the records of a case, what discharges an obligation. Assistance obligations need
 * every listed type (water and food and shelter); rights information must be in a language the
 * person understands. Parts served by referrals, justice links or incidents are not recorded here
 * yet, so an obligation that needs them stays open.
 */
export function findFulfilment(fulfilledBy: Fulfilment, facts: CaseFacts): FulfillingRecord | undefined {
  if (fulfilledBy.standing) return undefined;
  // A notification sent to the consular post is the delivery of the `consular` referral.
  if (fulfilledBy.referral === 'consular' && facts.consularNotifications.length > 0) {
    return { type: 'consular_notification', id: facts.consularNotifications[0]!.id };
  }
  if (fulfilledBy.referral || fulfilledBy.justiceLink || fulfilledBy.incidentRecorded) return undefined;
  if (fulfilledBy.detentionEnded) {
    return facts.detention?.until ? { type: 'detention', id: facts.detention.id } : undefined;
  }
  const types = fulfilledBy.assistance ?? [];
  if (types.length === 0) return undefined;
  let latest: CaseFacts['assistance'][number] | undefined;
  for (const type of types) {
    const candidates = facts.assistance.filter(
      (a) =>
        a.type === type &&
        (!fulfilledBy.inLanguageUnderstood || (a.language !== null && (facts.languages.length === 0 || facts.languages.includes(a.language)))),
    );
    if (candidates.length === 0) return undefined;
    const first = candidates.reduce((x, y) => (x.given_at <= y.given_at ? x : y));
    if (!latest || first.given_at > latest.given_at) latest = first;
  }
  return latest ? { type: 'assistance', id: latest.id } : undefined;
}
