import { describe, expect, it } from 'vitest';
import { relativeTime } from './format';

// A deadline is said in calendar days once it is a day or more away: "tomorrow" means the next
// date, in every language, not "between 24 and 48 hours from now".

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);
const later = (from: Date, hours: number) => new Date(from.getTime() + hours * HOUR).toISOString();

describe('relative time', () => {
  const evening = at('2026-03-02T21:00:00Z');

  it('says a deadline on the day after tomorrow "in 2 days", however few hours away, in every language', () => {
    const due = later(evening, 47); // 4 March, 20:00
    expect(relativeTime('en', due, evening, 'UTC')).toBe('in 2 days');
    expect(relativeTime('fr', due, evening, 'UTC')).toBe('après-demain');
    for (const language of ['en', 'fr', 'es', 'ar']) {
      const days = (n: number) => new Intl.RelativeTimeFormat(language, { numeric: 'auto' }).format(n, 'day');
      expect(relativeTime(language, due, evening, 'UTC'), language).toBe(days(2));
      expect(days(2), language).not.toBe(days(1));
    }
    expect(relativeTime('en', later(evening, 48), evening, 'UTC')).toBe('in 2 days');
  });

  it('says "tomorrow" for the next date only', () => {
    expect(relativeTime('en', later(evening, 25), evening, 'UTC')).toBe('tomorrow');
    expect(relativeTime('fr', later(evening, 25), evening, 'UTC')).toBe('demain');
    expect(relativeTime('es', later(evening, 25), evening, 'UTC')).toBe('mañana');
    const morning = at('2026-03-02T01:00:00Z');
    expect(relativeTime('en', later(morning, 46), morning, 'UTC')).toBe('tomorrow');
  });

  it('counts the days on the reader’s calendar, in their time zone', () => {
    // 2 March 21:00 UTC is 16:00 in New York; 4 March 02:00 UTC is 3 March 21:00 there.
    expect(relativeTime('en', '2026-03-04T02:00:00Z', evening, 'UTC')).toBe('in 2 days');
    expect(relativeTime('en', '2026-03-04T02:00:00Z', evening, 'America/New_York')).toBe('tomorrow');
  });

  it('says the past the same way, and hours and minutes within a day', () => {
    expect(relativeTime('en', later(evening, -47), evening, 'UTC')).toBe('2 days ago');
    expect(relativeTime('en', later(evening, -22), evening, 'UTC')).toBe('22 hours ago');
    expect(relativeTime('en', later(evening, 5), evening, 'UTC')).toBe('in 5 hours');
    expect(relativeTime('en', later(evening, 0.5), evening, 'UTC')).toBe('in 30 minutes');
  });
});
