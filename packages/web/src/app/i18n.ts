import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { OBLIGATION_TITLE_BUNDLES } from '@haven/core/obligation-titles';

export const LANGUAGES = ['en', 'fr', 'es', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];
const RIGHT_TO_LEFT: ReadonlySet<Language> = new Set(['ar']);
const STORAGE_KEY = 'haven.language';

/**
 * Strings live beside the screens that use them: `src/app/locales/<lang>.json` for the shell and
 * `src/features/<feature>/locales/<lang>.json` for each feature, each file's top-level key being
 * its feature's name; the obligations' titles, which every feature shows and the server prints, come
 * from core (`@haven/core/obligation-titles`, all four languages: a few kilobytes).
 * They are merged at start, one language at a time, so several people add
 * strings without touching a shared file and a screen never ships the other languages.
 */
const sources = import.meta.glob<{ default: Record<string, unknown> }>(['./locales/*.json', '../offline/locales/*.json', '../features/*/locales/*.json']);

const loaded = new Set<Language>();

async function loadLanguage(language: Language): Promise<void> {
  if (loaded.has(language)) return;
  const files = Object.entries(sources).filter(([path]) => path.endsWith(`/${language}.json`));
  const bundles = await Promise.all(files.map(([, load]) => load()));
  for (const bundle of bundles) i18next.addResourceBundle(language, 'translation', bundle.default, true, false);
  i18next.addResourceBundle(language, 'translation', OBLIGATION_TITLE_BUNDLES[language], true, false);
  loaded.add(language);
}

export function isLanguage(value: string | null | undefined): value is Language {
  return (LANGUAGES as readonly string[]).includes(value ?? '');
}

function preferredLanguage(): Language {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (isLanguage(saved)) return saved;
  for (const tag of navigator.languages) {
    const base = tag.split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

export function directionOf(language: Language): 'rtl' | 'ltr' {
  return RIGHT_TO_LEFT.has(language) ? 'rtl' : 'ltr';
}

/** The whole layout mirrors through `dir` on <html>: the stylesheet uses logical properties only. */
function applyToDocument(language: Language): void {
  document.documentElement.lang = language;
  document.documentElement.dir = directionOf(language);
}

export async function initI18n(): Promise<void> {
  const language = preferredLanguage();
  await i18next.use(initReactI18next).init({
    lng: language,
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    resources: {},
    interpolation: { escapeValue: false }, // React escapes
    react: { useSuspense: false },
  });
  await Promise.all([loadLanguage('en'), loadLanguage(language)]);
  await i18next.changeLanguage(language);
  applyToDocument(language);
}

/** `remember: false` leaves no trace on the device (the public report page, perhaps on a borrowed phone). */
export async function changeLanguage(language: Language, { remember = true }: { remember?: boolean } = {}): Promise<void> {
  await loadLanguage(language);
  await i18next.changeLanguage(language);
  if (remember) localStorage.setItem(STORAGE_KEY, language);
  applyToDocument(language);
}

export function currentLanguage(): Language {
  return isLanguage(i18next.language) ? i18next.language : 'en';
}
