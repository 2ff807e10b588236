import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../app/format';
import type { PersonFields } from './model';
import { RIGHT_TO_LEFT_SCRIPTS } from './person-codes';

/** Country and language names and lists in the reader's language (Intl); a code unknown to the browser shows as it is. */
export function useDisplayNames() {
  const { t, i18n } = useTranslation();
  const named = (type: 'region' | 'language' | 'script', code: string) => {
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
    script: (code: string) => named('script', code),
  };
}

/** The direction a name is written in: its script's when known, else the browser finds it from the letters. */
export function nameDirection(script: string | undefined): 'rtl' | 'ltr' | 'auto' {
  if (!script) return 'auto';
  return RIGHT_TO_LEFT_SCRIPTS.has(script) ? 'rtl' : 'ltr';
}

/** Names as written, each in its own direction (an Arabic name stays right to left on an English page). */
function NameList({ names, script }: { names: readonly { text: string; script?: string | undefined }[]; script?: string | undefined }) {
  const display = useDisplayNames();
  return (
    <ul className="name-list">
      {names.map((name, index) => (
        <li key={index}>
          <bdi dir={nameDirection(name.script ?? script)}>{name.text}</bdi>
          {name.script ? <span className="name-script"> ({display.script(name.script)})</span> : null}
        </li>
      ))}
    </ul>
  );
}

function birthDateText(fields: PersonFields, format: ReturnType<typeof useFormat>, t: (key: string) => string): string | undefined {
  if (!fields.birthDate) return undefined;
  if (fields.birthDatePrecision === 'day' || !fields.birthDatePrecision) return format.date(fields.birthDate);
  return `${fields.birthDate.slice(0, 4)} (${t(`cases.precisions.${fields.birthDatePrecision}`)})`;
}

/**
 * The fields of a person the server returned, and only those: what a role or a referral does not
 * share is not in the answer, so it is not on the screen either. Names are shown as written, in
 * their script's direction; transliterations with the script of each.
 */
export function PersonFacts({ fields, testId }: { fields: PersonFields; testId?: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const names = useDisplayNames();
  const script = fields.nameScript;
  const name = (text: string | undefined) => text && <bdi dir={nameDirection(script)}>{text}</bdi>;
  const rows: [string, ReactNode][] = [
    ['givenName', name(fields.givenName)],
    ['familyName', name(fields.familyName)],
    ['nameScript', script && names.script(script)],
    ['otherNames', fields.otherNames?.length ? <NameList names={fields.otherNames.map((text) => ({ text }))} script={script} /> : undefined],
    ['aliases', fields.aliases?.length ? <NameList names={fields.aliases.map((text) => ({ text }))} /> : undefined],
    [
      'transliterations',
      fields.transliterations?.length ? <NameList names={fields.transliterations.map((n) => ({ text: [n.givenName, n.familyName].filter(Boolean).join(' '), script: n.script }))} /> : undefined,
    ],
    ['sex', fields.sex && t(`cases.sexes.${fields.sex}`)],
    ['birthDate', birthDateText(fields, format, t)],
    ['ageClaimed', fields.ageClaimed !== undefined ? format.number(fields.ageClaimed) : undefined],
    ['ageDisputed', fields.ageDisputed ? t('cases.fact.ageDisputedYes') : undefined],
    ['nationality', fields.nationality && names.nationality(fields.nationality)],
    ['languages', fields.languages?.length ? names.list(fields.languages.map(names.language)) : undefined],
    ['accompaniment', fields.accompaniment && t(`cases.accompaniments.${fields.accompaniment}`)],
    ['phone', fields.phone],
    ['address', fields.address],
  ];
  const shown = rows.filter((row) => Boolean(row[1]));
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
