import { describe, expect, it } from 'vitest';
import { chartRows, drawnRows, filterQuery, measureRows, type IndicatorTable } from './model';

const table: IndicatorTable = {
  id: 'arrivals_by_age_band_and_sex',
  rowDimension: 'age_band',
  columnDimension: 'sex',
  rows: ['0-4', '5-11', '60+'],
  columns: ['female', 'male'],
  cells: [[null, null], [0, 0], [40, 60]],
  rowTotals: [20, 0, 100],
  columnTotals: [null, null],
  total: 120,
  k: 11,
};

describe('dashboard model', () => {
  it('keeps suppressed cells null in the chart rows, never a number', () => {
    expect(chartRows(table)[0]).toEqual({ label: '0-4', female: null, male: null });
    expect(chartRows(table)[2]).toEqual({ label: '60+', female: 40, male: 60 });
  });

  it('leaves out rows with nothing to draw', () => {
    expect(drawnRows(table).rows).toEqual(['0-4', '60+']);
  });

  it('builds the query of a filter, dates as the start of the day', () => {
    expect(filterQuery({ from: '2026-03-01', to: '', area: ' North ', encounterType: 'rescue_at_sea' })).toBe('?from=2026-03-01T00%3A00%3A00Z&area=North&encounterType=rescue_at_sea');
    expect(filterQuery({ from: '', to: '', area: '', encounterType: '' })).toBe('');
  });

  it('shows shares in percent and keeps suppressed measures empty', () => {
    expect(measureRows({ id: 'x', dimension: 'obligation', unit: 'share', items: [{ label: 'a', value: 0.8734 }, { label: 'b', value: null }] })).toEqual([
      { label: 'a', value: 87.3 },
      { label: 'b', value: null },
    ]);
  });
});
