import { Button } from 'react-aria-components';
import { useFieldArray, useWatch, type Control } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ChoiceField, SelectField, TextInputField, type Option } from '../../app/ui/fields';
import { COUNTRIES, LANGUAGES, NAME_SCRIPTS } from './person-codes';
import { NATIONALITY_KINDS, PRECISIONS, SEX_CHOICES, type PersonFormValues } from './person-form';
import { useDisplayNames } from './PersonFacts';

type FormControl = Control<PersonFormValues>;

/** Codes as options named in the reader's language, sorted by name; a code already recorded is kept. */
function namedOptions(codes: readonly string[], current: readonly string[], name: (code: string) => string): Option[] {
  return [...new Set([...codes, ...current.filter(Boolean)])].map((value) => ({ value, label: name(value) })).sort((a, b) => a.label.localeCompare(b.label));
}

/** The name as the person gives it, in its script. */
export function NameFields({ control }: { control: FormControl }) {
  const { t } = useTranslation();
  const names = useDisplayNames();
  const script = useWatch({ control, name: 'nameScript' });
  return (
    <fieldset className="form-group">
      <legend>{t('cases.person.names')}</legend>
      <TextInputField control={control} name="givenName" label={t('cases.fact.givenName')} />
      <TextInputField control={control} name="familyName" label={t('cases.fact.familyName')} />
      <SelectField control={control} placeholder={t('cases.person.choose')} name="nameScript" label={t('cases.fact.nameScript')} options={namedOptions(NAME_SCRIPTS, [script], names.script)} />
    </fieldset>
  );
}

/** The same name written in other scripts, each with its script. */
export function TransliterationFields({ control }: { control: FormControl }) {
  const { t } = useTranslation();
  const names = useDisplayNames();
  const { fields, append, remove } = useFieldArray({ control, name: 'transliterations' });
  const scripts = useWatch({ control, name: 'transliterations' }).map((row) => row.script);
  return (
    <fieldset className="form-group" data-testid="transliterations">
      <legend>{t('cases.fact.transliterations')}</legend>
      {fields.map((row, index) => (
        <div key={row.id} className="form-row" role="group" aria-label={t('cases.person.transliterationN', { n: index + 1 })}>
          <TextInputField control={control} name={`transliterations.${index}.givenName`} label={t('cases.fact.givenName')} />
          <TextInputField control={control} name={`transliterations.${index}.familyName`} label={t('cases.fact.familyName')} />
          <SelectField control={control} placeholder={t('cases.person.choose')} name={`transliterations.${index}.script`} label={t('cases.fact.nameScript')} options={namedOptions(NAME_SCRIPTS, scripts, names.script)} />
          <Button className="button" onPress={() => remove(index)}>
            {t('cases.person.removeTransliteration', { n: index + 1 })}
          </Button>
        </div>
      ))}
      <Button className="button" onPress={() => append({ givenName: '', familyName: '', script: 'Latn' })}>
        {t('cases.person.addTransliteration')}
      </Button>
    </fieldset>
  );
}

/** Other names the person is known by. */
export function AliasFields({ control }: { control: FormControl }) {
  const { t } = useTranslation();
  const { fields, append, remove } = useFieldArray({ control, name: 'aliases' });
  return (
    <fieldset className="form-group" data-testid="aliases">
      <legend>{t('cases.fact.aliases')}</legend>
      {fields.map((row, index) => (
        <div key={row.id} className="form-row">
          <TextInputField control={control} name={`aliases.${index}.name`} label={t('cases.person.aliasN', { n: index + 1 })} />
          <Button className="button" onPress={() => remove(index)}>
            {t('cases.person.removeAlias', { n: index + 1 })}
          </Button>
        </div>
      ))}
      <Button className="button" onPress={() => append({ name: '' })}>
        {t('cases.person.addAlias')}
      </Button>
    </fieldset>
  );
}

/** The languages the person speaks, first the one to speak to them in. */
export function LanguageFields({ control }: { control: FormControl }) {
  const { t } = useTranslation();
  const names = useDisplayNames();
  const { fields, append, remove } = useFieldArray({ control, name: 'languages' });
  const codes = useWatch({ control, name: 'languages' }).map((row) => row.code);
  return (
    <fieldset className="form-group" data-testid="languages">
      <legend>{t('cases.fact.languages')}</legend>
      {fields.map((row, index) => (
        <div key={row.id} className="form-row">
          <SelectField control={control} placeholder={t('cases.person.choose')} name={`languages.${index}.code`} label={t('cases.person.languageN', { n: index + 1 })} options={namedOptions(LANGUAGES, codes, names.language)} />
          <Button className="button" onPress={() => remove(index)}>
            {t('cases.person.removeLanguage', { n: index + 1 })}
          </Button>
        </div>
      ))}
      <Button className="button" onPress={() => append({ code: '' })}>
        {t('cases.person.addLanguage')}
      </Button>
    </fieldset>
  );
}

/** Sex, date of birth and the age the person gives, and their nationality: a country, stateless, or unknown. */
export function FactFields({ control }: { control: FormControl }) {
  const { t } = useTranslation();
  const names = useDisplayNames();
  const [kind, country] = useWatch({ control, name: ['nationalityKind', 'country'] });
  return (
    <fieldset className="form-group">
      <legend>{t('cases.person.facts')}</legend>
      <SelectField control={control} placeholder={t('cases.person.choose')} name="sex" label={t('cases.fact.sex')} options={SEX_CHOICES.map((value) => ({ value, label: t(`cases.sexes.${value}`) }))} />
      <TextInputField control={control} name="birthDate" type="date" label={t('cases.fact.birthDate')} />
      <SelectField control={control} placeholder={t('cases.person.choose')} name="birthDatePrecision" label={t('cases.person.precision')} options={PRECISIONS.map((value) => ({ value, label: t(`cases.precisions.${value}`) }))} />
      <TextInputField control={control} name="ageClaimed" inputMode="numeric" label={t('cases.fact.ageClaimed')} />
      <ChoiceField control={control} name="nationalityKind" label={t('cases.fact.nationality')} options={NATIONALITY_KINDS.map((value) => ({ value, label: t(`cases.person.nationalityKinds.${value}`) }))} />
      {kind === 'country' ? <SelectField control={control} placeholder={t('cases.person.choose')} name="country" label={t('cases.person.country')} options={namedOptions(COUNTRIES, [country], (code) => names.nationality(code))} /> : null}
    </fieldset>
  );
}

export function ContactFields({ control }: { control: FormControl }) {
  const { t } = useTranslation();
  return (
    <fieldset className="form-group">
      <legend>{t('cases.person.contact')}</legend>
      <TextInputField control={control} name="phone" type="tel" label={t('cases.fact.phone')} />
      <TextInputField control={control} name="address" label={t('cases.fact.address')} multiline />
    </fieldset>
  );
}
