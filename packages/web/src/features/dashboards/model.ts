/**
 * The indicator report as the server sends it (GET /api/stats/indicators): every count already
 * suppressed on the server, null where hidden. Nothing here computes a count; it only reshapes
 * what was published for charts and their table alternatives.
 */
import type { IndicatorMeasure, IndicatorReport, IndicatorTable } from '@haven/core/schemas';

export type { IndicatorMeasure, IndicatorReport, IndicatorTable };

export interface DashboardFilter {
  from: string;
  to: string;
  area: string;
  encounterType: string;
}

/** The query string of a filter: dates become the start of that day (UTC); empty fields are left out. */
export function filterQuery(filter: DashboardFilter): string {
  const params = new URLSearchParams();
  if (filter.from) params.set('from', `${filter.from}T00:00:00Z`);
  if (filter.to) params.set('to', `${filter.to}T00:00:00Z`);
  if (filter.area.trim()) params.set('area', filter.area.trim());
  if (filter.encounterType) params.set('encounterType', filter.encounterType);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** One chart row per table row: `label` plus one key per column; suppressed cells stay null (no bar). */
export function chartRows(table: IndicatorTable): Record<string, string | number | null>[] {
  return table.rows.map((row, i) => {
    const entry: Record<string, string | number | null> = { label: row };
    table.columns.forEach((column, j) => (entry[column] = table.cells[i]![j] ?? null));
    return entry;
  });
}

/** Rows that hold something to draw (a published non-zero cell), so empty months or codes do not crowd a chart. */
export function drawnRows(table: IndicatorTable): IndicatorTable {
  const keep = table.rows.map((_, i) => table.cells[i]!.some((v) => v !== 0) || table.rowTotals[i] !== 0);
  const pick = <T,>(list: T[]) => list.filter((_, i) => keep[i]);
  return { ...table, rows: pick(table.rows), cells: pick(table.cells), rowTotals: pick(table.rowTotals) };
}

/** A measure as chart rows, shares in percent. */
export function measureRows(measure: IndicatorMeasure): { label: string; value: number | null }[] {
  return measure.items.map((item) => ({ label: item.label, value: item.value === null ? null : measure.unit === 'share' ? Math.round(item.value * 1000) / 10 : Math.round(item.value * 10) / 10 }));
}
