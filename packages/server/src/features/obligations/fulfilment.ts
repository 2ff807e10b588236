import type { Fulfilment } from '@haven/core';
import type { CaseFacts } from './case-facts.js';

/** The record that discharges an obligation: its kind and id. */
export interface FulfillingRecord {
  type: 'assistance' | 'detention' | 'consular_notification' | 'referral' | 'justice_link' | 'incident' | 'facts';
  id: string | null;
}

interface Dated extends FulfillingRecord {
  at: string;
}

/** The earliest record of each kind that qualifies, or undefined when one part is missing. */
function parts(fulfilledBy: Fulfilment, facts: CaseFacts): Dated[] | undefined {
  const found: Dated[] = [];
  for (const type of fulfilledBy.assistance ?? []) {
    const candidates = facts.assistance.filter(
      (a) =>
        a.type === type &&
        (!fulfilledBy.inLanguageUnderstood || (a.language !== null && (facts.languages.length === 0 || facts.languages.includes(a.language)))),
    );
    if (candidates.length === 0) return undefined;
    const first = candidates.reduce((x, y) => (x.given_at <= y.given_at ? x : y));
    found.push({ type: 'assistance', id: first.id, at: first.given_at });
  }
  const services = fulfilledBy.referral === undefined ? [] : [fulfilledBy.referral].flat();
  for (const service of services) {
    const referral = facts.completedReferrals.find((r) => r.service_type === service);
    // A notification sent to the consular post is the delivery of the `consular` referral.
    const notification = service === 'consular' ? facts.consularNotifications[0] : undefined;
    if (referral) found.push({ type: 'referral', id: referral.id, at: referral.completed_at });
    else if (notification) found.push({ type: 'consular_notification', id: notification.id, at: notification.sent_at });
    else return undefined;
  }
  if (fulfilledBy.justiceLink) {
    const link = facts.justiceLinks.find((l) => l.role === fulfilledBy.justiceLink);
    if (!link) return undefined;
    found.push({ type: 'justice_link', id: link.id, at: link.created_at });
  }
  if (fulfilledBy.incidentRecorded) {
    const incident = facts.incidents.find((i) => i.kind === 'death' || i.kind === 'disappearance');
    if (!incident) return undefined;
    found.push({ type: 'incident', id: incident.id, at: incident.created_at });
  }
  if (fulfilledBy.detentionEnded) {
    if (!facts.detention?.until) return undefined;
    found.push({ type: 'detention', id: facts.detention.id, at: facts.detention.until });
  }
  return found;
}

/**
 * Finds, among the records of a case, what discharges an obligation: every part its fulfilledBy
 * names must be on record (water and food and shelter; rights information in a language the
 * person understands and a completed victim-support referral). The record named is the part
 * done last, when the obligation became fulfilled.
 */
export function findFulfilment(fulfilledBy: Fulfilment, facts: CaseFacts): FulfillingRecord | undefined {
  if (fulfilledBy.standing) return undefined;
  const found = parts(fulfilledBy, facts);
  if (!found || found.length === 0) return undefined;
  const last = found.reduce((x, y) => (x.at >= y.at ? x : y));
  return { type: last.type, id: last.id };
}
