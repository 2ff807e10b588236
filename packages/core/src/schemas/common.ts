import { z } from 'zod';

/** An RFC 3339 instant with an explicit offset, e.g. `2026-03-01T06:00:00Z`. */
export const instantSchema = z.iso.datetime({ offset: true });

/** A calendar date `YYYY-MM-DD` that exists (no 31 February). */
export const calendarDateSchema = z.iso.date();

/** ISO 3166-1 alpha-2 country code, upper case. */
export const countryCodeSchema = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as ER or SY');

/** ISO 639 language code (639-1 two letters or 639-3 three letters), lower case. */
export const languageCodeSchema = z.string().regex(/^[a-z]{2,3}$/, 'must be an ISO 639 code such as ar or ti');

/** Identifiers Haven issues are UUIDs. */
export const idSchema = z.uuid();

/** Every mutable record carries a version; an update names the version it was based on. */
export const versionSchema = z.number().int().min(1);

/** Free text from a person or an officer: bounded, never empty when given. */
export function textSchema(max: number) {
  return z.string().trim().min(1).max(max);
}

/** A page of a keyset-paginated list: `nextCursor` fetches the next one, null on the last. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** The answer of an action that has nothing more to say than that it was done. */
export const okSchema = z.object({ ok: z.literal(true) });
