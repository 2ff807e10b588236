import { z } from 'zod';

/**
 * The six things every smuggled migrant is told, always in this order: life first (art. 16(1)),
 * then the rights that must be claimed early (asylum, consular choice on detention), then the
 * protections that hold whatever they say, then how to complain.
 */
export const SECTION_ORDER = [
  'emergency_medical_care',
  'asylum',
  'consular_contact',
  'not_punished_for_being_smuggled',
  'victims_and_witnesses',
  'complaints',
] as const;
export type SectionId = (typeof SECTION_ORDER)[number];

/** The law each section states, shown to the officer beside the text (never translated). */
export const SECTION_BASIS: Readonly<Record<SectionId, readonly string[]>> = {
  emergency_medical_care: ['Protocol art. 16(1)', 'ICCPR art. 6', 'ICESCR art. 12'],
  asylum: ['Protocol art. 19(1)', '1951 Convention art. 33 (non-refoulement)', 'UDHR art. 14'],
  consular_contact: ['Protocol art. 16(5)', 'VCCR art. 36(1)(b)-(c)'],
  not_punished_for_being_smuggled: ['Protocol art. 5', 'Protocol art. 19(2)'],
  victims_and_witnesses: ['Protocol art. 16(2)-(3)', 'seed paras 15, 17-18'],
  complaints: ['seed para 14 (investigation of allegations of failure to assist)'],
};

export type Script = 'Latn' | 'Arab' | 'Ethi' | 'Beng';
export type Direction = 'ltr' | 'rtl';

/**
 * The languages a sheet exists in. Codes are what the assistance API accepts (ISO 639, two or
 * three lower-case letters) and are valid BCP 47 tags: Dari is `prs` (ISO 639-3) rather than
 * `fa-AF`, which the API would refuse; `fa` is the Persian of Iran. The two are written apart
 * because everyday words differ (hospital, police) for a reader with little schooling.
 */
export const SHEET_LANGUAGES = [
  { code: 'en', name: 'English', englishName: 'English', direction: 'ltr', script: 'Latn' },
  { code: 'fr', name: 'Français', englishName: 'French', direction: 'ltr', script: 'Latn' },
  { code: 'es', name: 'Español', englishName: 'Spanish', direction: 'ltr', script: 'Latn' },
  { code: 'ar', name: 'العربية', englishName: 'Arabic', direction: 'rtl', script: 'Arab' },
  { code: 'fa', name: 'فارسی', englishName: 'Farsi (Persian of Iran)', direction: 'rtl', script: 'Arab' },
  { code: 'prs', name: 'دری', englishName: 'Dari (Persian of Afghanistan)', direction: 'rtl', script: 'Arab' },
  { code: 'ps', name: 'پښتو', englishName: 'Pashto', direction: 'rtl', script: 'Arab' },
  { code: 'ti', name: 'ትግርኛ', englishName: 'Tigrinya', direction: 'ltr', script: 'Ethi' },
  { code: 'so', name: 'Soomaali', englishName: 'Somali', direction: 'ltr', script: 'Latn' },
  { code: 'bn', name: 'বাংলা', englishName: 'Bengali', direction: 'ltr', script: 'Beng' },
  { code: 'ur', name: 'اردو', englishName: 'Urdu', direction: 'rtl', script: 'Arab' },
] as const satisfies readonly { code: string; name: string; englishName: string; direction: Direction; script: Script }[];

export type SheetLanguage = (typeof SHEET_LANGUAGES)[number]['code'];
export const SHEET_LANGUAGE_CODES = SHEET_LANGUAGES.map((l) => l.code) as [SheetLanguage, ...SheetLanguage[]];
/** English is the source every other sheet is translated from. */
export const SOURCE_LANGUAGE = 'en' satisfies SheetLanguage;

export function isSheetLanguage(code: string): code is SheetLanguage {
  return (SHEET_LANGUAGE_CODES as readonly string[]).includes(code);
}

export function sheetLanguage(code: SheetLanguage): (typeof SHEET_LANGUAGES)[number] {
  return SHEET_LANGUAGES.find((l) => l.code === code)!;
}

const text = (max: number) => z.string().trim().min(1).max(max);

const sectionSchema = z.strictObject({
  id: z.enum(SECTION_ORDER),
  heading: text(80),
  /** Two to four short sentences: read aloud, a section takes under a minute. */
  sentences: z.array(text(300)).min(2).max(4),
});

const reviewSchema = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('reviewed'),
    /** Who checked the wording, in words (a role, never a person's contact details). */
    by: text(300),
  }),
  z.strictObject({
    status: z.literal('machine_or_unreviewed'),
    /** Shown on screen in the sheet's own language… */
    notice: text(300),
    /** …and in English, so the officer knows too. */
    noticeEnglish: text(300),
  }),
]);

export const rightsSheetSchema = z
  .strictObject({
    language: z.enum(SHEET_LANGUAGE_CODES),
    /** The language's name in its own script, for the picker. */
    name: text(40),
    englishName: text(60),
    direction: z.enum(['ltr', 'rtl']),
    script: z.enum(['Latn', 'Arab', 'Ethi', 'Beng']),
    /** Raised whenever the wording changes; recorded with the assistance so a sheet given can be traced. */
    version: z.int().positive(),
    /** For a translation: the version of the English source it renders. */
    translatedFrom: z.strictObject({ language: z.literal(SOURCE_LANGUAGE), version: z.int().positive() }).optional(),
    review: reviewSchema,
    title: text(80),
    sections: z
      .array(sectionSchema)
      .length(SECTION_ORDER.length)
      .refine((sections) => sections.every((s, i) => s.id === SECTION_ORDER[i]), {
        message: `sections must be, in order: ${SECTION_ORDER.join(', ')}`,
      }),
  })
  .refine((sheet) => (sheet.language === SOURCE_LANGUAGE) === (sheet.translatedFrom === undefined), {
    path: ['translatedFrom'],
    message: 'every sheet but the English source names the source version it translates',
  });

export type RightsSheet = z.infer<typeof rightsSheetSchema>;
export type RightsSection = RightsSheet['sections'][number];
