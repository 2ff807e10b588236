import { sql, type RawBuilder } from 'kysely';
import { OBSERVED_INDICATORS, type EncounterType } from '@haven/core';
import type { Dialect, Queryable } from '../../platform/db/database.js';

// The indicator queries. One SQL text runs on both engines; the only dialect
// fragment is the difference of two RFC 3339 timestamps in hours (hoursBetween). Every query
// returns counts grouped by codes — never a name, never free text — and the service suppresses
// them before anything leaves the server. Besides hoursBetween, the substring test of
// observedIndicatorCounts is the other fragment written per engine.

/** Which population the indicators describe: persons met in encounters matching all of these. */
export interface StatsFilter {
  /** Encounters at or after this instant (RFC 3339). */
  from?: string | undefined;
  /** Encounters before this instant (RFC 3339). */
  to?: string | undefined;
  /** The area of the agency responsible for the encounter. */
  area?: string | undefined;
  /** The agency responsible for the encounter. */
  agencyId?: string | undefined;
  encounterType?: EncounterType | undefined;
}

/**
 * A filter narrowed to encounters of the months `monthFrom`..`monthTo` (YYYY-MM, inclusive, the
 * first seven characters of occurred_at) or of the days `dayFrom`..`dayTo` (YYYY-MM-DD, the first
 * ten): how the rollups' months, their days and the direct reading of the days a period's bounds
 * cut divide one population without overlap.
 */
export interface SliceFilter extends StatsFilter {
  monthFrom?: string | undefined;
  monthTo?: string | undefined;
  dayFrom?: string | undefined;
  dayTo?: string | undefined;
}

/** The month after `month` (YYYY-MM). */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${String(y + 1).padStart(4, '0')}-01` : `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}`;
}

/** The month before `month` (YYYY-MM). */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${String(y - 1).padStart(4, '0')}-12` : `${String(y).padStart(4, '0')}-${String(m - 1).padStart(2, '0')}`;
}

const DAY_MS = 86_400_000;

/** The day `days` days after `day` (YYYY-MM-DD; negative: before). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Conditions on the encounter `e` (and its agency `a` when an area is asked). */
function encounterConditions(filter: SliceFilter): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`1 = 1`];
  // The range is what an index can use; the prefix test is what makes the slice exact.
  if (filter.monthFrom) parts.push(sql`e.occurred_at >= ${filter.monthFrom}`, sql`substr(e.occurred_at, 1, 7) >= ${filter.monthFrom}`);
  if (filter.monthTo) parts.push(sql`e.occurred_at < ${nextMonth(filter.monthTo)}`, sql`substr(e.occurred_at, 1, 7) <= ${filter.monthTo}`);
  if (filter.dayFrom) parts.push(sql`e.occurred_at >= ${filter.dayFrom}`, sql`substr(e.occurred_at, 1, 10) >= ${filter.dayFrom}`);
  if (filter.dayTo) parts.push(sql`e.occurred_at < ${addDays(filter.dayTo, 1)}`, sql`substr(e.occurred_at, 1, 10) <= ${filter.dayTo}`);
  if (filter.from) parts.push(sql`e.occurred_at >= ${filter.from}`);
  if (filter.to) parts.push(sql`e.occurred_at < ${filter.to}`);
  if (filter.agencyId) parts.push(sql`e.agency_id = ${filter.agencyId}`);
  if (filter.encounterType) parts.push(sql`e.type = ${filter.encounterType}`);
  if (filter.area) parts.push(sql`e.agency_id in (select a.id from agencies a where a.area = ${filter.area})`);
  return sql.join(parts, sql` and `);
}

/** Persons `p` of the filtered encounters `e`. */
function cohort(filter: SliceFilter): RawBuilder<unknown> {
  return sql`persons p join encounters e on e.id = p.encounter_id where ${encounterConditions(filter)}`;
}

/**
 * Age in whole years at the encounter: from the birth date when known, else the age claimed. The
 * date is encrypted; the persons feature keeps the age it gives at the encounter beside it
 * (age_at_encounter, null without a date) wherever the date or the encounter's time is written.
 */
export const AGE = sql`coalesce(p.age_at_encounter, p.age_claimed)`;

export const AGE_BANDS = ['0-4', '5-11', '12-17', '18-24', '25-59', '60+', 'unknown'] as const;
/** The band of an age, as AGE_BAND says it in SQL. */
export function ageBand(age: number | null): (typeof AGE_BANDS)[number] {
  if (age === null) return 'unknown';
  return age < 5 ? '0-4' : age < 12 ? '5-11' : age < 18 ? '12-17' : age < 25 ? '18-24' : age < 60 ? '25-59' : '60+';
}

/** The age group detentions are counted by, as detentionRows says it in SQL. */
export function ageGroup(age: number | null): 'child' | 'adult' | 'unknown' {
  return age === null ? 'unknown' : age < 18 ? 'child' : 'adult';
}

/** The band of an `age` column computed by an inner query. */
const AGE_BAND = sql`case when age is null then 'unknown' when age < 5 then '0-4' when age < 12 then '5-11'
  when age < 18 then '12-17' when age < 25 then '18-24' when age < 60 then '25-59' else '60+' end`;

/** Hours from a to b (RFC 3339 text columns). */
export function hoursBetween(dialect: Dialect, a: RawBuilder<unknown>, b: RawBuilder<unknown>): RawBuilder<unknown> {
  return dialect === 'postgres'
    ? sql`(extract(epoch from (cast(${b} as timestamptz) - cast(${a} as timestamptz))) / 3600.0)`
    : sql`((julianday(${b}) - julianday(${a})) * 24.0)`;
}

/**
 * Durations are kept for medians as counts per bucket (medians computable from rollups):
 * 60-minute buckets under 48 hours, 6-hour buckets under 14 days, days beyond (and the same below
 * zero). A bucket is named by its lower bound in minutes; a median read from buckets is the middle
 * of its bucket, so it is within 30 minutes of the exact median under 48 hours, within 3 hours
 * under 14 days and within 12 hours beyond.
 */
export function durationBucket(dialect: Dialect, a: RawBuilder<unknown>, b: RawBuilder<unknown>): RawBuilder<unknown> {
  const minutes = sql`(${hoursBetween(dialect, a, b)} * 60.0)`;
  return sql`cast(case when ${minutes} >= -2880 and ${minutes} < 2880 then floor(${minutes} / 60.0) * 60
    when ${minutes} >= -20160 and ${minutes} < 20160 then floor(${minutes} / 360.0) * 360
    else floor(${minutes} / 1440.0) * 1440 end as integer)`;
}

/** The width in minutes of the bucket whose lower bound is `lower`. */
export function bucketWidth(lower: number): number {
  return lower >= -2880 && lower < 2880 ? 60 : lower >= -20160 && lower < 20160 ? 360 : 1440;
}

/** How far a median read from buckets may be from the exact one, in hours, around `hours`. */
export function medianPrecision(hours: number): number {
  return bucketWidth(Math.floor(hours * 60)) / 120;
}

/** Counts per bucket, per group. */
export type Histograms = Map<string, Map<number, number>>;

export function addHistograms(into: Histograms, from: Histograms): Histograms {
  for (const [grp, buckets] of from) {
    const target = into.get(grp) ?? new Map<number, number>();
    for (const [bucket, n] of buckets) target.set(bucket, (target.get(bucket) ?? 0) + n);
    into.set(grp, target);
  }
  return into;
}

/** The median per group from its buckets, ranked as `medians` ranks values (the two middle ones averaged). */
export function histogramMedians(histograms: Histograms): Map<string, { median: number; n: number }> {
  const result = new Map<string, { median: number; n: number }>();
  for (const [grp, buckets] of histograms) {
    const sorted = [...buckets].filter(([, n]) => n !== 0).sort((a, b) => a[0] - b[0]);
    const n = sorted.reduce((total, [, count]) => total + count, 0);
    if (n === 0) continue;
    const at = (rank: number) => {
      let seen = 0;
      for (const [lower, count] of sorted) {
        seen += count;
        if (seen >= rank) return (lower + bucketWidth(lower) / 2) / 60;
      }
      throw new Error('rank beyond the histogram');
    };
    result.set(grp, { median: (at(Math.floor((n + 1) / 2)) + at(Math.floor((n + 2) / 2))) / 2, n });
  }
  return result;
}

async function histograms(db: Queryable, rows: RawBuilder<unknown>): Promise<Histograms> {
  const result = await sql<{ grp: string; bucket: number | string; n: number | string }>`
    select grp, bucket, count(*) as n from (${rows}) source where bucket is not null group by grp, bucket`.execute(db);
  const out: Histograms = new Map();
  for (const r of result.rows) {
    const buckets = out.get(r.grp) ?? new Map<number, number>();
    buckets.set(Number(r.bucket), Number(r.n));
    out.set(r.grp, buckets);
  }
  return out;
}

/** Hours from arising to fulfilment per obligation code, in buckets. */
export function obligationFulfilmentHistograms(db: Queryable, dialect: Dialect, filter: SliceFilter): Promise<Histograms> {
  return histograms(
    db,
    sql`select o.code as grp, ${durationBucket(dialect, sql`o.created_at`, sql`o.fulfilled_at`)} as bucket
      from obligations o join persons p on p.id = o.person_id join encounters e on e.id = p.encounter_id
      where o.status = 'fulfilled' and o.due_by is not null and ${encounterConditions(filter)}`,
  );
}

/** Hours from sending to acceptance, or to completion, per service type, in buckets. */
export function referralHistograms(db: Queryable, dialect: Dialect, filter: SliceFilter, until: 'accepted_at' | 'completed_at'): Promise<Histograms> {
  return histograms(
    db,
    sql`select r.service_type as grp, ${durationBucket(dialect, sql`r.sent_at`, sql.ref(`r.${until}`))} as bucket
      from referrals r join persons p on p.id = r.person_id join encounters e on e.id = p.encounter_id
      where r.sent_at is not null and ${sql.ref(`r.${until}`)} is not null and ${encounterConditions(filter)}`,
  );
}

/**
 * Open obligations falling due on `day` (YYYY-MM-DD), by code: overdue if due before `now`. The
 * rollups keep open obligations by the day they fall due; only the current day needs the instant.
 */
export async function openObligationsDueOn(db: Queryable, filter: SliceFilter, day: string, now: string): Promise<Map<string, { overdue: number; open: number }>> {
  const result = await sql<{ code: string; overdue: number | string; open: number | string }>`
    select o.code as code, sum(case when o.due_by < ${now} then 1 else 0 end) as overdue, sum(case when o.due_by < ${now} then 0 else 1 end) as open
    from obligations o join persons p on p.id = o.person_id join encounters e on e.id = p.encounter_id
    where o.due_by >= ${day} and o.due_by < ${`${day}~`} and substr(o.due_by, 1, 10) = ${day} and o.status = 'open' and ${encounterConditions(filter)}
    group by o.code`.execute(db);
  return new Map(result.rows.map((r) => [r.code, { overdue: Number(r.overdue), open: Number(r.open) }]));
}

/** Codes sharing one escalation limit, and the instant before which their deadline means missed. */
export interface MissedCutoff {
  codes: readonly string[];
  dueBefore: string;
}

function missedConditions(cutoffs: readonly MissedCutoff[], sameDay: boolean): RawBuilder<unknown> {
  const each = cutoffs
    .filter((cutoff) => cutoff.codes.length > 0)
    .map((cutoff) => {
      const day = cutoff.dueBefore.slice(0, 10);
      const onDay = sameDay ? sql` and o.due_by >= ${day} and substr(o.due_by, 1, 10) = ${day}` : sql``;
      return sql`(o.code in (${sql.join([...cutoff.codes])}) and o.due_by < ${cutoff.dueBefore}${onDay})`;
    });
  return each.length === 0 ? sql`1 = 0` : sql`(${sql.join(each, sql` or `)})`;
}

/**
 * Obligations missed, by code: open and overdue beyond the profile's escalation limit (deadline
 * before now − limit), counted like the overdue column whatever the case's stage.
 */
export async function missedObligationRows(db: Queryable, filter: SliceFilter, cutoffs: readonly MissedCutoff[]): Promise<Map<string, number>> {
  const result = await sql<{ code: string; n: number | string }>`
    select o.code as code, count(*) as n
    from obligations o join persons p on p.id = o.person_id join encounters e on e.id = p.encounter_id
    where o.status = 'open' and ${missedConditions(cutoffs, false)} and ${encounterConditions(filter)}
    group by o.code`.execute(db);
  return new Map(result.rows.map((r) => [r.code, Number(r.n)]));
}

/**
 * Obligations missed whose deadline falls on the day of their code's cut-off: the rollups keep
 * open obligations by the day they fall due, so only that day needs the instant.
 */
export async function missedObligationsOnCutoffDays(db: Queryable, filter: SliceFilter, cutoffs: readonly MissedCutoff[]): Promise<Map<string, number>> {
  const result = await sql<{ code: string; n: number | string }>`
    select o.code as code, count(*) as n
    from obligations o join persons p on p.id = o.person_id join encounters e on e.id = p.encounter_id
    where o.status = 'open' and ${missedConditions(cutoffs, true)} and ${encounterConditions(filter)}
    group by o.code`.execute(db);
  return new Map(result.rows.map((r) => [r.code, Number(r.n)]));
}

/** A median with the two middle values it averages (one when the count is odd). */
export interface ExactMedian {
  median: number;
  n: number;
  low: number;
  high: number;
}

/** Median of `value` per `group` with window functions (both engines have them; neither has a portable median). */
async function medians(db: Queryable, rows: RawBuilder<unknown>): Promise<Map<string, ExactMedian>> {
  const result = await sql<{ grp: string; median: number | string; low: number | string; high: number | string; n: number | string }>`
    select grp, avg(value) as median, min(value) as low, max(value) as high, max(n) as n from (
      select grp, value, row_number() over (partition by grp order by value) as rn, count(*) over (partition by grp) as n
      from (${rows}) source
    ) ranked
    where rn in ((n + 1) / 2, (n + 2) / 2)
    group by grp`.execute(db);
  return new Map(result.rows.map((r) => [r.grp, { median: Number(r.median), n: Number(r.n), low: Number(r.low), high: Number(r.high) }]));
}

export interface ArrivalRow {
  month: string;
  encounterType: string;
  nationality: string | null;
  sex: string;
  ageBand: string;
  accompaniment: string | null;
  persons: number;
}

/**
 * Persons arrived, in the four views the report uses (each alone adds up to every person): the
 * report needs no more, and the rollups sum their cells to these in SQL, so a report over a
 * million cases hands the server's event loop a few hundred rows, not every combination.
 */
export interface ArrivalViews {
  byMonthAndType: { month: string; encounterType: string; persons: number }[];
  byNationality: { nationality: string | null; persons: number }[];
  byAgeBandAndSex: { ageBand: string; sex: string; persons: number }[];
  byAgeBandAndAccompaniment: { ageBand: string; accompaniment: string | null; persons: number }[];
}

/** Adds persons into the four views, one entry per combination. */
export function arrivalTally() {
  const maps = {
    byMonthAndType: new Map<string, ArrivalViews['byMonthAndType'][number]>(),
    byNationality: new Map<string, ArrivalViews['byNationality'][number]>(),
    byAgeBandAndSex: new Map<string, ArrivalViews['byAgeBandAndSex'][number]>(),
    byAgeBandAndAccompaniment: new Map<string, ArrivalViews['byAgeBandAndAccompaniment'][number]>(),
  };
  const bump = <T extends { persons: number }>(map: Map<string, T>, entry: Omit<T, 'persons'>, n: number) => {
    const k = JSON.stringify(entry);
    const existing = map.get(k);
    if (existing) existing.persons += n;
    else map.set(k, { ...entry, persons: n } as T);
  };
  const tally = {
    monthAndType: (month: string, encounterType: string, n: number) => bump(maps.byMonthAndType, { month, encounterType }, n),
    nationality: (nationality: string | null, n: number) => bump(maps.byNationality, { nationality }, n),
    ageBandAndSex: (ageBand: string, sex: string, n: number) => bump(maps.byAgeBandAndSex, { ageBand, sex }, n),
    ageBandAndAccompaniment: (ageBand: string, accompaniment: string | null, n: number) => bump(maps.byAgeBandAndAccompaniment, { ageBand, accompaniment }, n),
    row(a: ArrivalRow) {
      tally.monthAndType(a.month, a.encounterType, a.persons);
      tally.nationality(a.nationality, a.persons);
      tally.ageBandAndSex(a.ageBand, a.sex, a.persons);
      tally.ageBandAndAccompaniment(a.ageBand, a.accompaniment, a.persons);
    },
    views(): ArrivalViews {
      const nonzero = <T extends { persons: number }>(map: Map<string, T>) => [...map.values()].filter((e) => e.persons !== 0);
      return {
        byMonthAndType: nonzero(maps.byMonthAndType),
        byNationality: nonzero(maps.byNationality),
        byAgeBandAndSex: nonzero(maps.byAgeBandAndSex),
        byAgeBandAndAccompaniment: nonzero(maps.byAgeBandAndAccompaniment),
      };
    },
  };
  return tally;
}

/** The four views of arrivalRows. */
export async function arrivalViews(db: Queryable, filter: SliceFilter): Promise<ArrivalViews> {
  const tally = arrivalTally();
  for (const row of await arrivalRows(db, filter)) tally.row(row);
  return tally.views();
}

/** Persons by month, encounter type, nationality, sex, age band and accompaniment: every arrivals table comes from this one scan. */
export async function arrivalRows(db: Queryable, filter: SliceFilter): Promise<ArrivalRow[]> {
  const result = await sql<{ month: string; type: string; nationality: string | null; sex: string; band: string; accompaniment: string | null; n: number | string }>`
    select month, type, nationality, sex, ${AGE_BAND} as band, accompaniment, count(*) as n from (
      select substr(e.occurred_at, 1, 7) as month, e.type as type, p.nationality as nationality, p.sex as sex,
        ${AGE} as age, p.accompaniment as accompaniment
      from ${cohort(filter)}
    ) arrivals
    group by month, type, nationality, sex, band, accompaniment`.execute(db);
  return result.rows.map((r) => ({ month: r.month, encounterType: r.type, nationality: r.nationality, sex: r.sex, ageBand: r.band, accompaniment: r.accompaniment, persons: Number(r.n) }));
}

export interface EncounterRow {
  encounterType: string;
  encounters: number;
  dead: number;
  missing: number;
}

export async function encounterRows(db: Queryable, filter: SliceFilter): Promise<EncounterRow[]> {
  const result = await sql<{ type: string; n: number | string; dead: number | string | null; missing: number | string | null }>`
    select e.type as type, count(*) as n, sum(e.dead) as dead, sum(e.missing) as missing
    from encounters e where ${encounterConditions(filter)} group by e.type`.execute(db);
  return result.rows.map((r) => ({ encounterType: r.type, encounters: Number(r.n), dead: Number(r.dead ?? 0), missing: Number(r.missing ?? 0) }));
}

/** Persons with each observed indicator at any screening (the screening stores codes as a JSON list). */
export async function observedIndicatorCounts(db: Queryable, dialect: Dialect, filter: SliceFilter): Promise<Map<string, number>> {
  // A substring search, not LIKE: several times faster per row on both engines (the codes hold no wildcard).
  const contains = (needle: string) => (dialect === 'postgres' ? sql`strpos(s.indicators, ${needle}) > 0` : sql`instr(s.indicators, ${needle}) > 0`);
  const flags = OBSERVED_INDICATORS.map((code, i) => sql`max(case when ${contains(`"${code}"`)} then 1 else 0 end) as ${sql.ref(`i${i}`)}`);
  const sums = OBSERVED_INDICATORS.map((_, i) => sql`sum(${sql.ref(`i${i}`)}) as ${sql.ref(`i${i}`)}`);
  const result = await sql<Record<string, number | string | null>>`
    select ${sql.join(sums)} from (
      select s.person_id, ${sql.join(flags)}
      from screenings s join persons p on p.id = s.person_id join encounters e on e.id = p.encounter_id
      where ${encounterConditions(filter)}
      group by s.person_id
    ) per_person`.execute(db);
  const row = result.rows[0] ?? {};
  return new Map(OBSERVED_INDICATORS.map((code, i) => [code, Number(row[`i${i}`] ?? 0)]));
}

export interface ObligationRow {
  code: string;
  inTime: number;
  late: number;
  overdue: number;
  open: number;
  waived: number;
  lapsed: number;
}

export async function obligationRows(db: Queryable, filter: SliceFilter, now: string): Promise<ObligationRow[]> {
  const result = await sql<Record<string, number | string>>`
    select o.code as code,
      sum(case when o.status = 'fulfilled' and o.due_by is not null and o.fulfilled_at <= o.due_by then 1 else 0 end) as in_time,
      sum(case when o.status = 'fulfilled' and o.due_by is not null and o.fulfilled_at > o.due_by then 1 else 0 end) as late,
      sum(case when o.status = 'open' and o.due_by < ${now} then 1 else 0 end) as overdue,
      sum(case when o.status = 'open' and (o.due_by is null or o.due_by >= ${now}) then 1 else 0 end) as open,
      sum(case when o.status = 'waived' then 1 else 0 end) as waived,
      sum(case when o.status = 'lapsed' then 1 else 0 end) as lapsed
    from obligations o join persons p on p.id = o.person_id join encounters e on e.id = p.encounter_id
    where ${encounterConditions(filter)}
    group by o.code`.execute(db);
  return result.rows.map((r) => ({
    code: String(r.code),
    inTime: Number(r.in_time),
    late: Number(r.late),
    overdue: Number(r.overdue),
    open: Number(r.open),
    waived: Number(r.waived),
    lapsed: Number(r.lapsed),
  }));
}

/** Median hours from an obligation's arising to its fulfilment, per code (standing obligations, with no deadline, left out). */
export function obligationFulfilmentMedians(db: Queryable, dialect: Dialect, filter: SliceFilter): Promise<Map<string, ExactMedian>> {
  return medians(
    db,
    sql`select o.code as grp, ${hoursBetween(dialect, sql`o.created_at`, sql`o.fulfilled_at`)} as value
      from obligations o join persons p on p.id = o.person_id join encounters e on e.id = p.encounter_id
      where o.status = 'fulfilled' and o.due_by is not null and ${encounterConditions(filter)}`,
  );
}

export interface ReferralRow {
  service: string;
  status: string;
  referrals: number;
}

export async function referralRows(db: Queryable, filter: SliceFilter): Promise<ReferralRow[]> {
  const result = await sql<{ service: string; status: string; n: number | string }>`
    select r.service_type as service, r.status as status, count(*) as n
    from referrals r join persons p on p.id = r.person_id join encounters e on e.id = p.encounter_id
    where r.status <> 'draft' and ${encounterConditions(filter)}
    group by r.service_type, r.status`.execute(db);
  return result.rows.map((r) => ({ service: r.service, status: r.status, referrals: Number(r.n) }));
}

/** Median hours from sending to acceptance, or to completion, per service type. */
export function referralMedians(db: Queryable, dialect: Dialect, filter: SliceFilter, until: 'accepted_at' | 'completed_at'): Promise<Map<string, ExactMedian>> {
  return medians(
    db,
    sql`select r.service_type as grp, ${hoursBetween(dialect, sql`r.sent_at`, sql.ref(`r.${until}`))} as value
      from referrals r join persons p on p.id = r.person_id join encounters e on e.id = p.encounter_id
      where r.sent_at is not null and ${sql.ref(`r.${until}`)} is not null and ${encounterConditions(filter)}`,
  );
}

/** Open cases (not closed) per assigned officer; the officer is never named in what is published. */
export async function officerCaseloads(db: Queryable, filter: SliceFilter): Promise<number[]> {
  return [...(await caseloadsByOfficer(db, filter)).values()];
}

/** Open cases per assigned officer, by officer id (for adding slices together; never published). */
export async function caseloadsByOfficer(db: Queryable, filter: SliceFilter): Promise<Map<string, number>> {
  const result = await sql<{ officer: string; n: number | string }>`
    select c.officer_id as officer, count(*) as n from cases c join persons p on p.id = c.person_id join encounters e on e.id = p.encounter_id
    where c.stage <> 'closed' and c.officer_id is not null and ${encounterConditions(filter)}
    group by c.officer_id`.execute(db);
  return new Map(result.rows.map((r) => [r.officer, Number(r.n)]));
}

export interface ProviderLoad {
  providerId: string;
  name: string;
  capacity: number | null;
  active: number;
}

/** Referrals a provider is serving now (accepted or in progress) beside the capacity it declared. */
export async function providerLoads(db: Queryable, filter: SliceFilter): Promise<ProviderLoad[]> {
  const result = await sql<{ id: string; name: string; capacity: number | null; n: number | string | null }>`
    select sp.id as id, sp.name as name, sp.capacity as capacity, coalesce(active.n, 0) as n
    from service_providers sp left join (
      select r.provider_id as provider_id, count(*) as n
      from referrals r join persons p on p.id = r.person_id join encounters e on e.id = p.encounter_id
      where r.status in ('accepted', 'in_progress') and ${encounterConditions(filter)}
      group by r.provider_id
    ) active on active.provider_id = sp.id
    order by sp.name, sp.id`.execute(db);
  return result.rows.map((r) => ({ providerId: r.id, name: r.name, capacity: r.capacity === null ? null : Number(r.capacity), active: Number(r.n ?? 0) }));
}

export interface DetentionRow {
  ageGroup: 'child' | 'adult' | 'unknown';
  ongoing: number;
  ended: number;
}

export async function detentionRows(db: Queryable, filter: SliceFilter): Promise<DetentionRow[]> {
  const result = await sql<{ grp: 'child' | 'adult' | 'unknown'; ongoing: number | string; ended: number | string }>`
    select grp, sum(case when until is null then 1 else 0 end) as ongoing, sum(case when until is null then 0 else 1 end) as ended from (
      select case when age is null then 'unknown' when age < 18 then 'child' else 'adult' end as grp, until from (
        select ${AGE} as age, d.until as until
        from detentions d join persons p on p.id = d.person_id join encounters e on e.id = p.encounter_id
        where ${encounterConditions(filter)}
      ) aged
    ) held group by grp`.execute(db);
  return result.rows.map((r) => ({ ageGroup: r.grp, ongoing: Number(r.ongoing), ended: Number(r.ended) }));
}

export async function guardOverrideRows(db: Queryable, filter: SliceFilter): Promise<Map<string, number>> {
  const result = await sql<{ action: string; n: number | string }>`
    select g.action as action, count(*) as n
    from guard_overrides g join persons p on p.id = g.person_id join encounters e on e.id = p.encounter_id
    where ${encounterConditions(filter)} group by g.action`.execute(db);
  return new Map(result.rows.map((r) => [r.action, Number(r.n)]));
}

/**
 * Allegations of failure to assist by status. They may be anonymous and name no person, so only
 * the period applies (when they were filed), not the encounter filters.
 */
export async function allegationRows(db: Queryable, filter: SliceFilter): Promise<Map<string, number>> {
  const parts: RawBuilder<unknown>[] = [sql`1 = 1`];
  if (filter.from) parts.push(sql`created_at >= ${filter.from}`);
  if (filter.to) parts.push(sql`created_at < ${filter.to}`);
  const result = await sql<{ status: string; n: number | string }>`
    select status, count(*) as n from allegations where ${sql.join(parts, sql` and `)} group by status`.execute(db);
  return new Map(result.rows.map((r) => [r.status, Number(r.n)]));
}

/** The persons met in these encounters. */
export async function personsMetIn(q: Queryable, encounterIds: readonly string[]): Promise<string[]> {
  const rows = await q.selectFrom('persons').select('id').where('encounter_id', 'in', [...encounterIds]).execute();
  return rows.map((p) => p.id);
}

/** Empties the cells and the ledger (a rebuild counts everything into them again). */
export async function emptyRollups(q: Queryable): Promise<void> {
  await q.deleteFrom('stats_ledger').execute();
  await q.deleteFrom('stats_cells').execute();
  await q.deleteFrom('stats_day_cells').execute();
}

/** Service gaps recorded for the persons of the filtered encounters, by service type and area (no service available there). */
export async function serviceGapCounts(db: Queryable, filter: SliceFilter): Promise<{ service: string; area: string; gaps: number }[]> {
  const result = await sql<{ service: string; area: string; n: number | string }>`
    select g.service_type as service, g.area as area, count(*) as n
    from service_gaps g join ${cohortOf(sql`g.person_id`, filter)}
    group by g.service_type, g.area`.execute(db);
  return result.rows.map((r) => ({ service: r.service, area: r.area, gaps: Number(r.n) }));
}

function cohortOf(personId: RawBuilder<unknown>, filter: SliceFilter): RawBuilder<unknown> {
  return sql`persons p on p.id = ${personId} join encounters e on e.id = p.encounter_id where ${encounterConditions(filter)}`;
}

/** Handovers from one agency to another, by how they were taken up (agencies by name: no person is named). */
export interface HandoverRow {
  from: string;
  to: string;
  inTime: number;
  late: number;
  /** Not taken up, past the deadline at the instant the report runs. */
  overdue: number;
  /** Not taken up, still within the deadline. */
  awaiting: number;
}

/**
 * Handovers of the persons of the filtered encounters, read from the rows at `now` (whether one is
 * overdue depends on the instant): both readers take this one, as they do the allegations.
 */
export async function handoverRows(db: Queryable, filter: SliceFilter, now: string): Promise<HandoverRow[]> {
  const result = await sql<{ from_name: string; to_name: string; in_time: number | string; late: number | string; overdue: number | string; awaiting: number | string }>`
    select fa.name as from_name, ta.name as to_name,
      sum(case when h.taken_up_at is not null and h.taken_up_at <= h.take_up_by then 1 else 0 end) as in_time,
      sum(case when h.taken_up_at is not null and h.taken_up_at > h.take_up_by then 1 else 0 end) as late,
      sum(case when h.taken_up_at is null and h.take_up_by < ${now} then 1 else 0 end) as overdue,
      sum(case when h.taken_up_at is null and h.take_up_by >= ${now} then 1 else 0 end) as awaiting
    from handovers h join agencies fa on fa.id = h.from_agency_id join agencies ta on ta.id = h.to_agency_id
      join persons p on p.id = h.person_id join encounters e on e.id = p.encounter_id
    where ${encounterConditions(filter)}
    group by fa.name, ta.name
    order by fa.name, ta.name`.execute(db);
  return result.rows.map((r) => ({ from: r.from_name, to: r.to_name, inTime: Number(r.in_time), late: Number(r.late), overdue: Number(r.overdue), awaiting: Number(r.awaiting) }));
}
