import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { engineBenchmark } from './engine.js';
import { registrationBenchmark } from './registration.js';
import type { BenchFigure, Benchmark } from './types.js';

const benchmarks: Benchmark[] = [engineBenchmark, registrationBenchmark];

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

async function runAll(): Promise<void> {
  const rows: { bench: string; figure: BenchFigure }[] = [];
  for (const bench of benchmarks) {
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
    ...rows.map(({ bench, figure }) =>
      `| ${cell(bench)} | ${cell(figure.figure)} | ${cell(figure.target)} | ${cell(figure.measured)} | ${cell(figure.ratio ?? '—')} |`,
    ),
    '',
  ];
  const out = fileURLToPath(new URL('../../../../docs/BENCHMARKS.md', import.meta.url));
  writeFileSync(out, lines.join('\n'));
  process.stdout.write(lines.join('\n'));
}

await runAll();
