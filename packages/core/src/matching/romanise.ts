import anyAscii from 'any-ascii';

/**
 * A name word in Latin letters, as units that each stand for one written letter (or a digraph of
 * the Latin spelling). Keeping the units apart matters: Persian "فرشته" gives t + h, not the "th"
 * of ث, and only a per-letter rendering keeps that distinction.
 */
export interface RomanisedWord {
  units: string[];
  /** Written in an abjad (Arabic script) or Bengali: short vowels were never written, so they cannot disagree. */
  abjad: boolean;
}

const ARABIC_LETTER = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/u;
/** Bengali leaves its inherent vowel unwritten (করিম is "krim" letter by letter, Korim or Karim aloud). */
const BENGALI_LETTER = /[\u0980-\u09FF]/u;

/**
 * Corrections to any-ascii, only where its rendering would mislead a phonetic key:
 * - Arabic letters that any-ascii drops or renders as an apostrophe (see below).
 * - Arabic ض is "d" in Arabic but "z" in Persian, Urdu and Pashto renderings (Reza/Rida); the key
 *   class of z sits next to d, so "z" reaches both.
 * - Ge'ez ኸ-series is a velar fricative (Tigrinya "Tekhle" = Tekle), which any-ascii gives as h.
 * - Latin letters whose diacritic carries a sound any-ascii drops: č š ž ş ç.
 */
const LETTER_FIXES: Readonly<Record<string, string>> = {
  // Alif, hamza and ʿayn carry no consonant of a Latin spelling, but they do separate the letters
  // around them (حداد is Haddad with two d, not one): they become a vowel.
  ا: 'a',
  أ: 'a',
  إ: 'a',
  آ: 'a',
  ء: 'a',
  ئ: 'a',
  ؤ: 'a',
  ع: 'a',
  ض: 'z',
  ة: 'h',
  ى: 'a',
  // Cyrillic х writes both kh (Khalid) and the h of Arabic and Persian names (Мухаммад): "qh" is
  // the unit for "k or h", which the phonetic classes read both ways.
  х: 'qh',
  Х: 'qh',
  č: 'ch',
  Č: 'ch',
  š: 'sh',
  Š: 'sh',
  ž: 'zh',
  Ž: 'zh',
  ş: 'sh',
  Ş: 'sh',
  ç: 's',
  Ç: 's',
  // Bengali শ and ষ are "sh" (Shafiqul), which any-ascii writes as a plain s.
  শ: 'sh',
  ষ: 'sh',
};

function fixedLetter(ch: string): string | undefined {
  const fixed = LETTER_FIXES[ch];
  if (fixed !== undefined) return fixed;
  const code = ch.codePointAt(0)!;
  // Ethiopic ኸ ኹ ኺ ኻ ኼ ኽ ኾ (U+12B8–U+12BE): kh plus the vowel any-ascii gives.
  if (code >= 0x12b8 && code <= 0x12be) return 'kh' + anyAscii(ch).replace(/^h/u, '');
  return undefined;
}

/** Latin digraphs (longest first) that stand for one sound in the transliteration traditions met here. */
const LATIN_UNITS = ['qh', 'sch', 'tch', 'dzh', 'shch', 'sh', 'ch', 'zh', 'kh', 'gh', 'th', 'dh', 'ph', 'dj', 'ck', 'qu', 'ou', 'oo', 'ee', 'ts'];

function splitLatin(text: string): string[] {
  const units: string[] = [];
  let i = 0;
  while (i < text.length) {
    const unit = LATIN_UNITS.find((u) => text.startsWith(u, i));
    if (unit) {
      units.push(unit);
      i += unit.length;
    } else {
      units.push(text[i]!);
      i += 1;
    }
  }
  return units;
}

/** Arabic-script words often carry the article attached: الحسن → الـ + حسن. */
function withoutArabicArticle(word: string): string {
  const letters = [...word];
  return letters.length > 3 && letters[0] === 'ا' && letters[1] === 'ل' ? letters.slice(2).join('') : word;
}

/**
 * One word in any script → Latin units. Latin runs are split into digraph-aware units; every
 * other letter is transliterated by any-ascii one letter at a time (with the corrections above).
 */
export function romaniseWord(word: string): RomanisedWord {
  const abjad = ARABIC_LETTER.test(word);
  const source = abjad ? withoutArabicArticle(word) : word;
  const units: string[] = [];
  if (abjad) {
    for (const ch of source.normalize('NFC')) {
      const rendered = (fixedLetter(ch) ?? anyAscii(ch)).toLowerCase().replace(/[^a-z]/gu, '');
      if (rendered) units.push(rendered);
    }
    return { units, abjad };
  }
  // Other scripts spell sounds with letter sequences (Cyrillic дж, Latin dj): transliterated as a
  // whole, then split into units.
  let corrected = '';
  for (const ch of source.normalize('NFC')) corrected += fixedLetter(ch) ?? ch;
  return { units: splitLatin(anyAscii(corrected).toLowerCase().replace(/[^a-z]/gu, '')), abjad: BENGALI_LETTER.test(word) };
}

/** Splits a name as written into words: spaces, hyphens, dots, commas, apostrophes of articles. */
export function nameWords(text: string): string[] {
  return text
    .normalize('NFC')
    .split(/[\s\-‐‑–—_.,;:/()]+/u)
    .map((w) => w.replace(/^['’ʼ`ʿ]+|['’ʼ`ʿ]+$/gu, ''))
    .filter((w) => w.length > 0);
}
