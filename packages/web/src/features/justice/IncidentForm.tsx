import { INCIDENT_KINDS } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form, Input, Label, SearchField } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api, ApiProblem } from '../../app/api';
import { CheckboxGroupField } from '../../app/ui/choices';
import { SelectField, TextInputField } from '../../app/ui/fields';
import { newIdempotencyKey } from '../../app/idempotency';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { matching, useVisiblePersons, type NamedPerson } from './persons';

const incidentForm = z.object({
  kind: z.enum(INCIDENT_KINDS),
  date: z.union([z.literal(''), z.iso.date()]),
  place: z.string().trim().max(200),
  description: z.string().trim().max(10_000),
  victims: z.array(z.string()),
  witnesses: z.array(z.string()),
});
type IncidentFormValues = z.infer<typeof incidentForm>;

/** A date as an instant at its start (UTC): the day is what the investigator knows. */

export const dayStart = (date: string): string => `${date}T00:00:00Z`;

/** The server names the instant; the form asks for its day. */
export function onDayField(error: unknown): unknown {
  if (!(error instanceof ApiProblem)) return error;
  const errors = error.errors.map((problem) => (problem.field.replace(/^body\./, '') === 'occurredAt' ? { ...problem, field: 'date' } : problem));
  return new ApiProblem(error.status, error.code, error.title, error.detail, errors, error.body);
}

/** Finds persons by name: what is typed narrows the lists below it. */
export function PersonSearch({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  return (
    <SearchField className="field" value={value} onChange={onChange}>
      <Label>{t('justice.persons.search')}</Label>
      <Input />
    </SearchField>
  );
}

const options = (persons: readonly NamedPerson[]) => persons.map((person) => ({ value: person.id, label: person.name }));

/** Records an incident in this investigation: its kind, date and place, its victims and witnesses, chosen by name. */
export function IncidentForm({ investigationId, onRecorded }: { investigationId: string; onRecorded: (personIds: string[]) => void }) {
  const { t } = useTranslation();
  const { persons, error: personsError } = useVisiblePersons();
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<unknown>();
  const form = useForm<IncidentFormValues>({ resolver: zodResolver(incidentForm), defaultValues: { kind: 'assault', date: '', place: '', description: '', victims: [], witnesses: [] } });
  const [victims, witnesses] = form.watch(['victims', 'witnesses']);
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    const body = {
      kind: values.kind,
      victims: values.victims,
      witnesses: values.witnesses,
      ...(values.date ? { occurredAt: dayStart(values.date) } : {}),
      ...(values.place ? { place: values.place } : {}),
      ...(values.description ? { description: values.description } : {}),
    };
    try {
      await api('POST', `/api/investigations/${investigationId}/incidents`, body, { idempotencyKey: newIdempotencyKey() });
      form.reset();
      setTyped('');
      onRecorded([...values.victims, ...values.witnesses]);
    } catch (caught) {
      setError(applyProblem(onDayField(caught), form.setError, ['kind', 'date', 'place', 'description', 'victims', 'witnesses']));
    }
  });
  return (
    <Form onSubmit={submit} validationBehavior="aria" aria-labelledby="record-incident" className="panel" data-testid="incident-form">
      <h2 id="record-incident">{t('justice.incidents.record')}</h2>
      <div className="row">
        <SelectField control={form.control} name="kind" label={t('justice.incidents.kind')} options={INCIDENT_KINDS.map((value) => ({ value, label: t(`justice.incidents.kinds.${value}`) }))} isRequired />
        <TextInputField control={form.control} name="date" type="date" label={t('justice.incidents.date')} />
        <TextInputField control={form.control} name="place" label={t('justice.incidents.place')} />
      </div>
      <TextInputField control={form.control} name="description" label={t('justice.incidents.description')} multiline />
      <h3>{t('justice.incidents.involved')}</h3>
      <ProblemAlert error={personsError} />
      <PersonSearch value={typed} onChange={setTyped} />
      {persons.length === 0 ? <p>{t('justice.persons.none')}</p> : null}
      <div className="row">
        <CheckboxGroupField control={form.control} name="victims" label={t('justice.incidents.victims')} options={options(matching(persons, typed, victims).filter((p) => !witnesses.includes(p.id)))} />
        <CheckboxGroupField control={form.control} name="witnesses" label={t('justice.incidents.witnesses')} options={options(matching(persons, typed, witnesses).filter((p) => !victims.includes(p.id)))} />
      </div>
      <ProblemAlert error={error} />
      <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
        {t('justice.incidents.save')}
      </Button>
    </Form>
  );
}
