import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Every string of the shell (the matcher's reasons among them) exists in English, French, Spanish
// and Arabic, with the same interpolations; the reasons are translated, not English copies.

const LANGUAGES = ['en', 'fr', 'es', 'ar'] as const;
const PLURAL = /_(zero|one|two|few|many|other)$/;

function entriesOf(tree: unknown, prefix = ''): [string, string][] {
  if (typeof tree !== 'object' || tree === null) return [[prefix, String(tree)]];
  return Object.entries(tree).flatMap(([key, value]) => entriesOf(value, prefix ? `${prefix}.${key}` : key));
}

function read(language: string): Map<string, string> {
  return new Map(entriesOf(JSON.parse(readFileSync(new URL(`./locales/${language}.json`, import.meta.url), 'utf8'))));
}

const interpolations = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/gu)].map((m) => m[1]).sort();

describe('the shell’s strings', () => {
  const english = read('en');

  it('has every string in every language, none empty', () => {
    const keys = new Set([...english.keys()].map((key) => key.replace(PLURAL, '')));
    for (const language of LANGUAGES) {
      const strings = read(language);
      expect(new Set([...strings.keys()].map((key) => key.replace(PLURAL, ''))), language).toEqual(keys);
      for (const [key, value] of strings) expect(value, `${language} ${key}`).not.toBe('');
    }
  });

  it('gives each reason of the matcher the names, dates and values of the English, in words of its own', () => {
    const reasons = [...english].filter(([key]) => key.startsWith('app.matchReasons.'));
    expect(reasons.length).toBeGreaterThan(20);
    for (const language of LANGUAGES.filter((l) => l !== 'en')) {
      const strings = read(language);
      for (const [key, text] of reasons) {
        expect(interpolations(strings.get(key) ?? ''), `${language} ${key}`).toEqual(interpolations(text));
        if (key !== 'app.matchReasons.rolesDiffer') expect(strings.get(key), `${language} ${key}`).not.toBe(text);
      }
    }
  });
});
