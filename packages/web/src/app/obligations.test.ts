import { OBLIGATION_CODES } from '@haven/core/codes';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// One title per obligation code, from one place: core's src/obligation-titles/<lang>.json. A feature that
// kept its own table of titles would let one duty go by several names across screens.

const LANGUAGES = ['en', 'fr', 'es', 'ar'] as const;
const SRC = fileURLToPath(new URL('..', import.meta.url));
const HOME = fileURLToPath(new URL('../../../core/src/obligation-titles', import.meta.url));

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path, keep);
    return keep(entry.name) ? [path] : [];
  });
}

function leaves(tree: unknown, prefix = ''): [string, unknown][] {
  if (typeof tree !== 'object' || tree === null) return [[prefix, tree]];
  return Object.entries(tree).flatMap(([key, value]) => leaves(value, prefix ? `${prefix}.${key}` : key));
}

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('the obligations’ titles', () => {
  it('gives every obligation code exactly one title in every language, none empty, none shared by two codes', () => {
    for (const language of LANGUAGES) {
      const titles = new Map(leaves(read(join(HOME, `${language}.json`))).map(([key, value]) => [key, value]));
      expect([...titles.keys()].sort(), language).toEqual(OBLIGATION_CODES.map((code) => `obligations.titles.${code}`).sort());
      for (const [key, value] of titles) expect(typeof value === 'string' && value.trim() !== '', `${language} ${key}`).toBe(true);
      expect(new Set(titles.values()).size, `${language}: two codes under one title`).toBe(titles.size);
    }
  });

  it('is the only table of obligation titles among the strings', () => {
    // A table of titles is an object keyed by obligation codes (`life.emergency_care` nested, or
    // `life_emergency_care` flat). A few such keys elsewhere are sentences about one rule (a
    // guard's reason), not titles: more than three in one object is a second table.
    const coded = new Set(OBLIGATION_CODES.flatMap((code) => [code, code.replace('.', '_')]));
    const offenders: string[] = [];
    for (const file of filesUnder(SRC, (name) => name.endsWith('.json')).filter((f) => !f.startsWith(HOME))) {
      const walk = (node: unknown, path: string) => {
        if (typeof node !== 'object' || node === null) return;
        const keys = leaves(node).map(([key]) => key);
        const codes = keys.filter((key) => coded.has(key));
        if (codes.length > 3) offenders.push(`${relative(SRC, file)} ${path}`);
        else for (const [key, value] of Object.entries(node)) walk(value, path ? `${path}.${key}` : key);
      };
      walk(read(file), '');
    }
    expect(offenders).toEqual([]);
  });

  it('is what every screen reads: no source looks titles up anywhere else', () => {
    const sources = filesUnder(SRC, (name) => /\.tsx?$/.test(name) && !name.endsWith('.test.ts'));
    const strays = sources.filter((file) => !file.endsWith(join('app', 'obligations.ts')) && /obligations\.titles|obligation(Codes|Names)\./.test(readFileSync(file, 'utf8')));
    expect(strays.map((file) => relative(SRC, file))).toEqual([]);
  });
});
