import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { changeLanguage, isLanguage, LANGUAGES, type Language } from './i18n';

/** Each language named in itself, so a reader finds theirs whatever the current one. */
const NAMES: Record<Language, string> = { en: 'English', fr: 'Français', es: 'Español', ar: 'العربية' };

export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  return (
    <Select className="language-switcher" value={i18n.language} onChange={(key) => typeof key === 'string' && isLanguage(key) && void changeLanguage(key)}>
      <Label className="visually-hidden">{t('app.language')}</Label>
      <Button className="select-button">
        <SelectValue />
        <span aria-hidden="true">▾</span>
      </Button>
      <Popover className="select-popover">
        <ListBox className="select-list">
          {LANGUAGES.map((language) => (
            <ListBoxItem key={language} id={language} className="select-option" lang={language} textValue={NAMES[language]}>
              {NAMES[language]}
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}
