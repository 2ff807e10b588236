import type { ObligationSummary } from '@haven/core';
import type { StoreUnit } from '../../store/unit.js';
import { openObligationsOf } from './store.js';

export type { ObligationSummary } from '@haven/core';

const EMPTY: ObligationSummary = { open: 0, overdue: 0, nextDueBy: null, nextCode: null, standing: [] };

/**
 * One query for a page of persons: their open obligations, summed up per person. Overdue is
 * derived here as everywhere (open, past `due_by`), so the list agrees with the case page.
 */
export async function obligationSummaries(unit: Pick<StoreUnit, 'db'>, personIds: readonly string[], now: Date): Promise<Map<string, ObligationSummary>> {
  const summaries = new Map<string, ObligationSummary>(personIds.map((id) => [id, { ...EMPTY, standing: [] }]));
  if (personIds.length === 0) return summaries;
  const rows = await openObligationsOf(unit, personIds);
  const at = now.getTime();
  for (const row of rows) {
    const summary = summaries.get(row.person_id)!;
    if (row.due_by === null) {
      summary.standing.push(row.code);
      continue;
    }
    summary.open += 1;
    if (Date.parse(row.due_by) < at) summary.overdue += 1;
    if (summary.nextDueBy === null || row.due_by < summary.nextDueBy) {
      summary.nextDueBy = row.due_by;
      summary.nextCode = row.code;
    }
  }
  for (const summary of summaries.values()) summary.standing.sort();
  return summaries;
}
