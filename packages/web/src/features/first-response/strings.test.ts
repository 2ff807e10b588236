import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Every string of the first responder's screens (the duplicates notice among them) exists in
// English, French, Spanish and Arabic (plural forms aside: Arabic has six, the others two or three).

const LANGUAGES = ['en', 'fr', 'es', 'ar'] as const;
const PLURAL = /_(zero|one|two|few|many|other)$/;

function keysOf(tree: unknown, prefix = ''): string[] {
  if (typeof tree !== 'object' || tree === null) return [prefix];
  return Object.entries(tree).flatMap(([key, value]) => keysOf(value, prefix ? `${prefix}.${key}` : key));
}

function read(language: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./locales/${language}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

describe('the first responder’s strings', () => {
  it('has every string in every language, none empty', () => {
    const english = new Set(keysOf(read('en')).map((key) => key.replace(PLURAL, '')));
    for (const language of LANGUAGES) {
      const strings = read(language);
      const keys = keysOf(strings);
      expect(new Set(keys.map((key) => key.replace(PLURAL, ''))), language).toEqual(english);
      for (const key of keys) expect(key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], strings), `${language} ${key}`).not.toBe('');
    }
  });

  it('gives the duplicates notice its interpolations in every language', () => {
    for (const language of LANGUAGES) {
      const duplicates = (read(language).firstResponse as { duplicates: Record<string, string> }).duplicates;
      expect(duplicates.notice, language).toContain('{{name}}');
      expect(duplicates.likely, language).toContain('{{score}}');
      expect(duplicates.reference, language).toContain('{{id}}');
    }
  });

  it('gives Arabic every plural form a count can take', () => {
    const arabic = keysOf(read('ar'));
    for (const base of new Set(arabic.filter((key) => PLURAL.test(key)).map((key) => key.replace(PLURAL, '')))) {
      for (const form of ['zero', 'one', 'two', 'few', 'many', 'other']) expect(arabic, base).toContain(`${base}_${form}`);
    }
  });
});
