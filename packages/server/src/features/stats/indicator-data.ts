import { sql, type RawBuilder } from 'kysely';
import { BASELINE_PROFILE, OBSERVED_INDICATORS } from '@haven/core';
import { escalationCutoffs } from '../obligations/escalation.js';
import type { Dialect, Queryable } from '../../platform/db/database.js';
import { NULL_KEY } from './rollup.js';
import {
  addHistograms,
  allegationRows,
  handoverRows,
  arrivalRows,
  arrivalTally,
  arrivalViews,
  caseloadsByOfficer,
  detentionRows,
  encounterRows,
  guardOverrideRows,
  histogramMedians,
  addDays,
  nextMonth,
  obligationFulfilmentHistograms,
  obligationFulfilmentMedians,
  missedObligationRows,
  missedObligationsOnCutoffDays,
  obligationRows,
  observedIndicatorCounts,
  officerCaseloads,
  openObligationsDueOn,
  previousMonth,
  providerLoads,
  referralHistograms,
  referralMedians,
  referralRows,
  type ArrivalViews,
  type DetentionRow,
  type EncounterRow,
  type HandoverRow,
  type Histograms,
  type MissedCutoff,
  type ObligationRow,
  type ProviderLoad,
  type ReferralRow,
  type SliceFilter,
  type StatsFilter,
} from './store.js';

/** Everything the report is made of, before suppression. */
export interface IndicatorData {
  arrivals: ArrivalViews;
  encounters: EncounterRow[];
  observed: Map<string, number>;
  obligations: ObligationRow[];
  /** Open obligations overdue beyond the profile's escalation limit, by code. */
  missed: Map<string, number>;
  obligationMedians: Map<string, { median: number; n: number }>;
  referrals: ReferralRow[];
  toAccept: Map<string, { median: number; n: number }>;
  toComplete: Map<string, { median: number; n: number }>;
  caseloads: number[];
  providers: ProviderLoad[];
  detentions: DetentionRow[];
  overrides: Map<string, number>;
  allegations: Map<string, number>;
  handovers: HandoverRow[];
}

/**
 * Period bounds as the instants they name, written as stored times are (toISOString), so that
 * comparing text compares instants: '2026-02-01T00:00:00Z' would otherwise sort after
 * '2026-02-01T00:00:00.500Z' and drop the first second of February.
 */
export function normalizeFilter(filter: StatsFilter): StatsFilter {
  const out: StatsFilter = { ...filter };
  if (filter.from !== undefined) out.from = new Date(filter.from).toISOString();
  if (filter.to !== undefined) out.to = new Date(filter.to).toISOString();
  return out;
}

/** The escalation cut-offs of the baseline profile at `now`: what a reader is given when the caller names no profile. */
function baselineCutoffs(now: string): MissedCutoff[] {
  return escalationCutoffs(BASELINE_PROFILE, new Date(now));
}

/** The indicators read straight from the case files: the reference the rollups must equal. */
export async function directIndicatorData(db: Queryable, dialect: Dialect, filter: StatsFilter, now: string, cutoffs: readonly MissedCutoff[] = baselineCutoffs(now)): Promise<IndicatorData> {
  const [arrivals, encounters, observed, obligations, obligationMedians, referrals, toAccept, toComplete, caseloads, providers, detentions, overrides, allegations, missed] =
    await Promise.all([
      arrivalViews(db, filter),
      encounterRows(db, filter),
      observedIndicatorCounts(db, dialect, filter),
      obligationRows(db, filter, now),
      obligationFulfilmentMedians(db, dialect, filter),
      referralRows(db, filter),
      referralMedians(db, dialect, filter, 'accepted_at'),
      referralMedians(db, dialect, filter, 'completed_at'),
      officerCaseloads(db, filter),
      providerLoads(db, filter),
      detentionRows(db, filter),
      guardOverrideRows(db, filter),
      allegationRows(db, filter),
      missedObligationRows(db, filter, cutoffs),
    ]);
  const handovers = await handoverRows(db, filter, now);
  return { arrivals, encounters, observed, obligations, missed, obligationMedians, referrals, toAccept, toComplete, caseloads, providers, detentions, overrides, allegations, handovers };
}

/** Whole days, inclusive (YYYY-MM-DD). */
export interface DayRange {
  from: string;
  to: string;
}

/** How a period divides; see periodPlan. */
export interface PeriodPlan {
  /** Whole months read from stats_cells (inclusive; {} for every month), or null for none. */
  months: { from?: string; to?: string } | null;
  /** Whole days outside those months read from stats_day_cells. */
  days: DayRange[];
  /** Days the period's bounds cut, read from the rows (the bounds still apply). */
  edges: string[];
}

const midnight = (day: string) => `${day}T00:00:00.000Z`;
const lastDayOf = (month: string) => addDays(`${nextMonth(month)}-01`, -1);

/**
 * How a period divides: whole months from the month cells, the whole days at either side of them
 * from the day cells, and from the rows only the days the bounds cut (none when they fall on
 * midnight). `from` and `to` must be normalised (normalizeFilter): stored times are written by
 * toISOString, so every time of a whole day falls inside the period exactly when the day's first
 * instant is at or after `from` and the next day's first instant is at or before `to`.
 */
export function periodPlan(filter: StatsFilter): PeriodPlan {
  const edges: string[] = [];
  // The whole days of the period, inclusive; undefined: unbounded on that side.
  let first: string | undefined;
  let last: string | undefined;
  if (filter.from !== undefined) {
    const day = filter.from.slice(0, 10);
    if (filter.from === midnight(day)) first = day;
    else {
      first = addDays(day, 1);
      edges.push(day);
    }
  }
  if (filter.to !== undefined) {
    const day = filter.to.slice(0, 10);
    last = addDays(day, -1);
    if (filter.to !== midnight(day) && !edges.includes(day)) edges.push(day);
  }
  if (first !== undefined && last !== undefined && first > last) return { months: null, days: [], edges };

  const months: { from?: string; to?: string } = {};
  if (first !== undefined) months.from = first.endsWith('-01') ? first.slice(0, 7) : nextMonth(first.slice(0, 7));
  if (last !== undefined) months.to = last === lastDayOf(last.slice(0, 7)) ? last.slice(0, 7) : previousMonth(last.slice(0, 7));
  if (months.from !== undefined && months.to !== undefined && months.from > months.to) {
    // Not one whole month: every whole day from the day cells.
    return { months: null, days: [{ from: first!, to: last! }], edges };
  }
  const days: DayRange[] = [];
  if (first !== undefined && !first.endsWith('-01')) days.push({ from: first, to: lastDayOf(first.slice(0, 7)) });
  if (last !== undefined && last !== lastDayOf(last.slice(0, 7))) days.push({ from: `${last.slice(0, 7)}-01`, to: last });
  return { months, days, edges };
}

function placeConditions(filter: StatsFilter, table: 'c' | 'd'): RawBuilder<unknown>[] {
  const parts: RawBuilder<unknown>[] = [];
  if (filter.agencyId) parts.push(sql`${sql.ref(`${table}.agency_id`)} = ${filter.agencyId}`);
  if (filter.encounterType) parts.push(sql`${sql.ref(`${table}.encounter_type`)} = ${filter.encounterType}`);
  if (filter.area) parts.push(sql`${sql.ref(`${table}.agency_id`)} in (select a.id from agencies a where a.area = ${filter.area})`);
  return parts;
}

/** The cells of the plan's whole months and whole days, one row each (the report sums them in SQL). */
function cellsOf(filter: StatsFilter, plan: PeriodPlan): RawBuilder<unknown> {
  const branches: RawBuilder<unknown>[] = [];
  if (plan.months) {
    const parts: RawBuilder<unknown>[] = [sql`1 = 1`, ...placeConditions(filter, 'c')];
    if (plan.months.from) parts.push(sql`c.month >= ${plan.months.from}`);
    if (plan.months.to) parts.push(sql`c.month <= ${plan.months.to}`);
    branches.push(sql`select c.measure as measure, c.month as month, c.encounter_type as encounter_type, c.k1 as k1, c.k2 as k2, c.k3 as k3, c.k4 as k4, c.n as n
      from stats_cells c where ${sql.join(parts, sql` and `)}`);
  }
  if (plan.days.length > 0) {
    const ranges = plan.days.map((r) => sql`(d.day >= ${r.from} and d.day <= ${r.to})`);
    const parts: RawBuilder<unknown>[] = [sql`(${sql.join(ranges, sql` or `)})`, ...placeConditions(filter, 'd')];
    branches.push(sql`select d.measure as measure, substr(d.day, 1, 7) as month, d.encounter_type as encounter_type, d.k1 as k1, d.k2 as k2, d.k3 as k3, d.k4 as k4, d.n as n
      from stats_day_cells d where ${sql.join(parts, sql` and `)}`);
  }
  return sql.join(branches, sql` union all `);
}

function bump<K>(map: Map<K, number>, key: K, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

function histogramAdd(h: Histograms, grp: string, bucket: number, n: number): void {
  const buckets = h.get(grp) ?? new Map<number, number>();
  buckets.set(bucket, (buckets.get(bucket) ?? 0) + n);
  h.set(grp, buckets);
}

const fromKey = (v: string): string | null => (v === NULL_KEY ? null : v);

/**
 * The same indicators from the rollups: whole months from stats_cells, whole days beside them from
 * stats_day_cells, the days the period's bounds cut from the rows (as directIndicatorData reads
 * them), and the readings added.
 * Exactly equal to directIndicatorData except the medians, which come from buckets (see
 * durationBucket for their precision). Allegations (few, and not tied to encounters) are read
 * from their rows.
 */
export async function rollupIndicatorData(db: Queryable, dialect: Dialect, filter: StatsFilter, now: string, cutoffs: readonly MissedCutoff[] = baselineCutoffs(now)): Promise<IndicatorData> {
  const plan = periodPlan(filter);
  const slices: SliceFilter[] = plan.edges.map((day) => ({ ...filter, dayFrom: day, dayTo: day }));
  // What the cells cover, for the open obligations due today (read at this instant from the rows).
  const covered: SliceFilter[] = [
    ...(plan.months ? [{ ...filter, monthFrom: plan.months.from, monthTo: plan.months.to }] : []),
    ...plan.days.map((r) => ({ ...filter, dayFrom: r.from, dayTo: r.to })),
  ];
  const today = now.slice(0, 10);

  const arrivals = arrivalTally();
  const encounters = new Map<string, EncounterRow>();
  const observed = new Map<string, number>();
  const obligations = new Map<string, ObligationRow & { other: number }>();
  const missed = new Map<string, number>();
  // The day of each code's cut-off: open obligations due before it are missed, those due on it are read from the rows.
  const cutoffDay = new Map(cutoffs.flatMap((cutoff) => cutoff.codes.map((code) => [code, cutoff.dueBefore.slice(0, 10)] as const)));
  const fulfil: Histograms = new Map();
  const referrals = new Map<string, ReferralRow>();
  const accept: Histograms = new Map();
  const complete: Histograms = new Map();
  const caseloads = new Map<string, number>();
  const active = new Map<string, number>();
  const detentions = new Map<string, DetentionRow>();
  const overrides = new Map<string, number>();

  const encounterRow = (type: string) => {
    const row = encounters.get(type) ?? { encounterType: type, encounters: 0, dead: 0, missing: 0 };
    encounters.set(type, row);
    return row;
  };
  const obligationRow = (code: string) => {
    const row = obligations.get(code) ?? { code, inTime: 0, late: 0, overdue: 0, open: 0, waived: 0, lapsed: 0, other: 0 };
    obligations.set(code, row);
    return row;
  };
  const referralRow = (service: string, status: string) => {
    const k = `${service}\t${status}`;
    const row = referrals.get(k) ?? { service, status, referrals: 0 };
    referrals.set(k, row);
    return row;
  };
  const detentionRow = (group: string) => {
    const row = detentions.get(group) ?? { ageGroup: group as DetentionRow['ageGroup'], ongoing: 0, ended: 0 };
    detentions.set(group, row);
    return row;
  };

  const rollupRead = async () => {
    if (covered.length === 0) return;
    const [cells, missedOnCutoffDays, ...dueToday] = await Promise.all([
      // Summed in SQL down to what the report uses: the cells per combination of codes first (as
      // many rows as combinations, not cells), then the arrivals (nationality, sex, age band,
      // accompaniment: k1..k4) once per view w (1 month × type, 2 nationality, 3 age band × sex,
      // 4 age band × accompaniment), every other measure once (w = 1).
      sql<{ measure: string; w: number | string; month: string; type: string; k1: string; k2: string; k3: string; k4: string; n: number | string }>`
        select c.measure as measure, v.w as w,
          case when c.measure = 'arrivals' and v.w = 1 then c.month else '' end as month,
          case when c.measure <> 'arrivals' or v.w = 1 then c.type else '' end as type,
          case when c.measure <> 'arrivals' or v.w = 2 then c.k1 else '' end as k1,
          case when c.measure <> 'arrivals' or v.w = 3 then c.k2 else '' end as k2,
          case when c.measure <> 'arrivals' or v.w in (3, 4) then c.k3 else '' end as k3,
          case when c.measure <> 'arrivals' or v.w = 4 then c.k4 else '' end as k4,
          sum(c.n) as n
        from (
          select c.measure as measure,
            case when c.measure = 'arrivals' then c.month else '' end as month,
            case when c.measure in ('arrivals', 'encounters', 'dead', 'missing') then c.encounter_type else '' end as type,
            c.k1 as k1, c.k2 as k2, c.k3 as k3, c.k4 as k4, sum(c.n) as n
          from (${cellsOf(filter, plan)}) c
          group by 1, 2, 3, 4, 5, 6, 7
        ) c
          -- CROSS JOIN: SQLite then reads the combinations once, in the outer loop, not once per view.
          cross join (select 1 as w union all select 2 union all select 3 union all select 4) v
        where v.w = 1 or c.measure = 'arrivals'
        group by 1, 2, 3, 4, 5, 6, 7, 8`.execute(db),
      Promise.all(covered.map((slice) => missedObligationsOnCutoffDays(db, slice, cutoffs))),
      ...covered.map((slice) => openObligationsDueOn(db, slice, today, now)),
    ]);
    for (const c of cells.rows) {
      const n = Number(c.n);
      if (n === 0) continue;
      switch (c.measure) {
        case 'arrivals': {
          const view = Number(c.w);
          if (view === 1) arrivals.monthAndType(c.month, c.type, n);
          else if (view === 2) arrivals.nationality(fromKey(c.k1), n);
          else if (view === 3) arrivals.ageBandAndSex(c.k3, c.k2, n);
          else arrivals.ageBandAndAccompaniment(c.k3, fromKey(c.k4), n);
          break;
        }
        case 'encounters':
          encounterRow(c.type).encounters += n;
          break;
        case 'dead':
          encounterRow(c.type).dead += n;
          break;
        case 'missing':
          encounterRow(c.type).missing += n;
          break;
        case 'observed':
          bump(observed, c.k1, n);
          break;
        case 'obligations': {
          const row = obligationRow(c.k1);
          if (c.k2 === 'in_time') row.inTime += n;
          else if (c.k2 === 'late') row.late += n;
          else if (c.k2 === 'waived') row.waived += n;
          else if (c.k2 === 'lapsed') row.lapsed += n;
          else if (c.k2 === 'open') {
            // Due today: counted from the rows below, at this instant.
            if (c.k3 === 'none' || c.k3 > today) row.open += n;
            else if (c.k3 < today) row.overdue += n;
            const day = cutoffDay.get(c.k1);
            if (day !== undefined && c.k3 !== 'none' && c.k3 < day) bump(missed, c.k1, n);
          } else row.other += n;
          break;
        }
        case 'fulfil_hours':
          histogramAdd(fulfil, c.k1, Number(c.k2), n);
          break;
        case 'referrals':
          referralRow(c.k1, c.k2).referrals += n;
          break;
        case 'provider_active':
          bump(active, c.k1, n);
          break;
        case 'accept_hours':
          histogramAdd(accept, c.k1, Number(c.k2), n);
          break;
        case 'complete_hours':
          histogramAdd(complete, c.k1, Number(c.k2), n);
          break;
        case 'caseload':
          bump(caseloads, c.k1, n);
          break;
        case 'detentions': {
          const row = detentionRow(c.k1);
          if (c.k2 === 'ongoing') row.ongoing += n;
          else row.ended += n;
          break;
        }
        case 'overrides':
          bump(overrides, c.k1, n);
          break;
      }
    }
    for (const counts of missedOnCutoffDays) for (const [code, n] of counts) bump(missed, code, n);
    for (const due of dueToday) {
      for (const [code, { overdue, open }] of due) {
        const row = obligationRow(code);
        row.overdue += overdue;
        row.open += open;
      }
    }
  };

  const edgeRead = async (slice: SliceFilter) => {
    const [a, e, o, ob, f, r, ac, co, cl, pl, d, g, m] = await Promise.all([
      arrivalRows(db, slice),
      encounterRows(db, slice),
      observedIndicatorCounts(db, dialect, slice),
      obligationRows(db, slice, now),
      obligationFulfilmentHistograms(db, dialect, slice),
      referralRows(db, slice),
      referralHistograms(db, dialect, slice, 'accepted_at'),
      referralHistograms(db, dialect, slice, 'completed_at'),
      caseloadsByOfficer(db, slice),
      providerLoads(db, slice),
      detentionRows(db, slice),
      guardOverrideRows(db, slice),
      missedObligationRows(db, slice, cutoffs),
    ]);
    for (const row of a) arrivals.row(row);
    for (const [code, n] of m) bump(missed, code, n);
    for (const row of e) {
      const target = encounterRow(row.encounterType);
      target.encounters += row.encounters;
      target.dead += row.dead;
      target.missing += row.missing;
    }
    for (const [code, n] of o) if (n !== 0) bump(observed, code, n);
    for (const row of ob) {
      const target = obligationRow(row.code);
      target.inTime += row.inTime;
      target.late += row.late;
      target.overdue += row.overdue;
      target.open += row.open;
      target.waived += row.waived;
      target.lapsed += row.lapsed;
      // The row exists for its code even when every counted column is zero.
      target.other += 1;
    }
    addHistograms(fulfil, f);
    for (const row of r) referralRow(row.service, row.status).referrals += row.referrals;
    addHistograms(accept, ac);
    addHistograms(complete, co);
    for (const [officer, n] of cl) bump(caseloads, officer, n);
    for (const p of pl) if (p.active !== 0) bump(active, p.providerId, p.active);
    for (const row of d) {
      const target = detentionRow(row.ageGroup);
      target.ongoing += row.ongoing;
      target.ended += row.ended;
    }
    for (const [action, n] of g) bump(overrides, action, n);
  };

  const [providerList, allegations, handovers] = await Promise.all([
    db.selectFrom('service_providers').select(['id', 'name', 'capacity']).orderBy('name').orderBy('id').execute(),
    allegationRows(db, filter),
    handoverRows(db, filter, now),
    rollupRead(),
    ...slices.map(edgeRead),
  ]);

  const nonzero = (row: ObligationRow & { other: number }) => row.inTime + row.late + row.overdue + row.open + row.waived + row.lapsed + row.other !== 0;
  return {
    arrivals: arrivals.views(),
    encounters: [...encounters.values()].filter((e) => e.encounters !== 0),
    observed: new Map(OBSERVED_INDICATORS.map((code) => [code, observed.get(code) ?? 0])),
    obligations: [...obligations.values()].filter(nonzero).map(({ other: _other, ...row }) => row),
    missed: new Map([...missed].filter(([, n]) => n !== 0)),
    obligationMedians: histogramMedians(fulfil),
    referrals: [...referrals.values()].filter((r) => r.referrals !== 0),
    toAccept: histogramMedians(accept),
    toComplete: histogramMedians(complete),
    caseloads: [...caseloads.values()].filter((n) => n !== 0),
    providers: providerList.map((p) => ({ providerId: p.id, name: p.name, capacity: p.capacity === null ? null : Number(p.capacity), active: active.get(p.id) ?? 0 })),
    detentions: [...detentions.values()].filter((d) => d.ongoing + d.ended !== 0),
    overrides: new Map([...overrides].filter(([, n]) => n !== 0)),
    allegations,
    handovers,
  };
}
