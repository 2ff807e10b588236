import { rightsSheetSchema, type RightsSheet, type SheetLanguage } from './sheet';

/**
 * One dynamic import per language, so the bundler puts each sheet in its own chunk: the first
 * route carries none of them, and showing Tigrinya fetches only Tigrinya.
 */
const sources: Record<SheetLanguage, () => Promise<{ default: unknown }>> = {
  en: () => import('./sheets/en.json'),
  fr: () => import('./sheets/fr.json'),
  es: () => import('./sheets/es.json'),
  ar: () => import('./sheets/ar.json'),
  fa: () => import('./sheets/fa.json'),
  prs: () => import('./sheets/prs.json'),
  ps: () => import('./sheets/ps.json'),
  ti: () => import('./sheets/ti.json'),
  so: () => import('./sheets/so.json'),
  bn: () => import('./sheets/bn.json'),
  ur: () => import('./sheets/ur.json'),
};

const loaded = new Map<SheetLanguage, Promise<RightsSheet>>();

/** The sheet in a language, checked against the schema: a malformed sheet is never shown. */
export function loadRightsSheet(language: SheetLanguage): Promise<RightsSheet> {
  let sheet = loaded.get(language);
  if (!sheet) {
    sheet = sources[language]().then((module) => {
      const parsed = rightsSheetSchema.parse(module.default);
      if (parsed.language !== language) throw new Error(`the ${language} sheet says it is in ${parsed.language}`);
      return parsed;
    });
    // A failed fetch (offline before the chunk was cached) may succeed on the next try.
    sheet.catch(() => loaded.delete(language));
    loaded.set(language, sheet);
  }
  return sheet;
}
