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

    it('says on screen, in its language and in English, when no native legal translator has signed it off', () => {
      if (sheet.language === SOURCE_LANGUAGE) {
        expect(sheet.review.status).toBe('reviewed');
        expect(sheet.translatedFrom).toBeUndefined();
        return;
      }
      expect(sheet.translatedFrom).toEqual({ language: SOURCE_LANGUAGE, version: source.version });
      // Every translation stays unreviewed (no reviewer named) until a native legal translator signs it off.
      expect(sheet.review.status).toBe('machine_or_unreviewed');
      expect(sheet.review).not.toHaveProperty('by');
      if (sheet.review.status === 'machine_or_unreviewed') {
        expect(sheet.review.noticeEnglish).toMatch(/not yet been reviewed by a native legal translator/);
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

/** A section's sentences as one text, for assertions on wording. */
function sectionText(language: string, section: (typeof SECTION_ORDER)[number]): string {
  const sheet = sheets.find((s) => s.language.code === language)!.sheet;
  return sheet.sections.find((s) => s.id === section)!.sentences.join(' ');
}
const wholeSheet = (language: string) => ownLanguageText(sheets.find((s) => s.language.code === language)!.sheet).join(' ');

// Issue 17, point 9: each wording a reader misunderstood, and what it says instead.
describe('the sheets say what the law says', () => {
  it('ask anyone under 18, pregnant or with a child to say so (not "a child with you or alone" to give an age)', () => {
    const care = sectionText('en', 'emergency_medical_care');
    expect(care).toContain('Tell us if you are under 18, pregnant, or with a child.');
    expect(care).not.toMatch(/alone/);
    expect(sectionText('fr', 'emergency_medical_care')).toMatch(/moins de 18 ans.*enceinte.*avec un enfant/);
    expect(sectionText('es', 'emergency_medical_care')).toMatch(/menos de 18 años.*embarazada.*con un niño/);
    expect(sectionText('ar', 'emergency_medical_care')).toMatch(/أقل من ثماني عشرة سنة.*حاملًا.*معك طفل/);
    for (const language of ['fr', 'es', 'ar', 'fa', 'prs', 'ps', 'ti', 'so', 'bn', 'ur']) {
      expect(sectionText(language, 'emergency_medical_care'), language).not.toMatch(/\bseul\b|\bsolo\b|وحده|تنهاست|یوازې دی|በይኑ|keligiis|একা|اکیلا/u);
    }
  });

  it('say that helping the police is not a condition of care or asylum (not "helping the police is your choice")', () => {
    const victims = sectionText('en', 'victims_and_witnesses');
    expect(victims).toContain('You do not have to help the police to get care or to ask for asylum.');
    expect(victims).not.toMatch(/is your choice/);
    expect(sectionText('fr', 'victims_and_witnesses')).toContain("Vous n'avez pas à aider la police pour recevoir des soins ou pour demander l'asile.");
    expect(sectionText('es', 'victims_and_witnesses')).toContain('No tiene que ayudar a la policía para recibir atención médica o para pedir asilo.');
    expect(sectionText('ar', 'victims_and_witnesses')).toContain('لست مضطرًا إلى مساعدة الشرطة لكي تحصل على الرعاية الطبية أو لكي تطلب اللجوء.');
  });

  it('name a real risk of death, torture or inhuman treatment in the return rule, not torture only', () => {
    expect(sectionText('en', 'asylum')).toContain('a real risk of death, torture or inhuman treatment');
    expect(sectionText('fr', 'asylum')).toContain('un risque réel de mort, de torture ou de traitements inhumains');
    expect(sectionText('es', 'asylum')).toContain('un riesgo real de muerte, tortura o trato inhumano');
    expect(sectionText('ar', 'asylum')).toContain('خطرًا حقيقيًا بالموت أو التعذيب أو المعاملة اللاإنسانية');
    expect(sectionText('fa', 'asylum')).toContain('خطر واقعی مرگ، شکنجه یا رفتار غیرانسانی');
    expect(sectionText('prs', 'asylum')).toContain('خطر واقعی مرگ، شکنجه یا رفتار غیرانسانی');
    expect(sectionText('ps', 'asylum')).toContain('د مرګ، شکنجې یا غیرانساني چلند ریښتینی خطر');
  });

  it('in Spanish, name the consulate as the one told (not "avisarle… pasarle"), and smuggling as tráfico ilícito de migrantes', () => {
    const consulate = sectionText('es', 'consular_contact');
    expect(consulate).toContain('debemos avisar al consulado sin demora');
    expect(consulate).not.toMatch(/avisarle|pasarle|no le avisamos/);
    expect(sectionText('es', 'not_punished_for_being_smuggled')).toContain('tráfico ilícito de migrantes');
    expect(wholeSheet('es')).not.toMatch(/tráfico de personas/i);
  });

  it('in French, complain by "faire une réclamation" with a "code de suivi" (never "porter plainte"), and say éloigner, not renvoyer', () => {
    const complaints = sectionText('fr', 'complaints');
    expect(complaints).toContain('faire une réclamation');
    expect(complaints).toContain('code de suivi');
    expect(wholeSheet('fr')).not.toMatch(/plainte|renvoy/i);
    expect(sectionText('fr', 'not_punished_for_being_smuggled')).toContain('trafic illicite de migrants');
  });

  it('in Arabic, say that other crimes (الجرائم), not petty offences (المخالفات), are not covered', () => {
    expect(sectionText('ar', 'not_punished_for_being_smuggled')).toContain('الجرائم الأخرى');
    expect(wholeSheet('ar')).not.toContain('المخالفات');
  });

  it('in Dari, Farsi and Pashto, call smuggling قاچاق مهاجر (smuggling of migrants), never قاچاق انسان (trafficking)', () => {
    for (const language of ['fa', 'prs']) {
      expect(sectionText(language, 'not_punished_for_being_smuggled'), language).toContain('قاچاق مهاجر');
      expect(wholeSheet(language), language).not.toContain('قاچاق انسان');
    }
    expect(sectionText('ps', 'not_punished_for_being_smuggled')).toContain('د مهاجرو قاچاق');
    expect(wholeSheet('ps')).not.toMatch(/قاچاق انسان|د خلکو قاچاق/);
  });

  it('render the English source they name: every translation is of the current English version', () => {
    expect(source.version).toBe(2);
    for (const { sheet } of sheets.filter((s) => s.sheet.language !== SOURCE_LANGUAGE)) {
      expect(sheet.translatedFrom, sheet.language).toEqual({ language: SOURCE_LANGUAGE, version: 2 });
    }
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
