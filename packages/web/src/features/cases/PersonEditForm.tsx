import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm, type Path } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { api, ApiProblem } from '../../app/api';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import type { Person } from './model';
import { AliasFields, ContactFields, FactFields, LanguageFields, NameFields, TransliterationFields } from './PersonEditFields';
import { changedFields, changeOf, CONTACT_FIELDS, formValuesOf, IDENTITY_FIELDS, personFormSchema, type PersonFormValues } from './person-form';
import { PersonFacts } from './PersonFacts';

/** The fields this caller may change: those of the groups the record was answered with. */
function editableFields(person: Person): string[] {
  return [...(person.fieldGroups.includes('identity') ? IDENTITY_FIELDS : []), ...(person.fieldGroups.includes('contact') ? CONTACT_FIELDS : [])];
}

/** Where the server's field errors go: every input of the form, list rows included. */
function problemFields(values: PersonFormValues): Path<PersonFormValues>[] {
  const rows = (list: string, count: number, columns: string[]) => Array.from({ length: count }, (_, i) => columns.map((c) => `${list}.${i}${c ? `.${c}` : ''}`)).flat();
  return [
    ...IDENTITY_FIELDS.filter((f) => f !== 'nationality' && f !== 'transliterations' && f !== 'aliases' && f !== 'languages'),
    ...CONTACT_FIELDS,
    'country',
    ...rows('transliterations', values.transliterations.length, ['givenName', 'familyName', 'script']),
    ...rows('aliases', values.aliases.length, ['name']),
    ...rows('languages', values.languages.length, ['code']),
  ] as Path<PersonFormValues>[];
}

/**
 * Someone changed the record since this edit began: what they changed, as it is stored now, and
 * the choice. Keeping mine sends only what this officer changed, on the version now stored, so
 * theirs stays; taking theirs puts the stored record in the form. Nothing typed is lost until then.
 */
function ConflictNotice({ base, current, fields, onKeepMine, onTakeTheirs }: { base: Person; current: Person; fields: string[]; onKeepMine: () => void; onTakeTheirs: () => void }) {
  const { t } = useTranslation();
  const changed = changedFields(base.fields, current.fields, fields);
  const theirs = Object.fromEntries(changed.map((field) => [field, (current.fields as Record<string, unknown>)[field]]));
  return (
    <div role="alert" className="alert alert-warning" data-testid="person-conflict">
      <p className="alert-title">{t('cases.person.conflictTitle')}</p>
      <p>{t('cases.person.conflictExplain', { count: changed.length })}</p>
      <PersonFacts fields={theirs} testId="person-conflict-theirs" />
      <div className="actions">
        <Button className="button button-primary" onPress={onKeepMine} data-testid="keep-mine">
          {t('cases.person.keepMine')}
        </Button>
        <Button className="button" onPress={onTakeTheirs} data-testid="take-theirs">
          {t('cases.person.takeTheirs')}
        </Button>
      </div>
    </div>
  );
}

/**
 * The person record's edit form: only the groups the caller sees, only what changed is sent, on
 * the version read. A stale version shows the conflict; server field errors sit beside their fields.
 */
export function PersonEditForm({ person, onSaved, onCancel }: { person: Person; onSaved: (saved: Person) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [base, setBase] = useState(person);
  const [conflict, setConflict] = useState<Person>();
  const [error, setError] = useState<unknown>();
  const fields = editableFields(person);
  const form = useForm<PersonFormValues>({ resolver: zodResolver(personFormSchema(t, base.fields, new Date().toISOString().slice(0, 10))), defaultValues: formValuesOf(base.fields) });
  const first = useRef<HTMLFormElement>(null);
  useEffect(() => first.current?.querySelector<HTMLElement>('input, button')?.focus(), []);
  const send = async (values: PersonFormValues, version: number) => {
    setError(undefined);
    const change = changeOf(values, base.fields, fields);
    if (Object.keys(change).length === 0) return onCancel();
    try {
      onSaved(await api<Person>('PATCH', `/api/persons/${person.id}`, { version, ...change }));
    } catch (failure) {
      if (failure instanceof ApiProblem && failure.code === 'stale-version') {
        setConflict(await api<Person>('GET', `/api/persons/${person.id}`));
        return;
      }
      setError(applyProblem(failure, form.setError, problemFields(values)));
    }
  };
  const submit = form.handleSubmit((values) => send(values, conflict?.version ?? base.version));
  const takeTheirs = (current: Person) => {
    setBase(current);
    setConflict(undefined);
    form.reset(formValuesOf(current.fields));
  };
  const identity = person.fieldGroups.includes('identity');
  return (
    <Form ref={first} onSubmit={submit} validationBehavior="aria" aria-label={t('cases.person.edit')} data-testid="person-edit" className="person-edit">
      {identity ? (
        <>
          <NameFields control={form.control} />
          <TransliterationFields control={form.control} />
          <AliasFields control={form.control} />
          <FactFields control={form.control} />
          <LanguageFields control={form.control} />
        </>
      ) : null}
      {person.fieldGroups.includes('contact') ? <ContactFields control={form.control} /> : null}
      {conflict ? <ConflictNotice base={base} current={conflict} fields={fields} onKeepMine={() => void submit()} onTakeTheirs={() => takeTheirs(conflict)} /> : null}
      <ProblemAlert error={error} />
      <div className="actions">
        <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting} data-testid="save-person">
          {t('cases.person.save')}
        </Button>
        <Button className="button" onPress={onCancel}>
          {t('cases.person.cancel')}
        </Button>
      </div>
    </Form>
  );
}
