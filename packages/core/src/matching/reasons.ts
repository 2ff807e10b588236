import { z } from 'zod';

// Why the matcher judged two records alike, as data: the web app words each reason in the
// officer's language around the names as written, and `describeReason` gives the English sentence
// that `haven match` and the API's `reasons` have always carried.

const nameRoleSchema = z.enum(['given', 'family', 'other']);
/** Two of something, one from each record: in the order the records were compared, unless said otherwise. */
const both = <T extends z.ZodType>(item: T) => z.tuple([item, item]);

/** A birth date as recorded: `YYYY-MM-DD` when the day is known, else the year alone. */
export const recordedBirthSchema = z.object({
  date: z.string().regex(/^\d+(-\d{2}-\d{2})?$/u),
  precision: z.enum(['day', 'year', 'estimated']),
});
export type RecordedBirth = z.infer<typeof recordedBirthSchema>;

const alignedNames = {
  /** The role of each name in its record (given, family, other). */
  roles: both(nameRoleSchema),
  /** The two names as written, the one of the record with fewer names first (the first record's on a tie). */
  names: both(z.string()),
};
const birthDates = { dates: both(recordedBirthSchema) };

export const matchReasonSchema = z
  .discriminatedUnion('code', [
    z.object({ code: z.literal('name_same'), ...alignedNames }),
    z.object({ code: z.literal('name_alike'), ...alignedNames }),
    z.object({ code: z.literal('name_close'), ...alignedNames }),
    /** Three or more names shared in an order no registration habit explains. */
    z.object({ code: z.literal('names_reordered') }),
    /** Names of the record with fewer names that none of the other's matched. */
    z.object({ code: z.literal('name_unmatched'), names: z.array(z.string()).min(1) }),
    z.object({ code: z.literal('no_name') }),
    z.object({ code: z.literal('birth_same_date'), ...birthDates }),
    z.object({ code: z.literal('birth_day_month_swapped'), ...birthDates }),
    z.object({ code: z.literal('birth_one_part_differs'), ...birthDates }),
    z.object({ code: z.literal('birth_same_year_other_day'), ...birthDates }),
    z.object({ code: z.literal('birth_year_off_by_one'), ...birthDates }),
    z.object({ code: z.literal('birth_dates_differ'), ...birthDates }),
    z.object({ code: z.literal('birth_same_year'), ...birthDates }),
    z.object({ code: z.literal('birth_years_near'), ...birthDates, years: z.number().int().min(1) }),
    z.object({ code: z.literal('birth_years_far'), ...birthDates }),
    z.object({ code: z.literal('sex_same'), sex: z.enum(['male', 'female']) }),
    z.object({ code: z.literal('sex_differs'), sexes: both(z.enum(['male', 'female'])) }),
    z.object({ code: z.literal('nationality_same'), nationality: z.string() }),
    z.object({ code: z.literal('nationality_differs'), nationalities: both(z.string()) }),
  ])
  .describe('One reason of the matcher, as data: a code and the names, dates, sexes or nationalities it compared')
  .meta({ id: 'MatchReason' });
export type MatchReason = z.infer<typeof matchReasonSchema>;
export type MatchReasonCode = MatchReason['code'];

function describeBirth(birth: RecordedBirth): string {
  return birth.precision === 'day' ? birth.date : `${birth.date} (${birth.precision === 'year' ? 'year only' : 'estimated'})`;
}

/** The English sentence of a reason. */
export function describeReason(reason: MatchReason): string {
  switch (reason.code) {
    case 'name_same':
    case 'name_alike':
    case 'name_close': {
      const [roleA, roleB] = reason.roles;
      const how = reason.code === 'name_same' ? 'same' : reason.code === 'name_alike' ? 'sounds alike' : 'close';
      return `${roleA === roleB ? roleA : `${roleA}/${roleB}`} name ${how}: ${reason.names[0]} ~ ${reason.names[1]}`;
    }
    case 'names_reordered':
      return 'names in a different order (a father named as the son, or the other way round?)';
    case 'name_unmatched':
      return `name not found in the other record: ${reason.names.join(', ')}`;
    case 'no_name':
      return 'no name to compare';
    case 'sex_same':
      return `same sex (${reason.sex})`;
    case 'sex_differs':
      return `different sex: ${reason.sexes[0]} / ${reason.sexes[1]}`;
    case 'nationality_same':
      return `same nationality (${reason.nationality})`;
    case 'nationality_differs':
      return `different nationality: ${reason.nationalities[0]} / ${reason.nationalities[1]}`;
    case 'birth_same_date':
      return `same birth date ${describeBirth(reason.dates[0])}`;
    default: {
      const dates = `${describeBirth(reason.dates[0])} / ${describeBirth(reason.dates[1])}`;
      switch (reason.code) {
        case 'birth_day_month_swapped':
          return `birth date with day and month swapped: ${dates}`;
        case 'birth_one_part_differs':
          return `birth dates differ by one part: ${dates}`;
        case 'birth_same_year_other_day':
          return `same birth year, different day: ${dates}`;
        case 'birth_year_off_by_one':
          return `birth year differs by one, same day: ${dates}`;
        case 'birth_dates_differ':
          return `different birth dates: ${dates}`;
        case 'birth_same_year':
          return `same birth year: ${dates}`;
        case 'birth_years_near':
          return `birth years within ${reason.years}: ${dates}`;
        case 'birth_years_far':
          return `birth years too far apart: ${dates}`;
      }
    }
  }
}
