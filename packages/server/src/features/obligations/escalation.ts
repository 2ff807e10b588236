import { escalationLimitMs, type Profile } from '@haven/core';

/** Obligation codes that share one escalation limit, and the instant before which their deadline means escalated. */
export interface EscalationCutoff {
  limitMs: number;
  codes: string[];
  /** due_by before this (now − limit): overdue beyond the limit. */
  dueBefore: string;
}

/**
 * The profile's escalation limits as cut-offs at `now`, one per distinct limit: an open obligation
 * whose deadline is before its cut-off has stayed overdue beyond the limit, which a query can say
 * without a job marking it.
 */
export function escalationCutoffs(profile: Profile, now: Date): EscalationCutoff[] {
  const byLimit = new Map<number, string[]>();
  for (const entry of profile.obligations) {
    const limit = escalationLimitMs(profile, entry.definition.code);
    if (limit === null) continue;
    byLimit.set(limit, [...(byLimit.get(limit) ?? []), entry.definition.code]);
  }
  return [...byLimit.entries()]
    .sort(([a], [b]) => a - b)
    .map(([limitMs, codes]) => ({ limitMs, codes, dueBefore: new Date(now.getTime() - limitMs).toISOString() }));
}
