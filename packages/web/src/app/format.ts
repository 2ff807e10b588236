import { useTranslation } from 'react-i18next';

/** Dates, times, numbers and durations in the reader's language, through Intl. */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = i18n.language;
  return {
    date: (iso: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(iso)),
    dateTime: (iso: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)),
    number: (value: number) => new Intl.NumberFormat(locale).format(value),
    /** "in 3 hours" / "in 2 days" / "yesterday": see relativeTime. */
    relative: (toIso: string, now: Date = new Date()) => relativeTime(locale, toIso, now),
  };
}

/** The day of `date` on the reader's calendar (in `timeZone`, the device's by default), as a day count. */
function calendarDay(date: Date, timeZone?: string): number {
  const parts = new Intl.DateTimeFormat('en-u-ca-gregory', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(part('year'), part('month') - 1, part('day')) / 86_400_000;
}

/**
 * How far `toIso` is from `now`, said in the reader's language. Within a day, in whole hours or
 * minutes ("in 5 hours"); beyond, in calendar days as a reader counts them ("tomorrow" is the next
 * date, so a deadline 47 hours ahead on the day after tomorrow is "in 2 days", never "tomorrow",
 * which counting 24-hour periods would say).
 */
export function relativeTime(locale: string, toIso: string, now: Date, timeZone?: string): string {
  const to = new Date(toIso);
  const seconds = (to.getTime() - now.getTime()) / 1000;
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (Math.abs(seconds) >= 86_400) return format.format(calendarDay(to, timeZone) - calendarDay(now, timeZone), 'day');
  if (Math.abs(seconds) >= 3_600) return format.format(Math.trunc(seconds / 3_600), 'hour');
  return format.format(Math.trunc(seconds / 60), 'minute');
}
