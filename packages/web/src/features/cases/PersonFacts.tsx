import { useTranslation } from 'react-i18next';
import { useFormat } from '../../app/format';
import type { PersonFields } from './model';

/** Country and language names and lists in the reader's language (Intl); a code unknown to the browser shows as it is. */
export function useDisplayNames() {
  const { t, i18n } = useTranslation();
  const named = (type: 'region' | 'language', code: string) => {
    try {
      return new Intl.DisplayNames(i18n.language, { type, fallback: 'code' }).of(code) ?? code;
    } catch {
      return code;
    }
  };
  let listFormat: Intl.ListFormat | undefined;
  return {
    /** Items of a list joined as the reader's language joins them (", " in English, "، " in Arabic). */
    list: (items: readonly string[]) => (listFormat ??= new Intl.ListFormat(i18n.language, { type: 'unit', style: 'short' })).format(items),
    nationality: (code: string) => (code === 'stateless' || code === 'unknown' ? t(`cases.nationalities.${code}`) : named('region', code)),
    language: (code: string) => named('language', code),
  };
}

/**
 * The fields of a person the server returned, and only those: what a role or a referral does not
 * share is not in the answer, so it is not on the screen either.
 */
export function PersonFacts({ fields, testId }: { fields: PersonFields; testId?: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useDisplayNames();
  const rows: [string, string | undefined][] = [
    ['givenName', fields.givenName],
    ['familyName', fields.familyName],
    ['otherNames', fields.otherNames && names.list(fields.otherNames)],
    ['aliases', fields.aliases && names.list(fields.aliases)],
    ['transliterations', fields.transliterations && names.list(fields.transliterations.map((name) => [name.givenName, name.familyName].filter(Boolean).join(' ')))],
    ['sex', fields.sex && t(`cases.sexes.${fields.sex}`)],
    ['birthDate', fields.birthDate && (fields.birthDatePrecision === 'day' || !fields.birthDatePrecision ? format.date(fields.birthDate) : `${fields.birthDate.slice(0, 4)} (${t(`cases.precisions.${fields.birthDatePrecision}`)})`)],
    ['ageClaimed', fields.ageClaimed !== undefined ? format.number(fields.ageClaimed) : undefined],
    ['ageDisputed', fields.ageDisputed ? t('cases.fact.ageDisputedYes') : undefined],
    ['nationality', fields.nationality && names.nationality(fields.nationality)],
    ['languages', fields.languages?.length ? names.list(fields.languages.map(names.language)) : undefined],
    ['accompaniment', fields.accompaniment && t(`cases.accompaniments.${fields.accompaniment}`)],
    ['phone', fields.phone],
    ['address', fields.address],
  ];
  const shown = rows.filter((row): row is [string, string] => Boolean(row[1]));
  if (shown.length === 0) return <p>{t('cases.fact.nothingShared')}</p>;
  return (
    <dl className="case-facts" {...(testId ? { 'data-testid': testId } : {})}>
      {shown.map(([key, value]) => (
        <div key={key} data-field={key}>
          <dt>{t(`cases.fact.${key}`)}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
