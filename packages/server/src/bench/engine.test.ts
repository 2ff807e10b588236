import { parseAssessInput } from '@haven/core';
import { describe, expect, it } from 'vitest';
import { engineBenchmark, generateScreenings, runEngineBenchmark } from './engine.js';

describe('the engine benchmark', () => {
  it('generates the same varied, valid screenings on every run', () => {
    const screenings = generateScreenings(500);
    expect(generateScreenings(500)).toEqual(screenings);
    for (const screening of screenings) expect(parseAssessInput(screening).ok).toBe(true);
    const detained = screenings.filter((s) => (s as { detention?: unknown }).detention !== undefined).length;
    expect(detained).toBeGreaterThan(50);
    expect(detained).toBeLessThan(450);
  });

  it('reports assessments per second against the target', async () => {
    const figures = await runEngineBenchmark({ inputs: 200, durationMs: 20 });
    expect(figures).toHaveLength(3);
    for (const figure of figures) expect(figure.measured).toMatch(/^[\d,]+\/s$/);
    expect(figures[0]?.target).toBe('≥ 100,000/s');
    expect(engineBenchmark.name).toBe('obligations engine');
  });
});
