import type { MatchReason, RecordedBirth } from '@haven/core/matching';
import type { TFunction } from 'i18next';
import { Fragment, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Slots the translated sentence leaves for the names: private-use characters no translation or
 * name contains, so the sentence is split there and each name placed in an element of its own.
 */
const FIRST = '\uE000';
const SECOND = '\uE001';
const LIST = '\uE002';
const SLOTS = /([\uE000-\uE002])/u;

/** A name exactly as written in its record, in its own direction (Arabic script in a French sentence). */
function Name({ written }: { written: string }) {
  return <bdi dir="auto">{written}</bdi>;
}

function withNames(sentence: string, first: string, second: string, list: readonly string[], language: string): ReactNode[] {
  return sentence.split(SLOTS).map((part, index) => {
    if (part === FIRST) return <Name key={index} written={first} />;
    if (part === SECOND) return <Name key={index} written={second} />;
    if (part === LIST) {
      // The names joined as the reader's language lists things ("a, b" / "a، b").
      const parts = new Intl.ListFormat(language, { type: 'unit', style: 'narrow' }).formatToParts(list.map((_, i) => String(i)));
      return <Fragment key={index}>{parts.map((p, i) => (p.type === 'element' ? <Name key={i} written={list[Number(p.value)]!} /> : p.value))}</Fragment>;
    }
    return part;
  });
}

function describeBirth(t: TFunction, language: string, birth: RecordedBirth): string {
  const year = Number(birth.date.split('-')[0]);
  if (birth.precision === 'day') return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${birth.date}T00:00:00Z`));
  const written = new Intl.DateTimeFormat(language, { year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(year, 0, 1));
  return t(birth.precision === 'year' ? 'app.matchReasons.yearOnly' : 'app.matchReasons.estimated', { year: written });
}

function sentenceOf(t: TFunction, language: string, reason: MatchReason): ReactNode {
  switch (reason.code) {
    case 'name_same':
    case 'name_alike':
    case 'name_close': {
      const [roleA, roleB] = reason.roles;
      const role = roleA === roleB ? t(`app.matchReasons.roles.${roleA}`) : t('app.matchReasons.rolesDiffer', { first: t(`app.matchReasons.roles.${roleA}`), second: t(`app.matchReasons.roles.${roleB}`) });
      return withNames(t(`app.matchReasons.${reason.code}`, { role, first: FIRST, second: SECOND }), reason.names[0], reason.names[1], [], language);
    }
    case 'name_unmatched':
      return withNames(t('app.matchReasons.name_unmatched', { names: LIST }), '', '', reason.names, language);
    case 'names_reordered':
    case 'no_name':
      return t(`app.matchReasons.${reason.code}`);
    case 'sex_same':
      return t('app.matchReasons.sex_same', { sex: t(`app.matchReasons.sexes.${reason.sex}`) });
    case 'sex_differs':
      return t('app.matchReasons.sex_differs', { first: t(`app.matchReasons.sexes.${reason.sexes[0]}`), second: t(`app.matchReasons.sexes.${reason.sexes[1]}`) });
    case 'nationality_same':
      return t('app.matchReasons.nationality_same', { nationality: countryName(language, reason.nationality) });
    case 'nationality_differs':
      return t('app.matchReasons.nationality_differs', { first: countryName(language, reason.nationalities[0]), second: countryName(language, reason.nationalities[1]) });
    default: {
      const [first, second] = reason.dates.map((birth) => describeBirth(t, language, birth));
      return t(`app.matchReasons.${reason.code}`, { first, second, years: reason.code === 'birth_years_near' ? new Intl.NumberFormat(language).format(reason.years) : undefined });
    }
  }
}

function countryName(language: string, code: string): string {
  try {
    return new Intl.DisplayNames([language], { type: 'region' }).of(code) ?? code;
  } catch {
    return code; // not a region code Intl knows
  }
}

/** What the matcher stored with a likely duplicate; a device may hold some listed before the reasons came as data. */
interface Explained {
  reasons: string[];
  explanations?: MatchReason[];
}

/**
 * Why the matcher takes two records for one person, in the reader's language, with each name as
 * written in its record.
 */
export function MatchReasons({ duplicate, className }: { duplicate: Explained; className?: string }) {
  const { t, i18n } = useTranslation();
  if (!duplicate.explanations) {
    // Kept on the device from before: the matcher's English sentences are all there is.
    return (
      <ul lang="en" className={className} data-testid="duplicate-reasons">
        {duplicate.reasons.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
    );
  }
  return (
    <ul className={className} data-testid="duplicate-reasons">
      {duplicate.explanations.map((reason, index) => (
        <li key={index} data-reason={reason.code}>
          {sentenceOf(t, i18n.language, reason)}
        </li>
      ))}
    </ul>
  );
}
