import { isLanguage } from '../../app/i18n';
import { isSheetLanguage, SHEET_LANGUAGES, type Direction, type SheetLanguage } from '../rights/sheet';

/** A language the public report page offers: one of the interface's four, or a rights sheet's whose text is reviewed. */
export interface ReportLanguage {
  code: SheetLanguage;
  /** In its own script, so a reader finds theirs whatever the page's language. */
  name: string;
  direction: Direction;
  /** The interface speaks it; otherwise only its reviewed rights sheet does (its "How to complain" section). */
  interface: boolean;
}

/**
 * Each rights sheet's review: a sheet marked `reviewed` by a native legal translator adds its
 * language to the page with no other change. Fetched after the page shows (the sheets' own chunks),
 * so a slow phone gets the form first; the interface's languages need none.
 */
const REVIEWS = import.meta.glob<{ status: string }>('../rights/sheets/*.json', { import: 'review' });

/** The interface's languages, then every language whose sheet's review (keyed by the sheet's file) says `reviewed`. */
export function reportLanguages(reviews: Readonly<Record<string, { status: string }>>): ReportLanguage[] {
  const reviewed = new Set<string>();
  for (const [path, review] of Object.entries(reviews)) {
    const code = /([a-z]{2,3})\.json$/.exec(path)?.[1];
    if (code && isSheetLanguage(code) && review.status === 'reviewed') reviewed.add(code);
  }
  return SHEET_LANGUAGES.filter((language) => isLanguage(language.code) || reviewed.has(language.code)).map((language) => ({
    code: language.code,
    name: language.name,
    direction: language.direction,
    interface: isLanguage(language.code),
  }));
}

/** The interface's four, offered at once. */
export const INTERFACE_LANGUAGES = reportLanguages({});

let languages: Promise<ReportLanguage[]> | undefined;

/** Every language the page offers, once the other sheets' reviews are read (once per page). */
export function loadReportLanguages(): Promise<ReportLanguage[]> {
  languages ??= Promise.all(
    Object.entries(REVIEWS)
      .filter(([path]) => !INTERFACE_LANGUAGES.some((language) => path.endsWith(`/${language.code}.json`)))
      .map(async ([path, review]) => [path, await review()] as const),
  ).then((reviews) => reportLanguages(Object.fromEntries(reviews)));
  languages.catch(() => (languages = undefined));
  return languages;
}
