import { PostgresAdapter, sql, type RawBuilder } from 'kysely';
import { OBSERVED_INDICATORS } from '@haven/core';
import type { Platform } from '../../platform/context.js';
import type { Dialect, Queryable } from '../../platform/db/database.js';
import { systemStore } from '../../store/system-store.js';
import { AGE, ageBand, ageGroup, durationBucket, emptyRollups, personsMetIn } from './store.js';

// The indicator rollups kept on write. stats_cells holds counts per month of
// the encounter × responsible agency × encounter type × the indicator's own codes, and
// stats_day_cells the same per day (a period that cuts months reads its edge days from there);
// stats_ledger holds what each person and each encounter contributes now, and on which day. Every write that changes a fact the
// indicators read calls restatePersonStats (or restateEncounterStats) in its own transaction: the
// person's contribution is computed again from the rows with the rules of store.ts, the old one is
// taken from the ledger, and only the difference is added to the cells. Restating is idempotent,
// so a caller that restates too often costs time, never correctness.

/** A key part standing for SQL null (a code is never this character). */
export const NULL_KEY = '\u0001';

/** [measure, k1, k2, k3, k4, n] */
type Cell = [string, string, string, string, string, number];

interface Share {
  /** YYYY-MM-DD, the first ten characters of the encounter's occurred_at. */
  day: string;
  agency: string;
  type: string;
  cells: Map<string, Cell>;
}

/** Which owners to restate: listed ids, or every id in [from, to) (null: unbounded). */
type Scope = { ids: readonly string[] } | { from: string | null; to: string | null };

const ID_CHUNK = 400;
const WRITE_CHUNK = 300;

function dialectOf(q: Queryable): Dialect {
  return q.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

function key(...parts: string[]): string {
  return parts.join('\t');
}

function add(share: Share, measure: string, k1 = '', k2 = '', k3 = '', k4 = '', n = 1): void {
  const k = key(measure, k1, k2, k3, k4);
  const cell = share.cells.get(k);
  if (cell) cell[5] += n;
  else share.cells.set(k, [measure, k1, k2, k3, k4, n]);
}

function orNull(value: string | null | undefined): string {
  return value === null || value === undefined ? NULL_KEY : value;
}

function idCondition(column: RawBuilder<unknown>, scope: Scope): RawBuilder<unknown> {
  if ('ids' in scope) return sql`${column} in (${sql.join(scope.ids)})`;
  const parts: RawBuilder<unknown>[] = [sql`1 = 1`];
  if (scope.from !== null) parts.push(sql`${column} >= ${scope.from}`);
  if (scope.to !== null) parts.push(sql`${column} < ${scope.to}`);
  return sql.join(parts, sql` and `);
}

type Num = number | string | null;
const num = (v: Num): number | null => (v === null ? null : Number(v));

/** What each person in scope contributes, by the same rules as the direct queries of store.ts. */
async function personShares(q: Queryable, dialect: Dialect, scope: Scope): Promise<Map<string, Share>> {
  const persons = idCondition(sql`p.id`, scope);
  const shares = new Map<string, Share>();
  const ages = new Map<string, number | null>();
  const base = await sql<{ id: string; day: string; agency: string; type: string; nationality: string | null; sex: string; age: Num; accompaniment: string | null }>`
    select p.id as id, substr(e.occurred_at, 1, 10) as day, e.agency_id as agency, e.type as type,
      p.nationality as nationality, p.sex as sex, ${AGE} as age, p.accompaniment as accompaniment
    from persons p join encounters e on e.id = p.encounter_id where ${persons}`.execute(q);
  for (const r of base.rows) {
    const share: Share = { day: r.day, agency: r.agency, type: r.type, cells: new Map() };
    const age = num(r.age);
    ages.set(r.id, age);
    add(share, 'arrivals', orNull(r.nationality), r.sex, ageBand(age), orNull(r.accompaniment));
    shares.set(r.id, share);
  }
  if (shares.size === 0) return shares;

  // Everything else about them in one statement (one round trip to PostgreSQL, not six): each
  // branch says what it is in `kind` and puts its columns in a..d (text) and x, y (integers).
  const NO_TEXT = sql`cast(null as text)`;
  const NO_NUMBER = sql`cast(null as integer)`;
  const facts = await sql<{ kind: string; id: string; a: string | null; b: string | null; c: string | null; d: string | null; x: Num; y: Num }>`
    select 's' as kind, s.person_id as id, s.indicators as a, ${NO_TEXT} as b, ${NO_TEXT} as c, ${NO_TEXT} as d, ${NO_NUMBER} as x, ${NO_NUMBER} as y
    from screenings s join persons p on p.id = s.person_id where ${persons}
    union all
    select 'o', o.person_id, o.code, o.status, o.due_by, o.fulfilled_at,
      case when o.status = 'fulfilled' and o.due_by is not null then ${durationBucket(dialect, sql`o.created_at`, sql`o.fulfilled_at`)} end, ${NO_NUMBER}
    from obligations o join persons p on p.id = o.person_id where ${persons}
    union all
    select 'r', r.person_id, r.service_type, r.status, r.provider_id, ${NO_TEXT},
      case when r.sent_at is not null and r.accepted_at is not null then ${durationBucket(dialect, sql`r.sent_at`, sql`r.accepted_at`)} end,
      case when r.sent_at is not null and r.completed_at is not null then ${durationBucket(dialect, sql`r.sent_at`, sql`r.completed_at`)} end
    from referrals r join persons p on p.id = r.person_id where ${persons}
    union all
    select 'c', c.person_id, c.officer_id, ${NO_TEXT}, ${NO_TEXT}, ${NO_TEXT}, ${NO_NUMBER}, ${NO_NUMBER}
    from cases c join persons p on p.id = c.person_id where c.stage <> 'closed' and c.officer_id is not null and ${persons}
    union all
    select 'd', d.person_id, d.until, ${NO_TEXT}, ${NO_TEXT}, ${NO_TEXT}, ${NO_NUMBER}, ${NO_NUMBER}
    from detentions d join persons p on p.id = d.person_id where ${persons}
    union all
    select 'g', g.person_id, g.action, ${NO_TEXT}, ${NO_TEXT}, ${NO_TEXT}, ${NO_NUMBER}, ${NO_NUMBER}
    from guard_overrides g join persons p on p.id = g.person_id where ${persons}`.execute(q);

  const observed = new Map<string, Set<string>>();
  for (const r of facts.rows) {
    const share = shares.get(r.id);
    if (!share) continue;
    switch (r.kind) {
      case 's': {
        // The substring test of observedIndicatorCounts, so a malformed list counts the same way.
        const set = observed.get(r.id) ?? new Set<string>();
        for (const code of OBSERVED_INDICATORS) if (r.a !== null && r.a.includes(`"${code}"`)) set.add(code);
        observed.set(r.id, set);
        break;
      }
      case 'o': {
        const [code, status, dueBy, fulfilledAt] = [r.a!, r.b!, r.c, r.d];
        // The outcome columns of obligationRows; 'open' is kept by the day it falls due, because
        // whether it is overdue depends on the moment the indicators are read.
        let outcome = 'other';
        let due = '';
        if (status === 'fulfilled') {
          // A standing obligation (no deadline) is never "in time": it is left out of every deadline measure.
          if (dueBy === null) outcome = 'standing';
          else if (fulfilledAt !== null && fulfilledAt <= dueBy) outcome = 'in_time';
          else if (fulfilledAt !== null && fulfilledAt > dueBy) outcome = 'late';
        } else if (status === 'open') {
          outcome = 'open';
          due = dueBy === null ? 'none' : dueBy.slice(0, 10);
        } else if (status === 'waived' || status === 'lapsed') outcome = status;
        add(share, 'obligations', code, outcome, due);
        if (r.x !== null) add(share, 'fulfil_hours', code, String(num(r.x)));
        break;
      }
      case 'r': {
        const [service, status, provider] = [r.a!, r.b!, r.c];
        if (status !== 'draft') add(share, 'referrals', service, status);
        if ((status === 'accepted' || status === 'in_progress') && provider !== null) add(share, 'provider_active', provider);
        if (r.x !== null) add(share, 'accept_hours', service, String(num(r.x)));
        if (r.y !== null) add(share, 'complete_hours', service, String(num(r.y)));
        break;
      }
      case 'c':
        add(share, 'caseload', r.a!);
        break;
      case 'd':
        add(share, 'detentions', ageGroup(ages.get(r.id) ?? null), r.a === null ? 'ongoing' : 'ended');
        break;
      case 'g':
        add(share, 'overrides', r.a!);
        break;
    }
  }
  for (const [id, codes] of observed) for (const code of codes) add(shares.get(id)!, 'observed', code);
  return shares;
}

/** What each encounter in scope contributes: itself, its dead and its missing. */
async function encounterShares(q: Queryable, scope: Scope): Promise<Map<string, Share>> {
  const rows = await sql<{ id: string; day: string; agency: string; type: string; dead: Num; missing: Num }>`
    select e.id as id, substr(e.occurred_at, 1, 10) as day, e.agency_id as agency, e.type as type, e.dead as dead, e.missing as missing
    from encounters e where ${idCondition(sql`e.id`, scope)}`.execute(q);
  const shares = new Map<string, Share>();
  for (const r of rows.rows) {
    const share: Share = { day: r.day, agency: r.agency, type: r.type, cells: new Map() };
    add(share, 'encounters');
    add(share, 'dead', '', '', '', '', num(r.dead) ?? 0);
    add(share, 'missing', '', '', '', '', num(r.missing) ?? 0);
    shares.set(r.id, share);
  }
  return shares;
}

function ledgerText(share: Share): string {
  return JSON.stringify([...share.cells.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, cell]) => cell));
}

/** Replaces the owners' ledger entries with `shares` and adds the difference to the cells. */
async function restate(q: Queryable, dialect: Dialect, prefix: 'p:' | 'e:', scope: Scope, shares: Map<string, Share>): Promise<void> {
  let ledgerQuery = q
    .selectFrom('stats_ledger')
    .selectAll()
    .where(
      'ids' in scope
          ? sql<boolean>`owner in (${sql.join(scope.ids.map((id) => prefix + id))})`
          : sql<boolean>`owner >= ${prefix + (scope.from ?? '')} and owner < ${scope.to === null ? `${prefix.slice(0, 1)};` : prefix + scope.to}`,
    );
  // Two transactions restating one person on PostgreSQL: the second waits here and then reads
  // the first one's ledger entry and rows, so neither difference is lost.
  if (dialect === 'postgres' && 'ids' in scope) ledgerQuery = ledgerQuery.forUpdate();
  const old = await ledgerQuery.execute();

  // One difference per cell of each table: the month cells and the day cells move together.
  const delta = new Map<string, [string, string, string, string, string, string, string, string, number]>();
  const change = (share: { day: string; agency_id: string; encounter_type: string }, cell: Cell, sign: 1 | -1) => {
    const n = sign * cell[5];
    for (const period of [share.day.slice(0, 7), share.day]) {
      const k = key(period, cell[0], share.agency_id, share.encounter_type, cell[1], cell[2], cell[3], cell[4]);
      const entry = delta.get(k);
      if (entry) entry[8] += n;
      else delta.set(k, [period, cell[0], share.agency_id, share.encounter_type, cell[1], cell[2], cell[3], cell[4], n]);
    }
  };
  const oldByOwner = new Map(old.map((row) => [row.owner, row]));
  for (const row of old) {
    for (const cell of JSON.parse(row.cells) as Cell[]) change(row, cell, -1);
  }
  const upserts: { owner: string; day: string; agency_id: string; encounter_type: string; cells: string }[] = [];
  for (const [id, share] of shares) {
    const owner = prefix + id;
    const text = ledgerText(share);
    const previous = oldByOwner.get(owner);
    if (previous && previous.cells === text && previous.day === share.day && previous.agency_id === share.agency && previous.encounter_type === share.type) {
      // Unchanged: undo the subtraction above rather than write anything.
      for (const cell of share.cells.values()) change(previous, cell, 1);
      continue;
    }
    for (const cell of share.cells.values()) change({ day: share.day, agency_id: share.agency, encounter_type: share.type }, cell, 1);
    upserts.push({ owner, day: share.day, agency_id: share.agency, encounter_type: share.type, cells: text });
  }
  const gone = old.filter((row) => !shares.has(row.owner.slice(2))).map((row) => row.owner);

  // In key order, month cells before day cells, so two transactions never wait on each other's
  // cells in opposite orders.
  const changes = [...delta.entries()].filter(([, d]) => d[8] !== 0).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const monthly = changes.filter(([, d]) => d[0].length === 7);
  const daily = changes.filter(([, d]) => d[0].length !== 7);
  for (let i = 0; i < monthly.length; i += WRITE_CHUNK) {
    const values = monthly.slice(i, i + WRITE_CHUNK).map(([, [month, measure, agency_id, encounter_type, k1, k2, k3, k4, n]]) => ({ measure, month, agency_id, encounter_type, k1, k2, k3, k4, n }));
    await q
      .insertInto('stats_cells')
      .values(values)
      .onConflict((oc) => oc.columns(['measure', 'month', 'agency_id', 'encounter_type', 'k1', 'k2', 'k3', 'k4']).doUpdateSet({ n: sql`stats_cells.n + excluded.n` }))
      .execute();
  }
  for (let i = 0; i < daily.length; i += WRITE_CHUNK) {
    const values = daily.slice(i, i + WRITE_CHUNK).map(([, [day, measure, agency_id, encounter_type, k1, k2, k3, k4, n]]) => ({ day, agency_id, encounter_type, measure, k1, k2, k3, k4, n }));
    await q
      .insertInto('stats_day_cells')
      .values(values)
      .onConflict((oc) => oc.columns(['day', 'agency_id', 'encounter_type', 'measure', 'k1', 'k2', 'k3', 'k4']).doUpdateSet({ n: sql`stats_day_cells.n + excluded.n` }))
      .execute();
  }
  upserts.sort((a, b) => (a.owner < b.owner ? -1 : 1));
  for (let i = 0; i < upserts.length; i += WRITE_CHUNK) {
    await q
      .insertInto('stats_ledger')
      .values(upserts.slice(i, i + WRITE_CHUNK))
      .onConflict((oc) =>
        oc.column('owner').doUpdateSet({
          day: sql`excluded.day`,
          agency_id: sql`excluded.agency_id`,
          encounter_type: sql`excluded.encounter_type`,
          cells: sql`excluded.cells`,
        }),
      )
      .execute();
  }
  for (let i = 0; i < gone.length; i += ID_CHUNK) await q.deleteFrom('stats_ledger').where('owner', 'in', gone.slice(i, i + ID_CHUNK)).execute();
}

/**
 * Counts these persons again (after a change to anything the indicators read about them: the
 * person, their case, screenings, obligations, referrals, detentions, guard overrides). Call it
 * in the transaction of the change.
 */
export async function restatePersonStats(q: Queryable, personIds: readonly string[]): Promise<void> {
  const dialect = dialectOf(q);
  const unique = [...new Set(personIds)].sort();
  for (let i = 0; i < unique.length; i += ID_CHUNK) {
    const scope = { ids: unique.slice(i, i + ID_CHUNK) };
    await restate(q, dialect, 'p:', scope, await personShares(q, dialect, scope));
  }
}

/** Counts these encounters again, and every person met in them (their month, agency or type may have changed). */
export async function restateEncounterStats(q: Queryable, encounterIds: readonly string[]): Promise<void> {
  const dialect = dialectOf(q);
  const unique = [...new Set(encounterIds)].sort();
  for (let i = 0; i < unique.length; i += ID_CHUNK) {
    const scope = { ids: unique.slice(i, i + ID_CHUNK) };
    await restate(q, dialect, 'e:', scope, await encounterShares(q, scope));
    await restatePersonStats(q, await personsMetIn(q, scope.ids));
  }
}

/** Persons or encounters counted per step of a full recount, so it never holds a million rows at once. */
const RECOUNT_PAGE = 20_000;

/**
 * Id ranges of about RECOUNT_PAGE rows each, taken from the ids themselves: time-ordered ids share
 * their first characters, so a split by character would put nearly everything in one range. The
 * first and last ranges are open, so ledger entries of owners no longer stored are covered too.
 */
async function idRanges(db: Queryable, table: 'persons' | 'encounters', pageSize: number): Promise<{ from: string | null; to: string | null }[]> {
  const bounds: (string | null)[] = [null];
  for (;;) {
    const from = bounds[bounds.length - 1]!;
    let next = db.selectFrom(table).select('id').orderBy('id').limit(1).offset(pageSize);
    if (from !== null) next = next.where('id', '>=', from);
    const row = await next.executeTakeFirst();
    if (!row) break;
    bounds.push(row.id);
  }
  bounds.push(null);
  return bounds.slice(1).map((to, i) => ({ from: bounds[i]!, to }));
}

export interface RecountOptions {
  /** Told after each page: `done` of `of` pages counted. */
  progress?: (done: number, of: number) => void;
  pageSize?: number;
}

/**
 * Counts every person and encounter again, page by page (a repair if the cells were ever in doubt
 * of the ledger, the catch-up after a rule change, the bench's load), each page a unit of the
 * statistics' system store: a running server's writes go on between pages, and on PostgreSQL a
 * page holds the ledger against the restates of concurrent writes (their SELECT ... FOR UPDATE
 * waits), which therefore read the ledger the page leaves.
 */
export async function restateAllStats(platform: Platform, options: RecountOptions = {}): Promise<void> {
  const { progress, pageSize = RECOUNT_PAGE } = options;
  const { db, dialect } = platform.database;
  const stats = systemStore(platform, 'stats');
  const encounterRanges = await idRanges(db, 'encounters', pageSize);
  const personRanges = await idRanges(db, 'persons', pageSize);
  const steps = encounterRanges.length + personRanges.length;
  const page = (work: (q: Queryable) => Promise<void>) =>
    stats.unit(async (unit) => {
      if (dialect === 'postgres') await sql`lock table stats_ledger in exclusive mode`.execute(unit.db);
      await work(unit.db);
    });
  let done = 0;
  for (const scope of encounterRanges) {
    await page(async (q) => restate(q, dialect, 'e:', scope, await encounterShares(q, scope)));
    progress?.(++done, steps);
  }
  for (const scope of personRanges) {
    await page(async (q) => restate(q, dialect, 'p:', scope, await personShares(q, dialect, scope)));
    progress?.(++done, steps);
  }
}

/**
 * The version of the counting rules above. Raise it with any change to what a share holds: every
 * server then counts again when it starts (countStatsIfBehind), and the ledger makes that recount
 * move each cell by exactly the difference between the old rules and the new.
 */
export const STATS_ROLLUP_VERSION = '3';
const VERSION_KEY = 'stats_rollups';

/**
 * Counts everything again (restateAllStats) and records that the rollups follow the rules of this
 * version. With `rebuild` the cells and the ledger are emptied first (one transaction), for when
 * the cells no longer agree with the ledger; writes meanwhile stay exact, as a share missing from
 * the ledger is added whole.
 */
export async function recountStats(platform: Platform, options: RecountOptions & { rebuild?: boolean } = {}): Promise<void> {
  if (options.rebuild) await systemStore(platform, 'stats').unit((unit) => emptyRollups(unit.db));
  await restateAllStats(platform, options);
  await platform.database.db
    .insertInto('meta')
    .values({ key: VERSION_KEY, value: STATS_ROLLUP_VERSION })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: STATS_ROLLUP_VERSION }))
    .execute();
}

/**
 * At start: counts the case files into the rollups if they were counted by other rules or never
 * (a database from before the rollups, or the day cells of migration 010). Returns whether it did.
 */
export async function countStatsIfBehind(platform: Platform, options: RecountOptions & { onStart?: () => void } = {}): Promise<boolean> {
  const row = await platform.database.db.selectFrom('meta').select('value').where('key', '=', VERSION_KEY).executeTakeFirst();
  if (row?.value === STATS_ROLLUP_VERSION) return false;
  options.onStart?.();
  await recountStats(platform, options);
  return true;
}
