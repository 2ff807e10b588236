// Deadlines and instants. Deadlines are ISO 8601 durations in days, hours, minutes and seconds
// only: months and years have no fixed length, and a legal deadline must be one exact span.

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** An ISO 8601 duration such as `PT24H` or `P7D`. */
export type IsoDuration = string;

/** Milliseconds in an ISO 8601 duration, or null when it is not one this engine accepts. */
export function durationMs(text: string): number | null {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return null;
  const [, weeks, days, hours, minutes, seconds] = match;
  return (
    Number(weeks ?? 0) * WEEK +
    Number(days ?? 0) * DAY +
    Number(hours ?? 0) * HOUR +
    Number(minutes ?? 0) * MINUTE +
    Number(seconds ?? 0) * SECOND
  );
}

/** Milliseconds in a deadline given either as an ISO duration or as a number of milliseconds. */
export function deadlineMs(deadline: IsoDuration | number): number | null {
  if (typeof deadline === 'number') return Number.isSafeInteger(deadline) && deadline > 0 ? deadline : null;
  return durationMs(deadline);
}

/** A span in the words an officer uses: `1 h`, `72 h`, `7 d`, `90 min`. */
export function formatSpan(ms: number): string {
  if (ms >= DAY && ms % DAY === 0 && ms / DAY >= 7) return `${ms / DAY} d`;
  if (ms >= HOUR && ms % HOUR === 0) return `${ms / HOUR} h`;
  if (ms >= MINUTE && ms % MINUTE === 0) return `${ms / MINUTE} min`;
  return `${ms / SECOND} s`;
}

/** Days from 1970-01-01 to a civil date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Milliseconds since the epoch of an RFC 3339 date-time the input schema accepted: the same as
 * Date.parse for those, without its general-purpose cost. Anything else goes to Date.parse.
 */
export function instantMs(text: string): number {
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const separators = text[4] === '-' && text[7] === '-' && (text[10] === 'T' || text[10] === 't') && text[13] === ':' && text[16] === ':';
  if (!separators || year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return Date.parse(text);
  let at = 19;
  let fraction = 0;
  if (text[at] === '.') {
    let scale = 100;
    at++;
    while (at < text.length) {
      const digit = text.charCodeAt(at) - 48;
      if (digit < 0 || digit > 9) break;
      fraction += digit * scale;
      scale /= 10;
      at++;
    }
    fraction = Math.floor(fraction);
  }
  let offset = 0;
  const zone = text[at];
  if (zone === 'Z' || zone === 'z') {
    if (at + 1 !== text.length) return Date.parse(text);
  } else if ((zone === '+' || zone === '-') && at + 6 === text.length && text[at + 3] === ':') {
    const offsetHour = digits(text, at + 1, 2);
    const offsetMinute = digits(text, at + 4, 2);
    if (offsetHour < 0 || offsetMinute < 0) return Date.parse(text);
    offset = (zone === '-' ? -1 : 1) * (offsetHour * HOUR + offsetMinute * MINUTE);
  } else {
    return Date.parse(text);
  }
  return daysFromCivil(year, month, day) * 86_400_000 + hour * HOUR + minute * MINUTE + second * SECOND + fraction - offset;
}

const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, n) => (n < 10 ? `0${n}` : `${n}`));

// Calendar days already formatted: an assessment's due times fall on a few days, and the people
// of one encounter share them. Bounded, so a long-running server does not grow it without end.
const dayTexts = new Map<number, string>();
const DAY_TEXTS_MAX = 4096;

/** `YYYY-MM-DD` of a day counted from 1970-01-01 (H. Hinnant's civil_from_days). */
function civilDay(daysSinceEpoch: number): string {
  const known = dayTexts.get(daysSinceEpoch);
  if (known !== undefined) return known;
  const days = daysSinceEpoch + 719_468;
  const era = Math.floor(days / 146_097);
  const dayOfEra = days - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const text = `${year}-${TWO_DIGITS[month] as string}-${TWO_DIGITS[day] as string}`;
  if (dayTexts.size >= DAY_TEXTS_MAX) dayTexts.clear();
  dayTexts.set(daysSinceEpoch, text);
  return text;
}

/** Earliest and latest instants formatted by arithmetic: years 1000 to 9999, always four digits. */
const FIRST_MS = Date.UTC(1000, 0, 1);
const LAST_MS = Date.UTC(10_000, 0, 1);

/**
 * RFC 3339 in UTC without fractional seconds (`2026-03-04T06:00:00Z`). A fraction is cut, never
 * rounded up, so a due time is never later than the deadline the profile allows. Computed by
 * arithmetic rather than through Date, as the engine formats several instants per assessment.
 */
export function formatInstant(ms: number): string {
  const seconds = Math.floor(ms / SECOND);
  if (ms < FIRST_MS || ms >= LAST_MS) {
    const iso = new Date(seconds * SECOND).toISOString();
    return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
  }
  const days = Math.floor(seconds / 86_400);
  let rest = seconds - days * 86_400;
  const hour = Math.floor(rest / 3600);
  rest -= hour * 3600;
  const minute = Math.floor(rest / 60);
  const second = rest - minute * 60;
  return `${civilDay(days)}T${TWO_DIGITS[hour] as string}:${TWO_DIGITS[minute] as string}:${TWO_DIGITS[second] as string}Z`;
}
