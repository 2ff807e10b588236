import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ACCOMPANIMENTS,
  ASYLUM_CLAIM_STATES,
  BASELINE_PROFILE,
  CONSULAR_CHOICES,
  ENCOUNTER_TYPES,
  OBSERVED_INDICATORS,
  SEXES,
  assess,
  loadProfileText,
  parseAssessInput,
  type AssessInput,
  type Profile,
} from '@haven/core';
import type { BenchFigure, Benchmark } from './types.js';

// Throughput of the obligations engine on one core, over a varied, pre-generated set of
// screenings (a seeded generator, so every run assesses the same people).

/** Assessments per second the engine must sustain on one core. */
export const ENGINE_TARGET_PER_SECOND = 100_000;

/** A small deterministic generator (mulberry32), so the input set is the same in every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Varied screenings, as JSON documents: children and adults, detained or not, 0 to 6 indicators. */
export function generateScreenings(count: number, seed = 20260301): unknown[] {
  const random = seeded(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const nationalities = ['ER', 'SY', 'AF', 'IN', 'PH', 'NG', 'BD', 'GM', 'SD', 'IQ', 'VN', 'unknown'];
  const encounter = Date.parse('2026-03-01T00:00:00Z');
  const documents: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const encounteredMs = encounter + Math.floor(random() * 90 * 24) * 3_600_000;
    const indicators = new Set<string>();
    const indicatorCount = Math.floor(random() * 7);
    for (let k = 0; k < indicatorCount; k++) indicators.add(pick(OBSERVED_INDICATORS));
    const age = random() < 0.1 ? null : Math.floor(random() * 80);
    const detained = random() < 0.3;
    const sinceMs = encounteredMs + Math.floor(random() * 12) * 3_600_000;
    documents.push({
      encounteredAt: new Date(encounteredMs).toISOString().replace('.000Z', 'Z'),
      encounterType: pick(ENCOUNTER_TYPES),
      person: {
        sex: pick(SEXES),
        age,
        ageClaimed: random() < 0.5 ? Math.floor(random() * 40) : null,
        ageDisputed: random() < 0.15,
        accompaniment: pick(ACCOMPANIMENTS),
        nationality: pick(nationalities),
        languages: ['ar'],
      },
      indicators: [...indicators],
      ...(detained
        ? {
            detention: {
              since: new Date(sinceMs).toISOString(),
              until: random() < 0.3 ? new Date(sinceMs + 86_400_000).toISOString() : null,
            },
          }
        : {}),
      consular: pick(CONSULAR_CHOICES),
      asylumClaim: pick(ASYLUM_CLAIM_STATES),
      bestInterestsDetermined: random() < 0.3,
    });
  }
  return documents;
}

function validated(documents: readonly unknown[]): AssessInput[] {
  return documents.map((document, i) => {
    const parsed = parseAssessInput(document);
    if (!parsed.ok) throw new Error(`generated screening ${i} is invalid: ${JSON.stringify(parsed.issues)}`);
    return parsed.value;
  });
}

/**
 * Runs `work` over the items for about `durationMs`, in five rounds, and returns the median
 * operations per second of CPU time. CPU time, not wall time: on a shared machine the process
 * is not always running, and the figure is what one core sustains (GC threads count against it).
 */
export function measure<T>(items: readonly T[], work: (item: T) => number, durationMs: number): number {
  // Warm up, so the JIT has compiled the engine before the clock starts.
  let sink = 0;
  for (let i = 0; i < Math.min(items.length * 2, 20_000); i++) sink += work(items[i % items.length] as T);
  const rates: number[] = [];
  for (let round = 0; round < 5; round++) {
    let operations = 0;
    const startWall = performance.now();
    const startCpu = process.cpuUsage();
    while (performance.now() - startWall < durationMs / 5) {
      for (let i = 0; i < items.length; i++) sink += work(items[i] as T);
      operations += items.length;
    }
    const cpu = process.cpuUsage(startCpu);
    rates.push((operations / Math.max(cpu.user + cpu.system, 1)) * 1_000_000);
  }
  if (sink < 0) throw new Error('unreachable: keeps the results alive');
  return rates.sort((a, b) => a - b)[2] as number;
}

function exampleProfile(): Profile {
  const file = fileURLToPath(new URL('../../../../profiles/example-jurisdiction.yaml', import.meta.url));
  return loadProfileText(readFileSync(file, 'utf8'), file);
}

const perSecond = (rate: number) => `${Math.round(rate).toLocaleString('en-US')}/s`;
const ratio = (rate: number) => `${(rate / ENGINE_TARGET_PER_SECOND).toFixed(1)}× target`;

export interface EngineBenchOptions {
  inputs?: number;
  durationMs?: number;
}

export async function runEngineBenchmark(options: EngineBenchOptions = {}): Promise<BenchFigure[]> {
  const documents = generateScreenings(options.inputs ?? 10_000);
  const inputs = validated(documents);
  const durationMs = options.durationMs ?? 2_000;
  const example = exampleProfile();
  const target = `≥ ${ENGINE_TARGET_PER_SECOND.toLocaleString('en-US')}/s`;

  const baseline = measure(inputs, (input) => assess(input, BASELINE_PROFILE).obligations.length, durationMs);
  const jurisdiction = measure(inputs, (input) => assess(input, example).obligations.length, durationMs);
  const endToEnd = measure(
    documents,
    (document) => {
      const parsed = parseAssessInput(document);
      return parsed.ok ? assess(parsed.value).obligations.length : 0;
    },
    durationMs,
  );
  return [
    {
      figure: `engine: assessments per CPU-second on one core, baseline profile (${inputs.length} varied inputs, median of 5 rounds)`,
      target,
      measured: perSecond(baseline),
      ratio: ratio(baseline),
    },
    {
      figure: 'engine: assessments per CPU-second on one core, example jurisdiction profile',
      target,
      measured: perSecond(jurisdiction),
      ratio: ratio(jurisdiction),
    },
    {
      figure: 'engine: validations + assessments per CPU-second (zod schema on decoded JSON, then assess)',
      target: 'informational',
      measured: perSecond(endToEnd),
    },
  ];
}

export const engineBenchmark: Benchmark = {
  name: 'obligations engine',
  run: () => runEngineBenchmark(),
};
