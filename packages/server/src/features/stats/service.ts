import {
  ALLEGATION_STATUSES,
  assertThreshold,
  DEFAULT_K,
  ENCOUNTER_TYPES,
  GUARDED_ACTIONS,
  MIN_K,
  OBLIGATION_CODES,
  OBSERVED_INDICATORS,
  SERVICE_TYPES,
  SEXES,
  suppressCounts,
  suppressMeasure,
  suppressShare,
  suppressSiblings,
  suppressTable,
  type CountTable,
  type IndicatorList,
  type IndicatorMeasure,
  type IndicatorReport,
  type IndicatorTable,
  type PublishedTable,
} from '@haven/core';
import type { ScopedStore } from '../../store/scoped-store.js';
import { saveSetting } from '../identity/settings.js';
import type { Platform } from '../../platform/context.js';
import type { Queryable } from '../../platform/db/database.js';
import { unprocessable } from '../../platform/http/problem.js';
import { escalationCutoffs } from '../obligations/escalation.js';
import { normalizeFilter, rollupIndicatorData } from './indicator-data.js';
import { reportReader } from '../../platform/db/report-reader.js';
import { AGE_BANDS, serviceGapCounts, type StatsFilter } from './store.js';

export type { StatsFilter } from './store.js';

// Indicators: counts come from SQL, every table is suppressed here
// before it is returned, and shares and medians are published only from cells that are.
// Tables of one population share only their grand total (hidden in all or none); counts that
// repeat a margin of a table are taken from that table as published. What remains is a known
// limit: the domain makes a few totals equal across tables (every person has `info.rights`), so
// secondary suppression prefers interior cells and hides a total only when nothing else does.

export type { IndicatorTable, IndicatorList, IndicatorMeasure, IndicatorReport } from '@haven/core';

const K_SETTING = 'stats.k';

/** The threshold in force: the administrators' setting, or the default. */
export async function currentThreshold(db: Queryable): Promise<number> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', K_SETTING).executeTakeFirst();
  const k = row ? Number(row.value) : DEFAULT_K;
  return Number.isInteger(k) && k >= MIN_K ? k : DEFAULT_K;
}

export async function thresholdSetting(platform: Platform): Promise<{ k: number; minimum: number; default: number; version: number }> {
  const { db } = platform.database;
  const row = await db.selectFrom('settings').select('version').where('key', '=', K_SETTING).executeTakeFirst();
  return { k: await currentThreshold(db), minimum: MIN_K, default: DEFAULT_K, version: row?.version ?? 0 };
}

export async function setThreshold(store: ScopedStore, k: number, version: number): Promise<{ k: number; minimum: number; default: number; version: number }> {
  try {
    assertThreshold(k);
  } catch {
    throw unprocessable('k', `must be an integer of at least ${MIN_K}`);
  }
  const at = store.platform.clock().toISOString();
  await store.unit((unit) => saveSetting(unit, { key: K_SETTING, value: String(k), version, at }));
  return thresholdSetting(store.platform);
}

/** Rows in a stable order: the canonical codes first, then anything else the data holds. */
function ordered(canonical: readonly string[], seen: Iterable<string>): string[] {
  const extra = [...new Set(seen)].filter((x) => !canonical.includes(x)).sort();
  return [...canonical, ...extra];
}

function crossTable(
  pairs: Iterable<{ row: string; column: string; count: number }>,
  rows: readonly string[],
  columns: readonly string[],
): CountTable {
  const counts = rows.map(() => columns.map(() => 0));
  for (const { row, column, count } of pairs) counts[rows.indexOf(row)]![columns.indexOf(column)]! += count;
  return { rows, columns, counts };
}

function named(id: string, rowDimension: string, columnDimension: string, table: PublishedTable): IndicatorTable {
  return { id, rowDimension, columnDimension, ...table };
}

/** A label is a code, never free text: nationality must look like ISO 3166-1 alpha-2. */
function nationalityCode(value: string | null): string {
  return value && /^[A-Z]{2}$/.test(value) ? value : 'unknown';
}

/** The share of row `label` in `numerator` columns out of `denominator` columns, only from published cells. */
function shareFromPublished(table: IndicatorTable, label: string, numerator: string[], denominator: string[], k: number): number | null {
  const i = table.rows.indexOf(label);
  if (i === -1) return null;
  const cell = (column: string) => table.cells[i]![table.columns.indexOf(column)];
  const parts = denominator.map(cell);
  if (parts.some((v) => v === null || v === undefined)) return null;
  const num = numerator.map(cell).reduce<number>((a, b) => a + (b ?? 0), 0);
  const den = (parts as number[]).reduce((a, b) => a + b, 0);
  return suppressShare(num, den, k);
}

export async function indicatorReport(platform: Platform, filter: StatsFilter, kOverride?: number): Promise<IndicatorReport> {
  const { db, dialect } = platform.database;
  const k = kOverride ?? (await currentThreshold(db));
  const now = platform.clock().toISOString();
  const { arrivals, encounters, observed, obligations, missed, obligationMedians, referrals, toAccept, toComplete, caseloads, providers, detentions, overrides, allegations, handovers } =
    await rollupIndicatorData(reportReader(platform.database), dialect, normalizeFilter(filter), now, escalationCutoffs(platform.profile, new Date(now)));

  // Arrivals: three views of one population share only their grand total, hidden in all or none.
  const months = [...new Set(arrivals.byMonthAndType.map((a) => a.month))].sort();
  const nationalities = ordered([], arrivals.byNationality.map((a) => nationalityCode(a.nationality)));
  const sexes = ordered(SEXES, arrivals.byAgeBandAndSex.map((a) => a.sex));
  const [byMonth, byNationality, byAge] = suppressSiblings(
    [
      crossTable(
        arrivals.byMonthAndType.map((a) => ({ row: a.month, column: a.encounterType, count: a.persons })),
        months,
        ordered(ENCOUNTER_TYPES, arrivals.byMonthAndType.map((a) => a.encounterType)),
      ),
      crossTable(arrivals.byNationality.map((a) => ({ row: nationalityCode(a.nationality), column: 'persons', count: a.persons })), nationalities, ['persons']),
      crossTable(arrivals.byAgeBandAndSex.map((a) => ({ row: a.ageBand, column: a.sex, count: a.persons })), AGE_BANDS, sexes),
    ],
    k,
  );
  const tables: IndicatorTable[] = [
    named('arrivals_by_month_and_encounter_type', 'month', 'encounter_type', byMonth!),
    named('arrivals_by_nationality', 'nationality', 'count', byNationality!),
    named('arrivals_by_age_band_and_sex', 'age_band', 'sex', byAge!),
  ];

  const encounterTypes = ordered(ENCOUNTER_TYPES, encounters.map((e) => e.encounterType));
  tables.push(
    named(
      'encounters_by_type',
      'encounter_type',
      'count',
      suppressTable(crossTable(encounters.map((e) => ({ row: e.encounterType, column: 'encounters', count: e.encounters })), encounterTypes, ['encounters']), k),
    ),
    named(
      'dead_and_missing_by_encounter_type',
      'encounter_type',
      'outcome',
      suppressTable(
        crossTable(
          encounters.flatMap((e) => [
            { row: e.encounterType, column: 'dead', count: e.dead },
            { row: e.encounterType, column: 'missing', count: e.missing },
          ]),
          encounterTypes,
          ['dead', 'missing'],
        ),
        k,
      ),
    ),
  );

  // Vulnerabilities. Those the age-and-sex table already shows (children, older persons, women) are
  // taken from its published margins, so a margin it had to hide is not given away here; the others
  // overlap and are hidden when small, or when the rest of their population is.
  const ageTable = byAge!;
  const bandTotal = (band: string) => ageTable.rowTotals[ageTable.rows.indexOf(band)] ?? null;
  const childBands = ['0-4', '5-11', '12-17'].map(bandTotal);
  const children = childBands.some((v) => v === null) ? null : (childBands as number[]).reduce((a, b) => a + b, 0);
  const femaleColumn = ageTable.columns.indexOf('female');
  const arrivalsTotal = arrivals.byMonthAndType.reduce((n, a) => n + a.persons, 0);
  const isChild = (a: { ageBand: string }) => a.ageBand === '0-4' || a.ageBand === '5-11' || a.ageBand === '12-17';
  const childrenAlone = (accompaniment: string) =>
    arrivals.byAgeBandAndAccompaniment.filter((a) => isChild(a) && a.accompaniment === accompaniment).reduce((n, a) => n + a.persons, 0);
  const childCount = arrivals.byAgeBandAndAccompaniment.filter(isChild).reduce((n, a) => n + a.persons, 0);
  const lists: IndicatorList[] = [
    {
      id: 'vulnerabilities_identified',
      dimension: 'indicator',
      items: [
        { label: 'child', count: children },
        ...suppressCounts(
          [
            { label: 'unaccompanied_child', count: childrenAlone('unaccompanied') },
            { label: 'separated_child', count: childrenAlone('separated') },
          ],
          k,
          childCount,
        ),
        { label: 'older_person', count: bandTotal('60+') },
        { label: 'female', count: femaleColumn === -1 ? 0 : (ageTable.columnTotals[femaleColumn] ?? null) },
        ...suppressCounts(OBSERVED_INDICATORS.map((code) => ({ label: code, count: observed.get(code) ?? 0 })), k, arrivalsTotal),
      ],
    },
  ];

  const obligationColumns = ['fulfilled_in_time', 'fulfilled_late', 'overdue', 'open', 'waived', 'lapsed'];
  const obligationCodes = ordered(OBLIGATION_CODES, obligations.map((o) => o.code));
  const obligationTable = named(
    'obligations_by_code_and_outcome',
    'obligation',
    'outcome',
    suppressTable(
      crossTable(
        obligations.flatMap((o) => [
          { row: o.code, column: 'fulfilled_in_time', count: o.inTime },
          { row: o.code, column: 'fulfilled_late', count: o.late },
          { row: o.code, column: 'overdue', count: o.overdue },
          { row: o.code, column: 'open', count: o.open },
          { row: o.code, column: 'waived', count: o.waived },
          { row: o.code, column: 'lapsed', count: o.lapsed },
        ]),
        obligationCodes,
        obligationColumns,
      ),
      k,
    ),
  );
  tables.push(obligationTable);
  // Missed: overdue beyond the profile's escalation limit, a part of the overdue column. A code's
  // missed count is shown only where its overdue cell is (one equal to a hidden overdue cell would
  // give it away); once any is hidden, so is the total, which would give back a lone hidden cell.
  const missedCodes = ordered(OBLIGATION_CODES, missed.keys());
  const missedTable = suppressTable(crossTable([...missed].map(([code, count]) => ({ row: code, column: 'missed', count })), missedCodes, ['missed']), k);
  const overdueColumn = obligationTable.columns.indexOf('overdue');
  const overdueHidden = (code: string) => {
    const i = obligationTable.rows.indexOf(code);
    return i !== -1 && obligationTable.cells[i]![overdueColumn] === null;
  };
  missedTable.rows.forEach((code, i) => {
    if (!overdueHidden(code)) return;
    missedTable.cells[i]![0] = null;
    missedTable.rowTotals[i] = null;
  });
  if (missedTable.cells.some((row) => row[0] === null)) {
    missedTable.columnTotals[0] = null;
    missedTable.total = null;
  }
  tables.push(named('obligations_missed_by_code', 'obligation', 'count', missedTable));
  const due = ['fulfilled_in_time', 'fulfilled_late', 'overdue'];
  // Standing obligations (no deadline under the profile: non-refoulement, confidentiality…) hold as long
  // as their trigger does; they are never "in time" or late, so the deadline measures leave them out.
  const standing = new Set(platform.profile.obligations.filter((o) => o.deadlineMs === null).map((o) => o.definition.code));
  const withDeadline = obligationCodes.filter((code) => !standing.has(code));
  const inTimeShare = (code: string) => shareFromPublished(obligationTable, code, ['fulfilled_in_time'], due, k);
  const measures: IndicatorMeasure[] = [
    { id: 'obligations_share_fulfilled_in_time', dimension: 'obligation', unit: 'share', items: withDeadline.map((code) => ({ label: code, value: inTimeShare(code) })) },
    {
      id: 'obligations_median_hours_to_fulfil',
      dimension: 'obligation',
      unit: 'hours',
      items: withDeadline.map((code) => {
        const m = obligationMedians.get(code);
        return { label: code, value: m ? suppressMeasure(m.median, m.n, k) : null };
      }),
    },
    // The two the Protocol names outright: consular rights on detention (art. 16(5)) and a guardian for children alone.
    {
      id: 'protection_in_time',
      dimension: 'obligation',
      unit: 'share',
      items: [
        { label: 'consular.inform_rights', value: inTimeShare('consular.inform_rights') },
        { label: 'children.guardian', value: inTimeShare('children.guardian') },
        { label: 'children.no_detention', value: inTimeShare('children.no_detention') },
      ],
    },
  ];

  const referralStatuses = ['sent', 'accepted', 'in_progress', 'completed', 'closed', 'declined', 'revoked'];
  const services = ordered(SERVICE_TYPES, referrals.map((r) => r.service));
  const referralTable = named(
    'referrals_by_service_and_status',
    'service',
    'status',
    suppressTable(crossTable(referrals.map((r) => ({ row: r.service, column: r.status, count: r.referrals })), services, ordered(referralStatuses, referrals.map((r) => r.status))), k),
  );
  tables.push(referralTable);
  const taken = ['accepted', 'in_progress', 'completed'];
  measures.push(
    { id: 'referrals_acceptance_rate', dimension: 'service', unit: 'share', items: services.map((s) => ({ label: s, value: shareFromPublished(referralTable, s, taken, [...taken, 'declined'], k) })) },
    {
      id: 'referrals_median_hours_to_accept',
      dimension: 'service',
      unit: 'hours',
      items: services.map((s) => ({ label: s, value: toAccept.get(s) ? suppressMeasure(toAccept.get(s)!.median, toAccept.get(s)!.n, k) : null })),
    },
    {
      id: 'referrals_median_hours_to_complete',
      dimension: 'service',
      unit: 'hours',
      items: services.map((s) => ({ label: s, value: toComplete.get(s) ? suppressMeasure(toComplete.get(s)!.median, toComplete.get(s)!.n, k) : null })),
    },
  );

  // Caseload: officers by the number of open cases they carry, never by name.
  const bands: [string, number][] = [['1-10', 10], ['11-25', 25], ['26-50', 50], ['51-100', 100], ['101+', Infinity]];
  const bandOf = (n: number) => bands.find(([, top]) => n <= top)![0];
  tables.push(
    named(
      'officers_by_open_caseload',
      'open_cases',
      'count',
      suppressTable(crossTable(caseloads.map((n) => ({ row: bandOf(n), column: 'officers', count: 1 })), bands.map(([b]) => b), ['officers']), k),
    ),
  );
  const sortedLoads = [...caseloads].sort((a, b) => a - b);
  const medianLoad = sortedLoads.length === 0 ? null : (sortedLoads[Math.floor((sortedLoads.length - 1) / 2)]! + sortedLoads[Math.floor(sortedLoads.length / 2)]!) / 2;
  measures.push({ id: 'median_open_cases_per_officer', dimension: 'all', unit: 'cases', items: [{ label: 'all', value: suppressMeasure(medianLoad, caseloads.length, k) }] });

  // Providers against the capacity they declared (the seed's "adequate resources").
  const providerLabels = providers.map((p) => `${p.name} (${p.providerId.slice(0, 8)})`);
  const providerTable = named(
    'providers_active_referrals',
    'provider',
    'count',
    suppressTable(crossTable(providers.map((p, i) => ({ row: providerLabels[i]!, column: 'active_referrals', count: p.active })), providerLabels, ['active_referrals']), k),
  );
  tables.push(providerTable);
  measures.push({
    id: 'providers_load_against_capacity',
    dimension: 'provider',
    unit: 'share',
    items: providers.map((p, i) => {
      const active = providerTable.cells[i]![0];
      return { label: providerLabels[i]!, value: active === null || active === undefined || !p.capacity ? null : active / p.capacity };
    }),
  });

  tables.push(
    named(
      'detentions_by_age_group',
      'age_group',
      'status',
      suppressTable(
        crossTable(
          detentions.flatMap((d) => [
            { row: d.ageGroup, column: 'ongoing', count: d.ongoing },
            { row: d.ageGroup, column: 'ended', count: d.ended },
          ]),
          ['child', 'adult', 'unknown'],
          ['ongoing', 'ended'],
        ),
        k,
      ),
    ),
    named(
      'guard_overrides_by_action',
      'action',
      'count',
      suppressTable(crossTable([...overrides].map(([action, count]) => ({ row: action, column: 'overrides', count })), ordered(GUARDED_ACTIONS, overrides.keys()), ['overrides']), k),
    ),
    named(
      'allegations_by_status',
      'status',
      'count',
      suppressTable(crossTable([...allegations].map(([status, count]) => ({ row: status, column: 'allegations', count })), ordered(ALLEGATION_STATUSES, allegations.keys()), ['allegations']), k),
    ),
  );

  // Service gaps: where an officer found no provider for a service a person needed (the
  // obligation stayed open). Areas are the jurisdiction's (the server refuses any other).
  const gaps = await serviceGapCounts(reportReader(platform.database), normalizeFilter(filter));
  tables.push(
    named(
      'service_gaps_by_service_and_area',
      'service',
      'area',
      suppressTable(
        crossTable(
          gaps.map((g) => ({ row: g.service, column: g.area, count: g.gaps })),
          SERVICE_TYPES.filter((service) => gaps.some((g) => g.service === service)),
          [...new Set(gaps.map((g) => g.area))].sort(),
        ),
        k,
      ),
    ),
  );

  // Handovers by the profile's rules, first-contact agency → receiving agency, by take-up.
  const handoverLabels = handovers.map((h) => `${h.from} → ${h.to}`);
  tables.push(
    named(
      'handovers_by_agencies_and_take_up',
      'handover',
      'take_up',
      suppressTable(
        crossTable(
          handovers.flatMap((h, i) => [
            { row: handoverLabels[i]!, column: 'taken_up_in_time', count: h.inTime },
            { row: handoverLabels[i]!, column: 'taken_up_late', count: h.late },
            { row: handoverLabels[i]!, column: 'overdue', count: h.overdue },
            { row: handoverLabels[i]!, column: 'awaiting', count: h.awaiting },
          ]),
          handoverLabels,
          ['taken_up_in_time', 'taken_up_late', 'overdue', 'awaiting'],
        ),
        k,
      ),
    ),
  );

  return { k, filter, generatedAt: now, tables, lists, measures };
}
