import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_K, recoverableCells, suppressCounts, suppressShare, suppressSiblings, suppressTable, type CountTable, type PublishedTable } from './suppression.js';

/** Counts that mix small cells (to suppress), zeros and large ones, as real breakdowns do. */
const count = fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 200 }));
const table = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
  .chain(([rows, columns]) =>
    fc.array(fc.array(count, { minLength: columns, maxLength: columns }), { minLength: rows, maxLength: rows }).map(
      (counts): CountTable => ({ rows: counts.map((_, i) => `r${i}`), columns: counts[0]!.map((_, j) => `c${j}`), counts }),
    ),
  );
const threshold = fc.integer({ min: 5, max: 15 });

/** The augmented table (cells, row totals as a last column, column totals and the total as a last row). */
function augmented(published: PublishedTable): (number | null)[][] {
  return [...published.cells.map((row, i) => [...row, published.rowTotals[i]!]), [...published.columnTotals, published.total]];
}

function everyValue(published: PublishedTable): (number | null)[] {
  return augmented(published).flat();
}

describe('small-cell suppression', () => {
  it('publishes no cell or total from 1 to k-1', () => {
    fc.assert(
      fc.property(table, threshold, (t, k) => {
        for (const v of everyValue(suppressTable(t, k))) expect(v === null || v === 0 || v >= k).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves no suppressed cell recoverable from the published cells and totals', () => {
    fc.assert(
      fc.property(table, threshold, (t, k) => {
        expect(recoverableCells(suppressTable(t, k))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves no suppressed cell alone in its row or column (no plain subtraction from a published total)', () => {
    fc.assert(
      fc.property(table, threshold, (t, k) => {
        const grid = augmented(suppressTable(t, k));
        for (const row of grid) expect(row.filter((v) => v === null).length).not.toBe(1);
        for (let j = 0; j < grid[0]!.length; j++) expect(grid.filter((row) => row[j] === null).length).not.toBe(1);
      }),
      { numRuns: 300 },
    );
  });

  it('publishes the true value of every cell it shows', () => {
    fc.assert(
      fc.property(table, threshold, (t, k) => {
        const published = suppressTable(t, k);
        t.counts.forEach((row, i) => row.forEach((v, j) => published.cells[i]![j] !== null && expect(published.cells[i]![j]).toBe(v)));
        const total = t.counts.flat().reduce((a, b) => a + b, 0);
        if (published.total !== null) expect(published.total).toBe(total);
      }),
      { numRuns: 200 },
    );
  });

  it('hides the grand total of every sibling table when one of them must', () => {
    fc.assert(
      fc.property(table, table, threshold, (a, b, k) => {
        const [pa, pb] = suppressSiblings([a, b], k);
        expect(pa!.total === null).toBe(pb!.total === null);
        expect(recoverableCells(pa!)).toEqual([]);
        expect(recoverableCells(pb!)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('publishes a large table with no small cell untouched', () => {
    const published = suppressTable({ rows: ['a', 'b'], columns: ['x', 'y'], counts: [[20, 30], [40, 50]] }, DEFAULT_K);
    expect(published.cells).toEqual([[20, 30], [40, 50]]);
    expect(published.total).toBe(140);
  });

  it('hides a second cell in the row and the column of a small one', () => {
    const published = suppressTable({ rows: ['a', 'b'], columns: ['x', 'y'], counts: [[3, 30], [40, 50]] }, DEFAULT_K);
    expect(published.cells).toEqual([[null, null], [null, null]]);
    expect(published.total).toBe(123);
    expect(published.rowTotals).toEqual([33, 90]);
  });

  it('catches a table with primary suppression only (the check can fail)', () => {
    const naive: PublishedTable = { rows: ['a', 'b'], columns: ['x', 'y'], cells: [[null, 30], [40, 50]], rowTotals: [33, 90], columnTotals: [43, 80], total: 123, k: 11 };
    expect(recoverableCells(naive)).toEqual([[0, 0]]);
  });

  it('refuses k below 5, and fractions', () => {
    const t: CountTable = { rows: ['a'], columns: ['x'], counts: [[1]] };
    for (const k of [4, 0, -1, 5.5]) expect(() => suppressTable(t, k)).toThrow(RangeError);
    expect(() => suppressCounts([], 4)).toThrow(RangeError);
    expect(() => suppressShare(1, 2, 3)).toThrow(RangeError);
  });

  it('hides an overlapping count when it or the rest of its population is small', () => {
    const counts = [
      { label: 'a', count: 3 },
      { label: 'b', count: 95 },
      { label: 'c', count: 50 },
      { label: 'd', count: 0 },
    ];
    expect(suppressCounts(counts, 11, 100).map((c) => c.count)).toEqual([null, null, 50, 0]);
    expect(suppressCounts(counts, 11).map((c) => c.count)).toEqual([null, 95, 50, 0]);
  });

  it('suppresses a share when either part is small', () => {
    expect(suppressShare(40, 45, 11)).toBeNull();
    expect(suppressShare(5, 45, 11)).toBeNull();
    expect(suppressShare(20, 45, 11)).toBeCloseTo(20 / 45);
    expect(suppressShare(45, 45, 11)).toBe(1);
    expect(suppressShare(5, 5, 11)).toBeNull();
  });
});
