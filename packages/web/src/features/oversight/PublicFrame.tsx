import { useEffect, useState, type ReactNode } from 'react';
import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { changeLanguage, isLanguage } from '../../app/i18n';
import { loadRightsSheet } from '../rights/load';
import type { RightsSheet, SheetLanguage } from '../rights/sheet';
import { INTERFACE_LANGUAGES, loadReportLanguages } from './report-languages';
import './report.css';

/**
 * The public pages' language: one of the interface's (remembered nowhere: the phone may be
 * borrowed), or a language whose rights sheet is reviewed, which shows that sheet's "How to
 * complain" in it above the form.
 */
function ReportLanguagePicker({ sheet, onSheet }: { sheet: SheetLanguage | undefined; onSheet: (language: SheetLanguage | undefined) => void }) {
  const { t, i18n } = useTranslation();
  const [languages, setLanguages] = useState(INTERFACE_LANGUAGES);
  useEffect(() => {
    let live = true;
    loadReportLanguages().then(
      (all) => {
        if (live) setLanguages(all);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  const choose = (code: string) => {
    if (isLanguage(code)) {
      onSheet(undefined);
      void changeLanguage(code, { remember: false });
    } else onSheet(languages.find((language) => language.code === code)?.code);
  };
  return (
    <Select className="language-switcher" value={sheet ?? i18n.language} onChange={(key) => typeof key === 'string' && choose(key)} data-testid="report-language">
      <Label className="visually-hidden">{t('app.language')}</Label>
      <Button className="select-button">
        <SelectValue />
        <span aria-hidden="true">▾</span>
      </Button>
      <Popover className="select-popover">
        <ListBox className="select-list">
          {languages.map((language) => (
            <ListBoxItem key={language.code} id={language.code} className="select-option" lang={language.code} dir={language.direction} textValue={language.name}>
              {language.name}
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}

/** A reviewed sheet's "How to complain", in its own language and direction. */
function SheetComplaints({ language }: { language: SheetLanguage }) {
  const [sheet, setSheet] = useState<RightsSheet>();
  useEffect(() => {
    let live = true;
    loadRightsSheet(language).then(
      (loaded) => {
        if (live) setSheet(loaded);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [language]);
  const section = sheet?.sections.find((s) => s.id === 'complaints');
  if (!sheet || !section) return null;
  return (
    <section className="sheet-complaints" lang={sheet.language} dir={sheet.direction} aria-labelledby="sheet-complaints-title" data-testid="sheet-complaints">
      <h2 id="sheet-complaints-title">{section.heading}</h2>
      {section.sentences.map((sentence) => (
        <p key={sentence}>{sentence}</p>
      ))}
    </section>
  );
}

/** The public pages' frame: no session, no navigation of the signed-in app; the brand and the language. */
export function PublicFrame({ children }: { children: ReactNode }) {
  const [sheet, setSheet] = useState<SheetLanguage>();
  return (
    <div className="sign-in public-report">
      <header className="sign-in-header">
        <span className="brand">Haven</span>
        <ReportLanguagePicker sheet={sheet} onSheet={setSheet} />
      </header>
      <main id="main" className="sign-in-card">
        {sheet ? <SheetComplaints language={sheet} /> : null}
        {children}
      </main>
    </div>
  );
}
