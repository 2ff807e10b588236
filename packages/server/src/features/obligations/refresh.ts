import { assess, type Assessment, type ObligationResult } from '@haven/core';
import type { Platform } from '../../platform/context.js';
import { conflict, notFound, type HttpProblem } from '../../platform/http/problem.js';
import type { Tx } from '../../platform/db/database.js';
import type { ObligationTable } from '../../platform/db/schema.js';
import { newRecordId } from '../../platform/db/record-id.js';
import { restatePersonStats } from '../stats/rollup.js';
import { loadCaseFacts, type CaseFacts } from './case-facts.js';
import { findFulfilment } from './fulfilment.js';
import { insertObligations, mergedInto, obligationRowsOf, updateObligationAsRead, type CaseFileUnit } from './store.js';

const CHUNK = 400;

export interface RefreshResult {
  facts: CaseFacts;
  assessment: Assessment;
}

/**
 * The obligations of persons created in this transaction, who have none stored yet: the rows to
 * insert (the caller writes them with its other rows) and what the engine derived. Their
 * indicators are the caller's to restate once the rows are written.
 */
export function obligationsOfNewPersons(platform: Platform, facts: ReadonlyMap<string, CaseFacts>): { rows: ObligationTable[]; results: Map<string, RefreshResult> } {
  const rows: ObligationTable[] = [];
  const results = new Map<string, RefreshResult>();
  const at = platform.clock().toISOString();
  for (const [personId, personFacts] of facts) {
    const assessment = assess(personFacts.input, platform.profile);
    results.set(personId, { facts: personFacts, assessment });
    for (const o of assessment.obligations) rows.push(newObligationRow(personId, o, personFacts, at));
  }
  return { rows, results };
}

/** The record that discharges an obligation the engine lists, if any. */
function fulfilmentOf(o: ObligationResult, facts: CaseFacts): { type: string; id: string | null } | undefined {
  if (o.status === 'fulfilled') return o.fulfilledBy.detentionEnded ? { type: 'detention', id: facts.detention?.id ?? null } : { type: 'facts', id: null };
  return findFulfilment(o.fulfilledBy, facts);
}

function derivedOf(o: ObligationResult, facts: CaseFacts) {
  return { basis: JSON.stringify(o.basis), fulfilled_by: JSON.stringify(o.fulfilledBy), due_by: o.dueBy, agency_id: facts.agencyId };
}

function newObligationRow(personId: string, o: ObligationResult, facts: CaseFacts, at: string): ObligationTable {
  const record = fulfilmentOf(o, facts);
  return {
    id: newRecordId(),
    person_id: personId,
    code: o.code,
    status: record ? 'fulfilled' : 'open',
    ...derivedOf(o, facts),
    fulfilment_type: record?.type ?? null,
    fulfilment_id: record?.id ?? null,
    fulfilled_at: record ? at : null,
    waived_by: null,
    waiver_reason_enc: null,
    waived_at: null,
    due_soon_notified_at: null,
    overdue_notified_at: null,
    version: 1,
    created_at: at,
    updated_at: at,
  };
}

/**
 * Why the engine has nothing for a person: unknown, or merged into another record (whose case
 * holds the facts and obligations now; asking the engine about the merged-away id must not give
 * it obligations again, which would stand in the way of an unmerge).
 */
export async function noFactsProblem(unit: CaseFileUnit, personId: string): Promise<HttpProblem> {
  const survivor = await mergedInto(unit, personId);
  if (survivor) return conflict('person-merged', 'This record was merged into another; its case is there.', { mergedInto: survivor });
  return notFound('person');
}

/**
 * Re-runs the engine for these persons and stores what it derives: new obligations are added,
 * deadlines follow the facts, an open obligation whose trigger no longer holds lapses (kept, with
 * fulfilled and waived ones, as history), and each open one is marked fulfilled when the
 * facts or a record (assistance, an ended detention) discharge it. Runs in the caller's
 * transaction so the change and its consequences commit together: a unit of work calls it as it
 * settles (or at once, `refreshNow`) with its own transaction.
 */
export async function refreshObligations(platform: Platform, db: Tx, personIds: readonly string[]): Promise<Map<string, RefreshResult>> {
  const results = new Map<string, RefreshResult>();
  if (personIds.length === 0) return results;
  const unit: CaseFileUnit = { db, platform };
  const factsByPerson = await loadCaseFacts(unit, personIds);
  const at = platform.clock().toISOString();
  const inserts: ObligationTable[] = [];
  for (let i = 0; i < personIds.length; i += CHUNK) {
    const ids = personIds.slice(i, i + CHUNK);
    const existingRows = await obligationRowsOf(unit, ids);
    const existingByPerson = new Map<string, Map<string, ObligationTable>>();
    for (const row of existingRows) {
      const map = existingByPerson.get(row.person_id) ?? new Map<string, ObligationTable>();
      map.set(row.code, row);
      existingByPerson.set(row.person_id, map);
    }
    for (const personId of ids) {
      const facts = factsByPerson.get(personId);
      if (!facts) continue;
      const assessment = assess(facts.input, platform.profile);
      results.set(personId, { facts, assessment });
      const existing = existingByPerson.get(personId) ?? new Map<string, ObligationTable>();
      const listed = new Set<string>();
      for (const o of assessment.obligations) {
        listed.add(o.code);
        const row = existing.get(o.code);
        if (!row) {
          inserts.push(newObligationRow(personId, o, facts, at));
          continue;
        }
        const record = fulfilmentOf(o, facts);
        const derived = derivedOf(o, facts);
        const change: Partial<ObligationTable> = {};
        if (row.basis !== derived.basis) change.basis = derived.basis;
        if (row.fulfilled_by !== derived.fulfilled_by) change.fulfilled_by = derived.fulfilled_by;
        if (row.agency_id !== derived.agency_id) change.agency_id = derived.agency_id;
        if (row.due_by !== derived.due_by) Object.assign(change, { due_by: derived.due_by, due_soon_notified_at: null, overdue_notified_at: null });
        if (row.status === 'lapsed') {
          // The trigger holds again: the obligation is owed again.
          Object.assign(change, record ? { status: 'fulfilled', fulfilment_type: record.type, fulfilment_id: record.id, fulfilled_at: at } : { status: 'open' });
        } else if (row.status === 'open' && record) {
          Object.assign(change, { status: 'fulfilled', fulfilment_type: record.type, fulfilment_id: record.id, fulfilled_at: at });
        } else if (row.status === 'fulfilled' && !record && (row.fulfilment_type === 'facts' || row.fulfilment_type === 'detention')) {
          // Fulfilled by the facts (a lodged claim, an ended detention) and the facts changed back.
          Object.assign(change, { status: 'open', fulfilment_type: null, fulfilment_id: null, fulfilled_at: null });
        }
        if (Object.keys(change).length > 0) await updateObligationAsRead(unit, row, change, at);
      }
      // An open obligation whose trigger no longer holds lapses; it is never deleted, so a deadline
      // missed before the facts changed (rights not given before release) stays visible.
      for (const row of existing.values()) {
        if (listed.has(row.code) || row.status !== 'open') continue;
        await updateObligationAsRead(unit, row, { status: 'lapsed' }, at);
      }
    }
  }
  await insertObligations(unit, inserts);
  // The indicators count these persons again, with whatever changed their facts.
  await restatePersonStats(db, personIds);
  return results;
}
