import type { assistanceInputSchema } from '@haven/core/schemas';
import type { z } from 'zod';
import { isSheetLanguage, type RightsSheet, type SheetLanguage } from './sheet';

export type AssistanceInput = z.input<typeof assistanceInputSchema>;

/**
 * The assistance that records a sheet as given: `rights_information` in the sheet's language,
 * which fulfils `info.rights` when the person understands that language. The note names the
 * sheet's version and review status (no personal data) so oversight can tell which wording the
 * person was given.
 */
export function sheetGivenAssistance(sheet: RightsSheet, givenAt: Date, place?: string): AssistanceInput {
  const review = sheet.review.status === 'reviewed' ? 'reviewed' : 'translation not yet reviewed by a native legal translator';
  return {
    type: 'rights_information',
    givenAt: givenAt.toISOString(),
    language: sheet.language,
    ...(place ? { place } : {}),
    notes: `Rights-information sheet, ${sheet.englishName}, version ${sheet.version} (${review})`,
  };
}

/**
 * Whether giving this sheet counts for `info.rights`: the server counts rights information only
 * in a language on the person's record (or in any language when none is recorded), comparing
 * codes exactly — so a Dari sheet (`prs`) does not count for a person recorded as `fa`.
 */
export function countsForInfoRights(sheetLanguage: string, personLanguages: readonly string[]): boolean {
  return personLanguages.length === 0 || personLanguages.includes(sheetLanguage);
}

/** The first language on the person's record that a sheet exists in, to open that sheet first. */
export function sheetLanguageFor(personLanguages: readonly string[]): SheetLanguage | undefined {
  return personLanguages.find(isSheetLanguage);
}
