import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { engineBenchmark } from './engine.js';
import { matchingBenchmark } from './matching.js';
import { offlineSyncBenchmark } from './offline-sync.js';
import { indicatorsBenchmark } from './indicators.js';
import { registrationBenchmark } from './registration.js';
import { retentionBenchmark } from './retention.js';
import type { Benchmark } from './types.js';
import { webBenchmark } from './web.js';

const benchmarks: Benchmark[] = [engineBenchmark, registrationBenchmark, indicatorsBenchmark, matchingBenchmark, retentionBenchmark, webBenchmark, offlineSyncBenchmark];

/** The machine a row was measured on: cores, memory, Node version (CPU and kernel for the curious). */
function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version} (${cpu}, ${os.platform()} ${os.release()})`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The cells of a table row, unescaped. */
function cellsOf(line: string): string[] {
  return line
    .slice(1, line.lastIndexOf('|'))
    .split(/(?<!\\)\|/)
    .map((text) => text.trim().replace(/\\\|/g, '|'));
}

const HEADER = '| benchmark | figure | target | measured | ratio | date | machine |';
const out = fileURLToPath(new URL('../../../../docs/BENCHMARKS.md', import.meta.url));

/**
 * Rows of the benchmarks not run this time, kept from the file with their own date and machine so
 * `--only` can refresh one benchmark. Rows written before the date and machine columns take them
 * from the file's former header lines.
 */
function keptRows(ran: Set<string>): string[][] {
  if (!existsSync(out)) return [];
  const lines = readFileSync(out, 'utf8').split('\n');
  const legacyDate = lines.find((line) => line.startsWith('- Date: '))?.slice('- Date: '.length) ?? 'unknown';
  const legacyMachine = lines.find((line) => line.startsWith('- Machine: '))?.slice('- Machine: '.length) ?? 'unknown';
  return lines
    .filter((line) => line.startsWith('| ') && !line.startsWith('| benchmark |'))
    .map(cellsOf)
    .filter((cells) => !ran.has(cells[0]!))
    .map((cells) => (cells.length >= 7 ? cells.slice(0, 7) : [...cells.slice(0, 5), legacyDate, legacyMachine]));
}

async function runAll(only: string[]): Promise<void> {
  const selected = only.length === 0 ? benchmarks : benchmarks.filter((bench) => only.includes(bench.name));
  if (selected.length === 0) throw new Error(`no benchmark named ${only.join(', ')}; known: ${benchmarks.map((bench) => bench.name).join(', ')}`);
  const measured: string[][] = [];
  const measuredOn = machine();
  for (const bench of selected) {
    process.stderr.write(`bench: ${bench.name}…\n`);
    const figures = await bench.run();
    // Each benchmark's rows carry the time it finished: a kept row keeps its own.
    const date = new Date().toISOString();
    for (const figure of figures) measured.push([bench.name, figure.figure, figure.target, figure.measured, figure.ratio ?? '—', date, measuredOn]);
  }
  // The other benchmarks' rows as the file holds them now, not when this run began: a run of
  // another benchmark that ended meanwhile keeps its rows.
  const rows = [...(only.length === 0 ? [] : keptRows(new Set(selected.map((bench) => bench.name)))), ...measured];
  // The order of the benchmark list, whichever ran this time.
  const order = (name: string) => {
    const at = benchmarks.findIndex((bench) => bench.name === name);
    return at === -1 ? benchmarks.length : at;
  };
  rows.sort((a, b) => order(a[0]!) - order(b[0]!));
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (`npm run bench -- --only "<name>"` refreshes one benchmark); do not edit by hand.',
    'Load is generated on loopback with autocannon; the date and machine of each row are those it was measured on.',
    '',
    HEADER,
    '|---|---|---|---|---|---|---|',
    ...rows.map((cells) => `| ${cells.map(cell).join(' | ')} |`),
    '',
  ];
  writeFileSync(out, lines.join('\n'));
  process.stdout.write(lines.join('\n'));
}

// `npm run bench -- --only "registration"` refreshes one benchmark's rows and keeps the others.
const onlyAt = process.argv.indexOf('--only');
await runAll(onlyAt === -1 ? [] : process.argv.slice(onlyAt + 1));
