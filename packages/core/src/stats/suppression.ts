/**
 * Small-cell suppression for every published aggregate (DOMAIN.md section 10).
 *
 * Primary suppression hides every count from 1 to k-1 (zero is published: an empty cell says
 * nothing about a person). Secondary suppression then hides more cells so that no hidden cell can
 * be worked out exactly from what is published.
 *
 * Why the method is sound: take the table with its row totals as an extra column, its column
 * totals as an extra row and the grand total in the corner. Every row and every column of that
 * augmented table is one linear equation (its cells add up to its total). Draw the hidden cells as
 * edges of a bipartite graph between row lines and column lines. The values the hidden cells can
 * take, given everything published, differ exactly by the graph's cycles (alternating +t/-t around
 * an even cycle keeps every line's sum), so a hidden cell is determined exactly if and only if its
 * edge lies on no cycle — it is a bridge. We therefore (a) give every line holding a hidden cell a
 * second one (a line with one hidden cell is a plain subtraction), iterating to a fixed point, and
 * (b) for each remaining bridge hide one more cell that closes a cycle through it, until the graph
 * has no bridge. The property test checks the result by linear algebra, not by this argument.
 *
 * Complementary cells are the smallest non-zero published cells that do the job (least information
 * lost); zeros are used only when nothing else does, since a reader may know a structural zero.
 * Interior cells are preferred over totals, and the grand total is hidden last, because totals are
 * repeated across the tables of one indicator.
 */

/** The Counter-Trafficking Data Collaborative's threshold. */
export const DEFAULT_K = 11;
/** DOMAIN.md section 10: never below 5. */
export const MIN_K = 5;

export class SuppressionThresholdError extends RangeError {
  constructor(k: number) {
    super(`k must be an integer of at least ${MIN_K}; got ${k}`);
    this.name = 'SuppressionThresholdError';
  }
}

/** Throws when k would publish cells smaller than the floor. */
export function assertThreshold(k: number): number {
  if (!Number.isInteger(k) || k < MIN_K) throw new SuppressionThresholdError(k);
  return k;
}

/** A table of counts (rows × columns) before suppression. Labels are codes, never free text. */
export interface CountTable {
  rows: readonly string[];
  columns: readonly string[];
  /** counts[row][column], non-negative integers. */
  counts: readonly (readonly number[])[];
}

/** What may leave the server: null marks a suppressed cell. */
export interface PublishedTable {
  rows: string[];
  columns: string[];
  cells: (number | null)[][];
  rowTotals: (number | null)[];
  columnTotals: (number | null)[];
  total: number | null;
  k: number;
}

export interface SuppressionOptions {
  /** Hide the grand total whatever its size (to match a sibling table that had to hide it). */
  hideTotal?: boolean;
}

function isSmall(value: number, k: number): boolean {
  return value > 0 && value < k;
}

/** Indices (row, column) in the augmented table: the last row holds column totals, the last column row totals. */
type Cell = readonly [number, number];

export function suppressTable(table: CountTable, k: number, options: SuppressionOptions = {}): PublishedTable {
  assertThreshold(k);
  const R = table.rows.length;
  const C = table.columns.length;
  if (table.counts.length !== R || table.counts.some((row) => row.length !== C)) throw new RangeError('counts must be rows × columns');
  for (const row of table.counts) for (const v of row) if (!Number.isInteger(v) || v < 0) throw new RangeError(`counts must be non-negative integers; got ${v}`);

  // The augmented table: values[i][j] for i ≤ R, j ≤ C.
  const values: number[][] = Array.from({ length: R + 1 }, () => new Array<number>(C + 1).fill(0));
  for (let i = 0; i < R; i++) {
    for (let j = 0; j < C; j++) {
      const v = table.counts[i]![j]!;
      values[i]![j] = v;
      values[i]![C]! += v;
      values[R]![j]! += v;
      values[R]![C]! += v;
    }
  }
  const hidden: boolean[][] = values.map((row) => row.map((v) => isSmall(v, k)));
  if (options.hideTotal) hidden[R]![C] = true;

  const rank = ([i, j]: Cell): number => {
    const v = values[i]![j]!;
    const kind = i === R && j === C ? 2 : i === R || j === C ? 1 : 0;
    // Non-zero before zero, interior before totals before the grand total, then smallest value.
    return (v === 0 ? 1e15 : 0) + kind * 1e14 + v;
  };
  const best = (candidates: Cell[]): Cell | undefined => {
    let chosen: Cell | undefined;
    for (const cell of candidates) if (!hidden[cell[0]]![cell[1]] && (!chosen || rank(cell) < rank(chosen))) chosen = cell;
    return chosen;
  };

  const lineOfRow = (i: number): Cell[] => Array.from({ length: C + 1 }, (_, j) => [i, j] as const);
  const lineOfColumn = (j: number): Cell[] => Array.from({ length: R + 1 }, (_, i) => [i, j] as const);
  const hiddenIn = (line: Cell[]): number => line.filter(([i, j]) => hidden[i]![j]).length;

  for (;;) {
    // (a) No line with exactly one hidden cell.
    let changed = false;
    for (const line of [...Array.from({ length: R + 1 }, (_, i) => lineOfRow(i)), ...Array.from({ length: C + 1 }, (_, j) => lineOfColumn(j))]) {
      if (hiddenIn(line) !== 1) continue;
      const chosen = best(line);
      if (!chosen) continue;
      hidden[chosen[0]]![chosen[1]] = true;
      changed = true;
    }
    if (changed) continue;
    // (b) No bridge: a hidden cell on no cycle of hidden cells.
    const bridge = findBridge(hidden, R + 1, C + 1);
    if (!bridge) break;
    const [rowSide, columnSide] = sidesWithout(hidden, R + 1, C + 1, bridge);
    const candidates: Cell[] = [];
    for (const i of columnSide.rows) for (const j of rowSide.columns) candidates.push([i, j]);
    const chosen = best(candidates);
    // Every line with a hidden cell has two, so both sides hold a row and a column; a candidate exists.
    if (!chosen) throw new Error('secondary suppression found no complementary cell');
    hidden[chosen[0]]![chosen[1]] = true;
  }

  const shown = (i: number, j: number): number | null => (hidden[i]![j] ? null : values[i]![j]!);
  return {
    rows: [...table.rows],
    columns: [...table.columns],
    cells: Array.from({ length: R }, (_, i) => Array.from({ length: C }, (_, j) => shown(i, j))),
    rowTotals: Array.from({ length: R }, (_, i) => shown(i, C)),
    columnTotals: Array.from({ length: C }, (_, j) => shown(R, j)),
    total: shown(R, C),
    k,
  };
}

/**
 * Tables that show the same population (the arrivals by month, by nationality, by age) repeat
 * its grand total: when one of them must hide it, all of them do, or a reader would take it
 * from a sibling.
 */
export function suppressSiblings(tables: readonly CountTable[], k: number): PublishedTable[] {
  let published = tables.map((table) => suppressTable(table, k));
  if (published.some((table) => table.total === null)) published = tables.map((table) => suppressTable(table, k, { hideTotal: true }));
  return published;
}

/**
 * Counts that do not add up to anything (a person can have several vulnerabilities): nothing can be
 * subtracted between them, so primary suppression protects them and no total is published. Given
 * the population they are counted in (itself published elsewhere), a count is also hidden when
 * the rest of the population is small: "all but 3 have it" says as much about those 3.
 */
export function suppressCounts(counts: readonly { label: string; count: number }[], k: number, population?: number): { label: string; count: number | null }[] {
  assertThreshold(k);
  return counts.map(({ label, count }) => ({ label, count: isSmall(count, k) || (population !== undefined && isSmall(population - count, k)) ? null : count }));
}

/**
 * A share (fulfilled in time out of all due) is published only when both of its parts would be:
 * the share and the denominator give the numerator and its complement back.
 */
export function suppressShare(numerator: number, denominator: number, k: number): number | null {
  assertThreshold(k);
  if (denominator < k || isSmall(numerator, k) || isSmall(denominator - numerator, k)) return null;
  return numerator / denominator;
}

/** A median (or any statistic of a group) is published only for a group of at least k. */
export function suppressMeasure(value: number | null, groupSize: number, k: number): number | null {
  assertThreshold(k);
  return groupSize < k || value === null ? null : value;
}

interface Side {
  rows: number[];
  columns: number[];
}

/** Graph of hidden cells: row line i is node i, column line j is node rows + j. */
function adjacency(hidden: boolean[][], rows: number, columns: number, without?: Cell): number[][] {
  const adj: number[][] = Array.from({ length: rows + columns }, () => []);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) {
      if (!hidden[i]![j] || (without && without[0] === i && without[1] === j)) continue;
      adj[i]!.push(rows + j);
      adj[rows + j]!.push(i);
    }
  }
  return adj;
}

function reach(adj: number[][], start: number): Set<number> {
  const seen = new Set<number>([start]);
  const stack = [start];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const next of adj[node]!) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

/** A hidden cell whose edge is a bridge (Tarjan's low-link), or undefined. */
function findBridge(hidden: boolean[][], rows: number, columns: number): Cell | undefined {
  const adj = adjacency(hidden, rows, columns);
  const n = rows + columns;
  const order = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  let counter = 0;
  let found: Cell | undefined;
  const visit = (node: number, parent: number): void => {
    order[node] = low[node] = counter++;
    let skippedParent = false;
    for (const next of adj[node]!) {
      if (found) return;
      if (next === parent && !skippedParent) {
        skippedParent = true; // the edge we came by (the graph is simple: one edge per cell)
        continue;
      }
      if (order[next] === -1) {
        visit(next, node);
        low[node] = Math.min(low[node]!, low[next]!);
        if (low[next]! > order[node]!) {
          found = node < rows ? [node, next - rows] : [next, node - rows];
          return;
        }
      } else {
        low[node] = Math.min(low[node]!, order[next]!);
      }
    }
  };
  for (let node = 0; node < n && !found; node++) if (order[node] === -1 && adj[node]!.length > 0) visit(node, -1);
  return found;
}

/** The two components a bridge joins: [the row line's side, the column line's side]. */
function sidesWithout(hidden: boolean[][], rows: number, columns: number, bridge: Cell): [Side, Side] {
  const adj = adjacency(hidden, rows, columns, bridge);
  const side = (start: number): Side => {
    const nodes = [...reach(adj, start)];
    return { rows: nodes.filter((x) => x < rows), columns: nodes.filter((x) => x >= rows).map((x) => x - rows) };
  };
  return [side(bridge[0]), side(rows + bridge[1])];
}

/**
 * What is wrong with a table about to be published, checked again at the door (exports, charts):
 * a shown count from 1 to k-1, or a line of the augmented table (cells and their total) with a
 * single hidden cell, which plain subtraction recovers. Empty when it is safe to publish.
 */
export function disclosureProblems(table: PublishedTable): string[] {
  const problems: string[] = [];
  const grid = [...table.cells.map((row, i) => [...row, table.rowTotals[i] ?? null]), [...table.columnTotals, table.total]];
  grid.forEach((row, i) =>
    row.forEach((v, j) => {
      if (v !== null && isSmall(v, table.k)) problems.push(`cell ${i},${j} shows ${v} < k=${table.k}`);
    }),
  );
  grid.forEach((row, i) => {
    if (row.filter((v) => v === null).length === 1) problems.push(`row ${i} has one hidden cell`);
  });
  for (let j = 0; j < (grid[0]?.length ?? 0); j++) if (grid.filter((row) => row[j] === null).length === 1) problems.push(`column ${j} has one hidden cell`);
  return problems;
}

function rank(matrix: number[][]): number {
  const m = matrix.map((row) => [...row]);
  let r = 0;
  const width = m[0]?.length ?? 0;
  for (let c = 0; c < width && r < m.length; c++) {
    let pivot = r;
    for (let i = r + 1; i < m.length; i++) if (Math.abs(m[i]![c]!) > Math.abs(m[pivot]![c]!)) pivot = i;
    if (Math.abs(m[pivot]![c]!) < 1e-9) continue;
    [m[r], m[pivot]] = [m[pivot]!, m[r]!];
    for (let i = 0; i < m.length; i++) {
      if (i === r) continue;
      const factor = m[i]![c]! / m[r]![c]!;
      for (let j = c; j < width; j++) m[i]![j]! -= factor * m[r]![j]!;
    }
    r++;
  }
  return r;
}

/**
 * The hidden cells a reader could compute exactly from a published table, by linear algebra rather
 * than by the graph argument suppressTable relies on: a hidden cell is determined when its unit
 * vector lies in the row space of the line equations restricted to the hidden cells. For tests and
 * audits of published files (it is cubic in the number of hidden cells).
 */
export function recoverableCells(table: PublishedTable): [number, number][] {
  const grid = [...table.cells.map((row, i) => [...row, table.rowTotals[i] ?? null]), [...table.columnTotals, table.total]];
  const R = grid.length - 1;
  const C = grid[0]!.length - 1;
  const unknowns: [number, number][] = [];
  grid.forEach((row, i) => row.forEach((v, j) => v === null && unknowns.push([i, j])));
  if (unknowns.length === 0) return [];
  const equations: number[][] = [];
  for (let i = 0; i <= R; i++) equations.push(unknowns.map(([a, b]) => (a === i ? (b === C ? -1 : 1) : 0)));
  for (let j = 0; j <= C; j++) equations.push(unknowns.map(([a, b]) => (b === j ? (a === R ? -1 : 1) : 0)));
  const base = rank(equations);
  return unknowns.filter((_, x) => rank([...equations, unknowns.map((__, y) => (x === y ? 1 : 0))]) === base);
}
