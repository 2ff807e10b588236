import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { engineBenchmark } from './engine.js';
import { matchingBenchmark } from './matching.js';
import { indicatorsBenchmark } from './indicators.js';
import { registrationBenchmark } from './registration.js';
import type { BenchFigure, Benchmark } from './types.js';

const benchmarks: Benchmark[] = [engineBenchmark, registrationBenchmark, indicatorsBenchmark, matchingBenchmark];

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

const out = fileURLToPath(new URL('../../../../docs/BENCHMARKS.md', import.meta.url));

/** Rows of the benchmarks not run this time, kept from the file so `--only` can refresh one benchmark. */
function keptRows(ran: Set<string>): string[] {
  if (!existsSync(out)) return [];
  return readFileSync(out, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| benchmark |'))
    .filter((line) => !ran.has(line.slice(2, line.indexOf(' | ')).replace(/\\\|/g, '|')));
}

async function runAll(only: string[]): Promise<void> {
  const selected = only.length === 0 ? benchmarks : benchmarks.filter((bench) => only.includes(bench.name));
  if (selected.length === 0) throw new Error(`no benchmark named ${only.join(', ')}; known: ${benchmarks.map((bench) => bench.name).join(', ')}`);
  const rows: { bench: string; figure: BenchFigure }[] = [];
  for (const bench of selected) {
    process.stderr.write(`bench: ${bench.name}…\n`);
    for (const figure of await bench.run()) rows.push({ bench: bench.name, figure });
  }
  const date = new Date().toISOString();
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench`; do not edit by hand.',
    '',
    `- Date: ${date}`,
    `- Machine: ${machine()}`,
    '',
    '| benchmark | figure | target | measured | ratio |',
    '|---|---|---|---|---|',
    ...(only.length === 0 ? [] : keptRows(new Set(selected.map((bench) => bench.name)))),
    ...rows.map(({ bench, figure }) =>
      `| ${cell(bench)} | ${cell(figure.figure)} | ${cell(figure.target)} | ${cell(figure.measured)} | ${cell(figure.ratio ?? '—')} |`,
    ),
    '',
  ];
  writeFileSync(out, lines.join('\n'));
  process.stdout.write(lines.join('\n'));
}

// `npm run bench -- --only "registration"` refreshes one benchmark's rows and keeps the others.
const onlyAt = process.argv.indexOf('--only');
await runAll(onlyAt === -1 ? [] : process.argv.slice(onlyAt + 1));
