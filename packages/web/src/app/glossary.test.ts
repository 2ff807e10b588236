import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import glossary from './glossary.json';

// The glossary (docs/GLOSSARY.md, copied from ../shared/GLOSSARY.md) gives one term per concept in
// English, French, Spanish and Arabic. Every string on screen that expresses a concept in English
// must use the concept's term in the other three languages and none of the words the glossary
// forbids for it: the same key in every locale file, and the same sentence of every rights sheet.

const LANGUAGES = ['en', 'fr', 'es', 'ar'] as const;
type Language = (typeof LANGUAGES)[number];
type Forbidden = { pattern: string; unlessEnglish?: string };
type Concept = {
  id: string;
  terms: Record<Language, string>;
  english: string;
  use: Record<Language, string>;
  forbid: Partial<Record<Language, Forbidden[]>>;
};
const concepts = glossary.concepts as Concept[];
const never = glossary.never as Record<Language, string[]>;
const elsewhere = new Set(glossary.elsewhere.map((e) => `${e.concept} ${e.where}`));

/**
 * A pattern of glossary.json as a regular expression. JavaScript's `\b` knows only ASCII letters
 * (no boundary between a space and "é"), so it is read as a boundary between letters and non-letters.
 */
function pattern(source: string): RegExp {
  const boundary = String.raw`(?:(?<=[\p{L}\p{M}\p{N}_])(?![\p{L}\p{M}\p{N}_])|(?<![\p{L}\p{M}\p{N}_])(?=[\p{L}\p{M}\p{N}_]))`;
  return new RegExp(source.replaceAll(String.raw`\b`, boundary), 'iu');
}

const PLURAL = /_(zero|one|two|few|many|other)$/;
const webSource = new URL('../', import.meta.url);

function entriesOf(tree: unknown, prefix = ''): [string, string][] {
  if (typeof tree !== 'object' || tree === null) return [[prefix, String(tree)]];
  return Object.entries(tree).flatMap(([key, value]) => entriesOf(value, prefix ? `${prefix}.${key}` : key));
}

/** Every folder of the web app holding en/fr/es/ar.json string files (locales/ and strings/). */
function stringFolders(): string[] {
  // The obligations' titles live in core (the server prints them too): read from here by relative path.
  const folders = ['app/locales', 'offline/locales', '../../core/src/obligation-titles'];
  for (const feature of readdirSync(new URL('features/', webSource))) {
    for (const kind of ['locales', 'strings']) {
      const files = readdirSync(new URL(`features/${feature}/`, webSource));
      if (files.includes(kind)) folders.push(`features/${feature}/${kind}`);
    }
  }
  return folders;
}

type Text = { folder: string; key: string; where: string; language: Language; text: string; english: string };

/** The words of a string: an interpolation ({{obligation}}) is a value, not a word on screen. */
const words = (text: string) => text.replaceAll(/\{\{[^}]*\}\}/gu, '…');

/**
 * Each translated string with the English it renders: by key (a plural form against all the
 * English forms of its key), and in the rights sheets by section and sentence.
 */
function translatedTexts(): Text[] {
  const texts: Text[] = [];
  for (const folder of stringFolders()) {
    const read = (language: Language) => entriesOf(JSON.parse(readFileSync(new URL(`${folder}/${language}.json`, webSource), 'utf8')));
    const english = new Map<string, string[]>();
    for (const [key, text] of read('en')) english.set(key.replace(PLURAL, ''), [...(english.get(key.replace(PLURAL, '')) ?? []), text]);
    for (const language of LANGUAGES) {
      for (const [key, text] of read(language)) {
        const source = english.get(key.replace(PLURAL, ''));
        if (source) texts.push({ folder, key: key.replace(PLURAL, ''), where: `${folder}/${language}.json ${key}`, language, text: words(text), english: words(source.join(' | ')) });
      }
    }
  }
  type Sheet = { title: string; sections: { id: string; heading: string; sentences: string[] }[] };
  const sheet = (language: Language) => JSON.parse(readFileSync(new URL(`features/rights/sheets/${language}.json`, webSource), 'utf8')) as Sheet;
  const source = sheet('en');
  for (const language of LANGUAGES) {
    const translated = sheet(language);
    translated.sections.forEach((section, s) => {
      const original = source.sections[s]!;
      const where = `rights sheet ${language} ${section.id}`;
      texts.push({ folder: 'features/rights/sheets', key: `${section.id}.heading`, where: `${where} heading`, language, text: section.heading, english: original.heading });
      section.sentences.forEach((text, i) =>
        texts.push({ folder: 'features/rights/sheets', key: `${section.id}.${i}`, where: `${where} sentence ${i + 1}`, language, text, english: original.sentences[i] ?? original.sentences.join(' ') }),
      );
    });
  }
  return texts;
}

/** The table of docs/GLOSSARY.md: English term → the row's cells. */
function glossaryTable(): Map<string, Record<Language, string> & { note: string }> {
  const markdown = readFileSync(new URL('../../../../docs/GLOSSARY.md', import.meta.url), 'utf8');
  const rows = markdown
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| concept') && !line.startsWith('|---'))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
  return new Map(rows.map(([, en, fr, es, ar, note]) => [en!, { en: en!, fr: fr!, es: es!, ar: ar!, note: note ?? '' }]));
}

const texts = translatedTexts();

describe('the glossary', () => {
  const table = glossaryTable();

  it('holds, in glossary.json, exactly the concepts and terms of docs/GLOSSARY.md', () => {
    expect(concepts.map((c) => c.terms.en).sort()).toEqual([...table.keys()].sort());
    for (const concept of concepts) {
      const row = table.get(concept.terms.en)!;
      expect({ ...concept.terms }, concept.id).toEqual({ en: row.en, fr: row.fr, es: row.es, ar: row.ar });
    }
  });

  it('forbids, in glossary.json, the words each note of docs/GLOSSARY.md rules out', () => {
    for (const concept of concepts) {
      const note = table.get(concept.terms.en)!.note;
      // The words a note quotes or sets in italics after "not" or "never", and its Arabic words.
      const ruledOut = [...note.matchAll(/(?:not|never) (?:the same word as )?(?:"([^"]+)"|\*([^*]+)\*)/gu)].map((m) => m[1] ?? m[2]!);
      const arabic = [...note.matchAll(/(?:not|never|or) ([\p{Script=Arabic} ]+?)(?= \(|;|$)/gu)].map((m) => m[1]!.trim());
      const forbidden = [
        ...Object.values(concept.forbid).flatMap((list) => list.map((f) => f.pattern)),
        ...Object.values(never).flat(),
        ...Object.values(glossary.neverInSheets).flat(),
      ].map(pattern);
      // "supervisor" is what the oversight body's word must differ from, not a word to avoid.
      for (const word of [...ruledOut, ...arabic].filter((w) => w !== 'supervisor')) {
        expect(
          forbidden.some((f) => f.test(word) || f.source.includes(word)),
          `${concept.id}: the note rules out "${word}"`,
        ).toBe(true);
      }
    }
  });

  it('names, for each string it leaves aside, a concept and a string that exist', () => {
    for (const { concept, where } of glossary.elsewhere) {
      const [folder, key] = where.split(' ');
      expect(concepts.map((c) => c.id)).toContain(concept);
      expect(texts.some((t) => t.folder === folder && t.key === key && t.language === 'en' && pattern(concepts.find((c) => c.id === concept)!.english).test(t.english)), where).toBe(true);
    }
  });

  it('matches each term with its own stem', () => {
    for (const concept of concepts) {
      for (const language of LANGUAGES) expect(pattern(concept.use[language]).test(concept.terms[language]), `${concept.id} ${language}`).toBe(true);
      expect(pattern(concept.english).test(concept.terms.en.toLowerCase()) || concept.id === 'return', concept.id).toBe(true);
    }
  });
});

describe('every string on screen', () => {
  it('covers the shell, every feature and the rights sheets in four languages', () => {
    expect(new Set(texts.map((t) => t.language))).toEqual(new Set(LANGUAGES));
    expect(texts.length).toBeGreaterThan(2000);
  });

  it.each(concepts.map((c) => [c.id, c] as const))('uses the glossary’s term for %s, in every language', (_, concept) => {
    const expresses = pattern(concept.english);
    const problems: string[] = [];
    for (const { folder, key, where, language, text, english } of texts) {
      if (!expresses.test(english) || elsewhere.has(`${concept.id} ${folder} ${key}`)) continue;
      if (language !== 'en' && !pattern(concept.use[language]).test(text)) problems.push(`${where}: no "${concept.terms[language]}" in "${text}"`);
      for (const { pattern: forbidden, unlessEnglish } of concept.forbid[language] ?? []) {
        if (unlessEnglish && pattern(unlessEnglish).test(english)) continue;
        if (pattern(forbidden).test(text)) problems.push(`${where}: "${text}" uses a word the glossary forbids for ${concept.id} (${forbidden})`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('never uses a word the glossary rules out in any sense', () => {
    const problems = texts.filter(({ language, text }) => never[language].some((word) => pattern(word).test(text))).map(({ where, text }) => `${where}: "${text}"`);
    expect(problems).toEqual([]);
  });

  it('nor do the rights sheets in the languages the interface does not speak', () => {
    const problems = Object.entries(glossary.neverInSheets).flatMap(([language, ruledOut]) => {
      const text = readFileSync(new URL(`features/rights/sheets/${language}.json`, webSource), 'utf8');
      return ruledOut.filter((word) => pattern(word).test(text)).map((word) => `${language}: ${word}`);
    });
    expect(problems).toEqual([]);
  });
});

// The server writes in English only: the referral form, the indicator and self-assessment PDFs,
// e-mails, reminders and the reasons a record is held. Their sentences use the glossary's English too.
const SERVER_WORDS = [
  'server/src/features/referrals/form.ts',
  'server/src/features/referrals/service.ts',
  'server/src/features/exports/render.ts',
  'server/src/features/self-assessment/report.ts',
  'server/src/features/obligations/reminders.ts',
  'server/src/features/retention/holds.ts',
  'core/src/self-assessment/catalogue.ts',
  'core/src/engine/words.ts',
];

describe('the server’s English on paper and in mail', () => {
  it.each(SERVER_WORDS)('%s never uses a word the glossary rules out', (file) => {
    const source = readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8');
    // Only what is written for people: the text of string literals, not the names in the code.
    const literals = [...source.matchAll(/'([^'\\\n]*(?:\\.[^'\\\n]*)*)'|`([^`]*)`/gu)].map((m) => m[1] ?? m[2]!).filter((text) => /\s/u.test(text));
    const ruledOut = [...never.en, ...concepts.flatMap((c) => (c.forbid.en ?? []).map((f) => f.pattern)), String.raw`\ballegations? (of|that)\b`];
    expect(literals.filter((text) => ruledOut.some((word) => pattern(word).test(text)))).toEqual([]);
  });
});
