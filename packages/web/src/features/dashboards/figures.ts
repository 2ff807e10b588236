/**
 * The charts of the indicators screen, as data: which published table or measure each draws, how
 * its rows and columns are named (never a code with its dots removed), and the sentence that says
 * what it shows (`dashboards.about.<id>`). Titles are `dashboards.figures.<id>`.
 */

/** How a code of a row or column is named on screen. */
export type CodeKind =
  | 'month'
  | 'encounterType'
  | 'sex'
  | 'ageBand'
  | 'deadMissing'
  | 'obligation'
  | 'service'
  | 'action'
  | 'ageGroup'
  | 'detentionStatus'
  | 'allegationStatus'
  | 'area'
  /** A single series: its name is `dashboards.series.<code>`. */
  | 'series';

export interface FigureSpec {
  id: string;
  source: 'table' | 'measure';
  rows: CodeKind;
  columns: CodeKind;
  stacked?: boolean;
}

export const FIGURES: readonly FigureSpec[] = [
  { id: 'arrivals_by_month_and_encounter_type', source: 'table', rows: 'month', columns: 'encounterType', stacked: true },
  { id: 'arrivals_by_age_band_and_sex', source: 'table', rows: 'ageBand', columns: 'sex', stacked: true },
  { id: 'dead_and_missing_by_encounter_type', source: 'table', rows: 'encounterType', columns: 'deadMissing' },
  { id: 'protection_in_time', source: 'measure', rows: 'obligation', columns: 'series' },
  { id: 'obligations_share_fulfilled_in_time', source: 'measure', rows: 'obligation', columns: 'series' },
  { id: 'obligations_median_hours_to_fulfil', source: 'measure', rows: 'obligation', columns: 'series' },
  { id: 'obligations_missed_by_code', source: 'table', rows: 'obligation', columns: 'series' },
  { id: 'referrals_acceptance_rate', source: 'measure', rows: 'service', columns: 'series' },
  { id: 'detentions_by_age_group', source: 'table', rows: 'ageGroup', columns: 'detentionStatus', stacked: true },
  { id: 'guard_overrides_by_action', source: 'table', rows: 'action', columns: 'series' },
  { id: 'allegations_by_status', source: 'table', rows: 'allegationStatus', columns: 'series' },
  { id: 'service_gaps_by_service_and_area', source: 'table', rows: 'service', columns: 'area', stacked: true },
];
