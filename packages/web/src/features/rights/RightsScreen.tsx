import { useEffect, useRef, useState } from 'react';
import { Button, Label, Radio, RadioGroup, Text } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';
import { api, NetworkUnavailable } from '../../app/api';
import { useFormat } from '../../app/format';
import { useMe } from '../../app/session';
import { ProblemAlert } from '../../app/ui/problem';
import { fontStackFor } from './fonts';
import { loadRightsSheet } from './load';
import { countsForInfoRights, sheetGivenAssistance, sheetLanguageFor } from './record';
import { RightsSheetView } from './RightsSheetView';
import { isSheetLanguage, sheetLanguage, SHEET_LANGUAGES, SOURCE_LANGUAGE, type RightsSheet, type SheetLanguage } from './sheet';
import './rights.css';
// The Noto faces for the scripts a phone or laptop may lack. Each @font-face has a unicode-range, so
// the browser fetches a font file only when a character of its script is on screen; the picker
// shows every language's name in its own script, so all three are needed as soon as it opens.
import '@fontsource/noto-sans-arabic/arabic-400.css';
import '@fontsource/noto-sans-ethiopic/ethiopic-400.css';
import '@fontsource/noto-sans-bengali/bengali-400.css';

type Loading = { status: 'loading' } | { status: 'ready'; sheet: RightsSheet } | { status: 'failed' };
type Giving =
  | { status: 'idle' }
  | { status: 'sending' }
  | { status: 'given'; language: SheetLanguage; givenAt: string }
  | { status: 'failed'; error: unknown };

/** The sheet's language named in the app's language, for the officer ("tigrigna" in French). */
function languageName(code: string, uiLanguage: string): string {
  const fallback = isSheetLanguage(code) ? sheetLanguage(code).englishName : code;
  try {
    return new Intl.DisplayNames([uiLanguage], { type: 'language', fallback: 'none' }).of(code) ?? fallback;
  } catch {
    return fallback;
  }
}

/**
 * The officer shows or reads a rights-information sheet to the person, in a language the person
 * picks (independent of the app's language), then records it as given: assistance of type
 * `rights_information` in that language, which fulfils `info.rights`. Opened without a person,
 * the screen only shows the sheets (before registration, at a rescue).
 */
export default function RightsScreen() {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const { personId } = useParams();
  const [search, setSearch] = useSearchParams();
  const asked = search.get('language') ?? '';
  // The languages on the person's record: undefined while they load (or when no person is open).
  const [personLanguages, setPersonLanguages] = useState<readonly string[] | undefined>(undefined);
  const [personRead, setPersonRead] = useState(personId === undefined);
  const language: SheetLanguage | undefined = isSheetLanguage(asked)
    ? asked
    : personRead
      ? (sheetLanguageFor(personLanguages ?? []) ?? SOURCE_LANGUAGE)
      : undefined;
  const [loading, setLoading] = useState<Loading>({ status: 'loading' });
  const [giving, setGiving] = useState<Giving>({ status: 'idle' });
  // One key per sheet shown to this person: a retry after a lost answer is not recorded twice.
  const idempotencyKey = useRef<string>(crypto.randomUUID());

  useEffect(() => {
    if (!personId) return;
    let current = true;
    api<{ fields: Record<string, unknown> }>('GET', `/api/persons/${encodeURIComponent(personId)}`).then(
      (person) => {
        if (!current) return;
        const recorded = person.fields.languages;
        setPersonLanguages(Array.isArray(recorded) ? recorded.filter((l): l is string => typeof l === 'string') : []);
        setPersonRead(true);
      },
      // Offline, or the languages are not ours to see: the sheets still work, without the hint.
      () => current && setPersonRead(true),
    );
    return () => {
      current = false;
    };
  }, [personId]);

  useEffect(() => {
    if (!language) return;
    let current = true;
    setLoading({ status: 'loading' });
    loadRightsSheet(language).then(
      (sheet) => current && setLoading({ status: 'ready', sheet }),
      () => current && setLoading({ status: 'failed' }),
    );
    return () => {
      current = false;
    };
  }, [language]);

  const choose = (next: string) => {
    if (!isSheetLanguage(next)) return;
    idempotencyKey.current = crypto.randomUUID();
    setGiving({ status: 'idle' });
    setSearch((params) => {
      params.set('language', next);
      return params;
    }, { replace: true });
  };

  const give = async (sheet: RightsSheet) => {
    if (!personId) return;
    setGiving({ status: 'sending' });
    try {
      const body = sheetGivenAssistance(sheet, new Date());
      await api('POST', `/api/persons/${encodeURIComponent(personId)}/assistance`, body, { idempotencyKey: idempotencyKey.current });
      setGiving({ status: 'given', language: sheet.language, givenAt: body.givenAt });
      idempotencyKey.current = crypto.randomUUID();
    } catch (error) {
      setGiving({ status: 'failed', error });
    }
  };

  const canRecord = personId !== undefined && me.permissions.includes('assistance:write');
  const sheet = loading.status === 'ready' ? loading.sheet : undefined;

  return (
    <div className="page rights-screen">
      <h1>{t('rights.title')}</h1>
      <RadioGroup className="rights-languages" value={language ?? null} onChange={choose} orientation="horizontal">
        <Label className="rights-languages-label">{t('rights.chooseLanguage')}</Label>
        <Text slot="description" className="rights-languages-help">
          {t('rights.chooseLanguageHelp')}
        </Text>
        <div className="rights-language-tiles">
          {SHEET_LANGUAGES.map((option) => (
            <Radio key={option.code} value={option.code} className="rights-language-tile">
              <span lang={option.code} dir={option.direction} style={{ fontFamily: fontStackFor(option.code, option.script) }} className="rights-language-name">
                {option.name}
              </span>
              <span className="rights-language-english" lang="en">
                {option.englishName}
              </span>
            </Radio>
          ))}
        </div>
      </RadioGroup>

      {personLanguages && personLanguages.length > 0 ? (
        <p className="rights-person-languages">{t('rights.personLanguages', { languages: personLanguages.map((code) => languageName(code, i18n.language)).join(', ') })}</p>
      ) : null}
      {sheet && personLanguages && !countsForInfoRights(sheet.language, personLanguages) ? (
        <p className="alert alert-warning" data-testid="rights-not-on-record">
          {t('rights.notOnRecord', { language: languageName(sheet.language, i18n.language) })}
        </p>
      ) : null}

      {loading.status === 'loading' ? <p role="status">{t('rights.loading')}</p> : null}
      {loading.status === 'failed' ? (
        <p role="alert" className="alert alert-error">
          {t('rights.loadFailed')}
        </p>
      ) : null}

      {sheet ? (
        <>
          <p className="rights-review">
            {sheet.review.status === 'reviewed' ? t('rights.reviewed') : t('rights.unreviewed')} · {t('rights.version', { version: sheet.version })}
          </p>
          <RightsSheetView sheet={sheet} />
          <div className="rights-give">
            {canRecord ? (
              <>
                <Button className="button button-primary button-large" data-testid="rights-sheet-given" onPress={() => void give(sheet)} isDisabled={giving.status === 'sending'}>
                  {giving.status === 'sending' ? t('rights.giving') : t('rights.give')}
                </Button>
                <p className="rights-give-help">{t('rights.giveHelp')}</p>
              </>
            ) : (
              <p>{personId ? t('rights.notAllowed') : t('rights.noPerson')}</p>
            )}
            <div aria-live="polite">
              {giving.status === 'given' ? (
                <p role="status" className="alert alert-ok">
                  {t('rights.given', {
                    language: languageName(giving.language, i18n.language),
                    time: format.dateTime(giving.givenAt),
                  })}
                </p>
              ) : null}
              {giving.status === 'failed' && giving.error instanceof NetworkUnavailable ? (
                <p role="alert" className="alert alert-error">
                  {t('rights.offline')}
                </p>
              ) : null}
              {giving.status === 'failed' && !(giving.error instanceof NetworkUnavailable) ? <ProblemAlert error={giving.error} /> : null}
            </div>
          </div>
        </>
      ) : null}
    </div>
  );
}
