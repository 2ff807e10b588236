/**
 * The choices the person record's form offers, as codes: the screen names each in the reader's
 * language (Intl.DisplayNames), so no name is written here. A code the record already holds is
 * always offered too, so editing never loses it.
 */
export { DOCUMENT_TYPES, FAMILY_RELATIONS } from '@haven/core/schemas/operations';

/** ISO 15924 scripts names are most often written in on the routes Haven serves. */
export const NAME_SCRIPTS = ['Latn', 'Arab', 'Ethi', 'Cyrl', 'Beng', 'Deva', 'Hans', 'Tfng', 'Grek', 'Thaa', 'Mymr', 'Khmr', 'Geor', 'Armn', 'Hebr'] as const;

/** Scripts written right to left: a name in one is shown in that direction. */
export const RIGHT_TO_LEFT_SCRIPTS = new Set(['Arab', 'Hebr', 'Thaa', 'Syrc', 'Nkoo', 'Adlm']);

/** ISO 639 languages of persons met on the routes, and the languages of service. */
export const LANGUAGES = [
  'ar', 'en', 'fr', 'es', 'ti', 'am', 'om', 'so', 'sw', 'fa', 'prs', 'ps', 'ur', 'bn', 'hi', 'ku', 'ckb', 'tr', 'ha', 'ff', 'wo', 'bm', 'ln', 'ig', 'yo', 'pt', 'ru', 'uk', 'zh', 'ber', 'tzm', 'sq', 'el', 'it', 'de',
] as const;

/** ISO 3166-1 countries of origin, transit and destination most often recorded. */
export const COUNTRIES = [
  'AF', 'BD', 'BF', 'BI', 'CD', 'CF', 'CI', 'CM', 'DZ', 'EG', 'ER', 'ET', 'GH', 'GM', 'GN', 'IQ', 'IR', 'LB', 'LY', 'MA', 'ML', 'MM', 'MR', 'NE', 'NG', 'PK', 'PS', 'SD', 'SN', 'SO', 'SS', 'SY', 'TD', 'TN', 'TR', 'UA', 'YE',
  'AL', 'BA', 'GR', 'IT', 'ES', 'FR', 'DE', 'MT', 'CY', 'BG', 'RS', 'MK', 'CO', 'VE', 'HT', 'HN', 'GT', 'SV', 'MX', 'US', 'VN', 'CN', 'IN', 'NP', 'LK', 'PH', 'ID', 'KH', 'LA', 'TH',
] as const;
