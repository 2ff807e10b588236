/** One row of docs/BENCHMARKS.md; main.ts adds the date it was measured and the machine (cores, memory, Node). */
export interface BenchFigure {
  figure: string;
  target: string;
  measured: string;
  /** A ratio to a baseline measured in the same run, where there is one. */
  ratio?: string;
}

export interface Benchmark {
  name: string;
  run(): Promise<BenchFigure[]>;
}
