import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { assistanceInputSchema, languageCodeSchema } from '@haven/core/schemas';
import { describe, expect, it } from 'vitest';
import { fontFamiliesFor, fontStackFor, SCRIPT_FONTS } from './fonts';
import { loadRightsSheet } from './load';
import { sheetGivenAssistance } from './record';
import { rightsSheetSchema, SECTION_ORDER, SHEET_LANGUAGES, SOURCE_LANGUAGE, type RightsSheet, type Script } from './sheet';

const sheetsDirectory = new URL('./sheets/', import.meta.url);
const require = createRequire(import.meta.url);

const SCRIPT_LETTERS: Record<Script, RegExp> = {
  Latn: /\p{Script=Latin}/u,
  Arab: /\p{Script=Arabic}/u,
  Ethi: /\p{Script=Ethiopic}/u,
  Beng: /\p{Script=Bengali}/u,
};

/** Everything a migrant reads on the sheet, in the sheet's own language. */
function ownLanguageText(sheet: RightsSheet): string[] {
  return [
    sheet.name,
    sheet.title,
    ...sheet.sections.flatMap((s) => [s.heading, ...s.sentences]),
    ...(sheet.review.status === 'machine_or_unreviewed' ? [sheet.review.notice] : []),
  ];
}

/** The code points a @fontsource package claims, from its unicode.json (all subsets). */
function fontsourceCoverage(pkg: string): (codePoint: number) => boolean {
  const subsets = JSON.parse(readFileSync(require.resolve(`${pkg}/unicode.json`), 'utf8')) as Record<string, string>;
  const ranges = Object.values(subsets)
    .flatMap((r) => r.split(','))
    .map((r) => r.trim().replace(/^U\+/i, '').split('-').map((h) => parseInt(h, 16)))
    .map(([from, to]) => [from!, to ?? from!] as const);
  return (codePoint) => ranges.some(([from, to]) => codePoint >= from && codePoint <= to);
}

const sheets = await Promise.all(SHEET_LANGUAGES.map(async (l) => ({ language: l, sheet: await loadRightsSheet(l.code) })));
const source = sheets.find((s) => s.language.code === SOURCE_LANGUAGE)!.sheet;

describe('rights-information sheets', () => {
  it('exist for exactly the languages offered, one file each', () => {
    const files = readdirSync(sheetsDirectory).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(SHEET_LANGUAGES.map((l) => `${l.code}.json`).sort());
  });

  it('are offered in English, French, Spanish, Arabic, Farsi, Dari, Pashto, Tigrinya, Somali, Bengali and Urdu', () => {
    expect(SHEET_LANGUAGES.map((l) => l.code)).toEqual(['en', 'fr', 'es', 'ar', 'fa', 'prs', 'ps', 'ti', 'so', 'bn', 'ur']);
  });

  describe.each(sheets)('$language.englishName ($language.code)', ({ language, sheet }) => {
    it('has the six sections in the fixed order, none missing', () => {
      expect(sheet.sections.map((s) => s.id)).toEqual([...SECTION_ORDER]);
    });

    it('has a heading and two to four non-empty sentences in every section', () => {
      for (const section of sheet.sections) {
        expect(section.heading.trim(), section.id).not.toBe('');
        expect(section.sentences.length, section.id).toBeGreaterThanOrEqual(2);
        expect(section.sentences.length, section.id).toBeLessThanOrEqual(4);
        for (const sentence of section.sentences) expect(sentence.trim(), section.id).not.toBe('');
      }
    });

    it('reads aloud in under a minute a section (at most 110 words, slow speech)', () => {
      for (const section of sheet.sections) {
        const words = section.sentences.join(' ').split(/\s+/u).filter(Boolean).length;
        expect(words, section.id).toBeLessThanOrEqual(110);
      }
    });

    it('carries its name in its own script and the direction of that script', () => {
      expect(sheet.name).toBe(language.name);
      expect(sheet.englishName).toBe(language.englishName);
      expect(sheet.script).toBe(language.script);
      expect(sheet.direction).toBe(sheet.script === 'Arab' ? 'rtl' : 'ltr');
      expect(sheet.direction).toBe(language.direction);
    });

    it('is written in its script only: every letter belongs to it', () => {
      const letters = ownLanguageText(sheet).join(' ').match(/\p{L}/gu) ?? [];
      const foreign = [...new Set(letters.filter((c) => !SCRIPT_LETTERS[sheet.script].test(c)))];
      expect(letters.length).toBeGreaterThan(200);
      expect(foreign).toEqual([]);
    });

    it('names fonts for its script, and the bundled Noto family covers every character', () => {
      const fonts = SCRIPT_FONTS[sheet.script];
      expect(fontFamiliesFor(sheet.language, sheet.script)).toContain(fonts.bundled);
      expect(fontStackFor(sheet.language, sheet.script)).toMatch(/sans-serif$/);
      const covered = fontsourceCoverage(fonts.fontsource);
      const characters = [...new Set([...ownLanguageText(sheet).join('')])].filter((c) => !/\s/u.test(c));
      const missing = characters.filter((c) => !covered(c.codePointAt(0)!));
      expect(missing.map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} ${c}`)).toEqual([]);
    });

    it('says on screen, in its language and in English, when no native speaker has checked it', () => {
      if (sheet.language === SOURCE_LANGUAGE) {
        expect(sheet.review.status).toBe('reviewed');
        expect(sheet.translatedFrom).toBeUndefined();
        return;
      }
      expect(sheet.translatedFrom).toEqual({ language: SOURCE_LANGUAGE, version: source.version });
      if (sheet.review.status === 'machine_or_unreviewed') {
        expect(sheet.review.noticeEnglish).toMatch(/not (yet )?been checked by a native speaker/);
        expect(sheet.review.notice).not.toBe(sheet.review.noticeEnglish);
      }
    });

    it('records as assistance the API accepts: rights information in the sheet language', () => {
      expect(languageCodeSchema.safeParse(sheet.language).success).toBe(true);
      const body = sheetGivenAssistance(sheet, new Date('2026-03-01T06:30:00Z'));
      expect(assistanceInputSchema.parse(body)).toMatchObject({ type: 'rights_information', language: sheet.language, givenAt: '2026-03-01T06:30:00.000Z' });
      expect(body.notes).toContain(`version ${sheet.version}`);
    });
  });

  it('are honest: no translation claims a review none has had yet', () => {
    // Flip a sheet to `reviewed` only with the reviewer named in `review.by` and this list shortened.
    const unreviewed = sheets.filter((s) => s.sheet.review.status === 'machine_or_unreviewed').map((s) => s.language.code);
    expect(unreviewed).toEqual(['fr', 'es', 'ar', 'fa', 'prs', 'ps', 'ti', 'so', 'bn', 'ur']);
  });
});

describe('the sheet schema', () => {
  const valid = () => structuredClone(source) as unknown as Record<string, unknown> & { sections: { id: string; sentences: string[] }[] };

  it('accepts the English source', () => {
    expect(rightsSheetSchema.safeParse(valid()).success).toBe(true);
  });

  it('refuses sections out of order', () => {
    const sheet = valid();
    sheet.sections = [sheet.sections[1]!, sheet.sections[0]!, ...sheet.sections.slice(2)];
    expect(rightsSheetSchema.safeParse(sheet).error?.issues[0]?.path).toEqual(['sections']);
  });

  it('refuses a missing section', () => {
    const sheet = valid();
    sheet.sections = sheet.sections.slice(0, 5);
    expect(rightsSheetSchema.safeParse(sheet).success).toBe(false);
  });

  it('refuses an empty sentence and a section of one sentence', () => {
    const blank = valid();
    blank.sections[2]!.sentences[0] = '   ';
    expect(rightsSheetSchema.safeParse(blank).success).toBe(false);
    const short = valid();
    short.sections[3]!.sentences = ['Only one.'];
    expect(rightsSheetSchema.safeParse(short).success).toBe(false);
  });

  it('refuses an unreviewed translation without its notice in English', () => {
    const sheet = { ...valid(), language: 'fr', translatedFrom: { language: 'en', version: 1 }, review: { status: 'machine_or_unreviewed', notice: 'Pas encore vérifiée.' } };
    expect(rightsSheetSchema.safeParse(sheet).error?.issues.map((i) => i.path.join('.'))).toContain('review.noticeEnglish');
  });

  it('refuses a translation that does not name the source version it renders', () => {
    const sheet = { ...valid(), language: 'fr' };
    expect(rightsSheetSchema.safeParse(sheet).error?.issues[0]?.path).toEqual(['translatedFrom']);
  });
});
