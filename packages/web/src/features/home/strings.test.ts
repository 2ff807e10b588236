import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Every string of the worklist homes exists in English, French, Spanish and Arabic, with the
// interpolations of the English (plural forms aside: Arabic has six, the others two or three).

const LANGUAGES = ['en', 'fr', 'es', 'ar'] as const;
const PLURAL = /_(zero|one|two|few|many|other)$/;

function keysOf(tree: unknown, prefix = ''): string[] {
  if (typeof tree !== 'object' || tree === null) return [prefix];
  return Object.entries(tree).flatMap(([key, value]) => keysOf(value, prefix ? `${prefix}.${key}` : key));
}

function entriesOf(tree: unknown, prefix = ''): [string, string][] {
  if (typeof tree !== 'object' || tree === null) return [[prefix, String(tree)]];
  return Object.entries(tree).flatMap(([key, value]) => entriesOf(value, prefix ? `${prefix}.${key}` : key));
}

function read(language: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./locales/${language}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

describe('the worklist homes’ strings', () => {
  it('has every string in every language, none empty', () => {
    const english = new Set(keysOf(read('en')).map((key) => key.replace(PLURAL, '')));
    for (const language of LANGUAGES) {
      const strings = read(language);
      const keys = keysOf(strings);
      expect(new Set(keys.map((key) => key.replace(PLURAL, ''))), language).toEqual(english);
      for (const key of keys) expect(key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], strings), `${language} ${key}`).not.toBe('');
    }
  });

  it('gives every language the interpolations of the English', () => {
    const english = new Map(entriesOf(read('en')));
    for (const language of LANGUAGES) {
      for (const [key, text] of entriesOf(read(language))) {
        const base = [...english.keys()].find((k) => k.replace(PLURAL, '') === key.replace(PLURAL, ''))!;
        const names = (value: string) => [...new Set([...value.matchAll(/\{\{(\w+)\}\}/gu)].map((m) => m[1]))].sort();
        // A plural form for one (or two, in Arabic) may say the number in words.
        if (!/_(zero|one|two)$/.test(key)) expect(names(text), `${language} ${key}`).toEqual(names(english.get(base)!));
      }
    }
  });

  it('gives Arabic every plural form a count can take', () => {
    const arabic = keysOf(read('ar'));
    for (const base of new Set(arabic.filter((key) => PLURAL.test(key)).map((key) => key.replace(PLURAL, '')))) {
      for (const form of ['zero', 'one', 'two', 'few', 'many', 'other']) expect(arabic, base).toContain(`${base}_${form}`);
    }
  });
});
