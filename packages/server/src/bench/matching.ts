import { randomUUID } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { matchPersons, pairwiseQuality, preparePerson, syntheticPersons, syntheticTruth, type SyntheticPerson } from '@haven/core';
import { candidatePersonIds, countMatchKeys, storedMatchKeys } from '../features/duplicates/store.js';
import { birthDateColumns } from '../features/persons/birth-date.js';
import { placeOf } from '../platform/crypto/cipher.js';
import { createAgency, createUser } from '../features/identity/accounts.js';
import { systemStore } from '../store/system-store.js';
import type { Platform } from '../platform/context.js';
import type { BenchFigure, Benchmark } from './types.js';
import { openBenchPlatform } from './store.js';

const BATCH_PEOPLE = 55_000; // ≈ 100,000 records (a share of people registered more than once)
const BATCH_RECORDS = 100_000;
const STORED_PEOPLE = Number(process.env.HAVEN_BENCH_MATCH_STORED ?? 560_000); // ≈ 1,000,000 records
const STORED_RECORDS = 1_000_000;
const SEARCHES = 300;
/** Which parts to run (all by default): "batch", "sqlite", "postgres", comma-separated. */
const PARTS = new Set((process.env.HAVEN_BENCH_MATCH_PARTS ?? 'batch,sqlite,postgres').split(',').map((part) => part.trim()));
const INSERT_CHUNK = 20_000;

/** Peak resident memory of this process so far, in MiB. */
function peakMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** The machine's 1-minute load average now: the machine is shared, and figures mean little without it. */
function loadNow(): string {
  return os.loadavg()[0]!.toFixed(2);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function batchFigures(): Promise<BenchFigure[]> {
  const set = syntheticPersons({ seed: 20261128, people: BATCH_PEOPLE }).slice(0, BATCH_RECORDS);
  const records = set.map((s) => s.record);
  const started = performance.now();
  const pairs = matchPersons(records);
  const seconds = (performance.now() - started) / 1000;
  const quality = pairwiseQuality(pairs, syntheticTruth(set));
  return [
    { figure: `batch matching, ${records.length.toLocaleString('en')} synthetic records (haven match)`, target: '≤ 60 s', measured: `${seconds.toFixed(1)} s, peak RSS ${peakMiB()} MiB; 1-min load ${loadNow()}` },
    {
      figure: 'batch matching quality on that synthetic set (syllable names, 7 scripts/traditions)',
      target: '—',
      measured: `F1 ${quality.f1.toFixed(3)} (precision ${quality.precision.toFixed(3)}, recall ${quality.recall.toFixed(3)})`,
    },
  ];
}

interface Store {
  platform: Platform;
  agencyId: string;
  userId: string;
  cleanup(): Promise<void>;
}

async function openStore(kind: 'sqlite' | 'postgres'): Promise<Store> {
  const { platform, cleanup } = await openBenchPlatform(kind, 4);
  const bench = systemStore(platform, 'bench');
  const agency = await bench.unit((unit) => createAgency(unit.db, (event) => unit.record(event), { name: 'Bench matching', type: 'government' }, platform.clock()));
  const user = await bench.unit((unit) =>
    createUser(unit.db, (event) => unit.record(event), { agencyId: agency.id, username: 'bench.matching', displayName: 'Bench', role: 'protection_officer', password: 'bench-passphrase-2026', mustChangePassword: false }, platform.clock()),
  );
  return {
    platform,
    agencyId: agency.id,
    userId: user.id,
    cleanup,
  };
}

/**
 * Stores only what candidate search reads: a person row with the values registration stores
 * beside the encrypted date of birth (sex, year of birth, the date's blind index, nationality; no
 * names: candidate search never decrypts), its case
 * in the bench agency (the search keeps to the persons the agency may see) and its blind-indexed
 * keys, derived exactly as registration derives them. Bulk statements, since a million
 * registrations through the API would take the whole bench budget.
 */
async function bulkStore(store: Store, set: readonly SyntheticPerson[], ids: string[]): Promise<void> {
  const { platform } = store;
  const at = platform.clock().toISOString();
  const sqlite = platform.database.sqlite;
  const insertPerson = sqlite?.prepare(
    `insert into persons (id, registering_agency_id, created_by, sex, birth_date_enc, birth_date_precision, birth_year, birth_date_index, nationality, languages, age_disputed, version, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', 0, 1, ?, ?)`,
  );
  const insertCase = sqlite?.prepare(
    `insert into cases (id, person_id, agency_id, officer_id, stage, consular_choice, asylum_claim, best_interests_determined, version, created_at, updated_at)
     values (?, ?, ?, ?, 'registered', 'not_asked', 'none', 0, 1, ?, ?)`,
  );
  const insertKey = sqlite?.prepare('insert or ignore into person_match_keys (key_index, person_id) values (?, ?)');
  // A page cache large enough for the whole key index while loading: the rows go in the order
  // registration would write them (scattered over the index), and with the default 2 MB cache
  // every insert re-reads pages from the file. The file and index built are the same either way;
  // the default is restored before searching, so searches run as a server would run them.
  const defaultCacheSize = sqlite?.pragma('cache_size', { simple: true });
  sqlite?.pragma('cache_size = -2097152');
  for (let start = 0; start < set.length; start += INSERT_CHUNK) {
    const chunk = set.slice(start, start + INSERT_CHUNK);
    const personIds: string[] = [];
    const caseIds: string[] = [];
    const sexes: string[] = [];
    const birthDates: (string | null)[] = [];
    const precisions: (string | null)[] = [];
    const birthYears: (number | null)[] = [];
    const birthIndexes: (string | null)[] = [];
    const nationalities: (string | null)[] = [];
    const keyIndexes: string[] = [];
    const keyPersons: string[] = [];
    for (const { record } of chunk) {
      const id = randomUUID();
      ids.push(id);
      personIds.push(id);
      caseIds.push(randomUUID());
      sexes.push(record.sex ?? 'unknown');
      birthDates.push(platform.cipher.encryptNullable(record.birthDate, placeOf('persons', 'birth_date_enc', id)));
      precisions.push(record.birthDatePrecision ?? null);
      const derived = birthDateColumns(platform.cipher, record.birthDate, record.birthDatePrecision, null);
      birthYears.push(derived.birth_year);
      birthIndexes.push(derived.birth_date_index);
      nationalities.push(record.nationality ?? null);
      for (const key of storedMatchKeys(platform.cipher, preparePerson({ ...record, id }))) {
        keyIndexes.push(key);
        keyPersons.push(id);
      }
    }
    if (sqlite && insertPerson && insertCase && insertKey) {
      sqlite.transaction(() => {
        personIds.forEach((id, i) => insertPerson.run(id, store.agencyId, store.userId, sexes[i], birthDates[i], precisions[i], birthYears[i], birthIndexes[i], nationalities[i], at, at));
        personIds.forEach((id, i) => insertCase.run(caseIds[i], id, store.agencyId, store.userId, at, at));
        keyIndexes.forEach((key, i) => insertKey.run(key, keyPersons[i]));
      })();
    } else {
      const pool = new pg.Client({ connectionString: dbUrlOf(platform) });
      await pool.connect();
      try {
        await pool.query('begin');
        await pool.query(
          `insert into persons (id, registering_agency_id, created_by, sex, birth_date_enc, birth_date_precision, birth_year, birth_date_index, nationality, languages, age_disputed, version, created_at, updated_at)
           select id, $2, $3, sex, birth_date_enc, birth_date_precision, birth_year, birth_date_index, nationality, '[]', 0, 1, $4, $4
           from unnest($1::text[], $5::text[], $6::text[], $7::text[], $8::integer[], $9::text[], $10::text[])
             as t(id, sex, birth_date_enc, birth_date_precision, birth_year, birth_date_index, nationality)`,
          [personIds, store.agencyId, store.userId, at, sexes, birthDates, precisions, birthYears, birthIndexes, nationalities],
        );
        await pool.query(
          `insert into cases (id, person_id, agency_id, officer_id, stage, consular_choice, asylum_claim, best_interests_determined, version, created_at, updated_at)
           select id, person_id, $3, $4, 'registered', 'not_asked', 'none', 0, 1, $5, $5 from unnest($1::text[], $2::text[]) as t(id, person_id)`,
          [caseIds, personIds, store.agencyId, store.userId, at],
        );
        await pool.query('insert into person_match_keys (key_index, person_id) select * from unnest($1::text[], $2::text[]) on conflict do nothing', [keyIndexes, keyPersons]);
        await pool.query('commit');
      } finally {
        await pool.end();
      }
    }
  }
  if (sqlite) sqlite.pragma(`cache_size = ${Number(defaultCacheSize)}`);
  if (!sqlite) {
    const pool = new pg.Client({ connectionString: dbUrlOf(platform) });
    await pool.connect();
    // What autovacuum does to a table after a bulk load (statistics, visibility map): measured
    // straight after loading, the searches would share the cores with it.
    await pool.query('vacuum analyze');
    await pool.end();
  }
}

function dbUrlOf(platform: Platform): string {
  return platform.config.db;
}

async function searchFigures(kind: 'sqlite' | 'postgres', set: readonly SyntheticPerson[]): Promise<BenchFigure[]> {
  const store = await openStore(kind);
  try {
    const ids: string[] = [];
    const loadStarted = performance.now();
    await bulkStore(store, set, ids);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const keyRows = await systemStore(store.platform, 'bench').unit((unit) => countMatchKeys(unit.db));
    const step = Math.floor(set.length / SEARCHES);
    const timings: number[] = [];
    let found = 0;
    let duplicates = 0;
    let duplicatesFound = 0;
    for (let i = 0; i < SEARCHES; i++) {
      const index = i * step;
      const query = preparePerson({ ...set[index]!.record, id: ids[index]! });
      const started = performance.now();
      const candidates = await candidatePersonIds(store.platform.database.db, store.platform.cipher, query, { agencyId: store.agencyId });
      timings.push(performance.now() - started);
      found += candidates.length;
      // The other registrations of the same person sit next to it in the synthetic set.
      for (let j = Math.max(0, index - 4); j <= Math.min(set.length - 1, index + 4); j++) {
        if (j === index || set[j]!.truthId !== set[index]!.truthId) continue;
        duplicates++;
        if (candidates.includes(ids[j]!)) duplicatesFound++;
      }
    }
    timings.sort((a, b) => a - b);
    return [
      {
        figure: `candidate search (blind-index keys, ranked by key rarity and plain date/sex/nationality, within the agency's scope → up to 50 candidates), ${set.length.toLocaleString('en')} persons stored, ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`,
        target: 'p95 ≤ 20 ms',
        measured: `p50 ${percentile(timings, 50).toFixed(1)} ms, p95 ${percentile(timings, 95).toFixed(1)} ms; 1-min load ${loadNow()} (${(found / SEARCHES).toFixed(1)} candidates per search, ${duplicatesFound} of ${duplicates} other registrations of the person among them; ${keyRows.toLocaleString('en')} key rows, loaded in ${loadSeconds.toFixed(0)} s)`,
      },
    ];
  } finally {
    await store.cleanup();
  }
}

export const matchingBenchmark: Benchmark = {
  name: 'matching',
  async run() {
    const figures = PARTS.has('batch') ? await batchFigures() : [];
    const stored = syntheticPersons({ seed: 20261129, people: STORED_PEOPLE }).slice(0, STORED_RECORDS);
    if (PARTS.has('sqlite')) figures.push(...(await searchFigures('sqlite', stored)));
    if (PARTS.has('postgres')) figures.push(...(await searchFigures('postgres', stored)));
    figures.push({ figure: 'peak memory of the matching bench (generation, batch, both stores)', target: '—', measured: `${peakMiB()} MiB RSS` });
    return figures;
  },
};
