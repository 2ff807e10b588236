import type { Script, SheetLanguage } from './sheet';

/**
 * Fonts that draw each script. The stack names the Noto family first (Android and many Linux
 * systems ship it, and the rights screen bundles the Arabic, Ethiopic and Bengali ones from
 * @fontsource for devices that lack them), then what Windows, macOS and iOS carry for that script.
 * `bundled` is the Noto family (and its @fontsource package) whose coverage the tests check
 * against every character of the sheet.
 */
export const SCRIPT_FONTS: Readonly<Record<Script, { bundled: string; fontsource: string; stack: readonly string[] }>> = {
  Latn: { bundled: 'Noto Sans', fontsource: '@fontsource/noto-sans', stack: ['Noto Sans', 'system-ui', 'Segoe UI', 'Roboto', 'Helvetica Neue', 'Arial'] },
  Arab: { bundled: 'Noto Sans Arabic', fontsource: '@fontsource/noto-sans-arabic', stack: ['Noto Naskh Arabic', 'Noto Sans Arabic', 'Segoe UI', 'Geeza Pro', 'Tahoma'] },
  Ethi: { bundled: 'Noto Sans Ethiopic', fontsource: '@fontsource/noto-sans-ethiopic', stack: ['Noto Sans Ethiopic', 'Abyssinica SIL', 'Nyala', 'Ebrima', 'Kefa'] },
  Beng: { bundled: 'Noto Sans Bengali', fontsource: '@fontsource/noto-sans-bengali', stack: ['Noto Sans Bengali', 'Nirmala UI', 'Vrinda', 'Kohinoor Bangla', 'Bangla Sangam MN'] },
};

/** Urdu readers expect Nastaliq; Naskh stays behind it for devices without a Nastaliq font. */
const LANGUAGE_FONTS: Partial<Record<SheetLanguage, readonly string[]>> = {
  ur: ['Noto Nastaliq Urdu', 'Jameel Noori Nastaleeq', 'Urdu Typesetting'],
};

/** Nastaliq's tall stacked letters collide at ordinary line heights. */
export function lineHeightFor(language: SheetLanguage): number {
  return language === 'ur' ? 2.2 : 1.6;
}

export function fontFamiliesFor(language: SheetLanguage, script: Script): string[] {
  return [...(LANGUAGE_FONTS[language] ?? []), ...SCRIPT_FONTS[script].stack];
}

/** A CSS font-family value: every family quoted, generic sans-serif last. */
export function fontStackFor(language: SheetLanguage, script: Script): string {
  return [...fontFamiliesFor(language, script).map((f) => (f === 'system-ui' ? f : `"${f}"`)), 'sans-serif'].join(', ');
}
