import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { SelectField } from '../../app/ui/fields';
import { newIdempotencyKey } from '../../app/idempotency';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { PersonSearch } from './IncidentForm';
import { matching, useVisiblePersons } from './persons';

/** How a person takes part in proceedings (core's JUSTICE_ROLES). */
export const JUSTICE_ROLES = ['victim', 'witness'] as const;
/** The form's rules; the message for a person not chosen is the user's language's. */
const linkForm = (choose: string) => z.object({ personId: z.string().min(1, choose), role: z.enum(JUSTICE_ROLES) });

/** Links a person the agency sees to this investigation, as victim or witness, chosen by name. */
export function LinkPersonForm({ investigationId, onLinked }: { investigationId: string; onLinked: (personId: string) => void }) {
  const { t } = useTranslation();
  const { persons, error: personsError } = useVisiblePersons();
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<unknown>();
  const form = useForm({ resolver: zodResolver(linkForm(t('justice.persons.choose'))), defaultValues: { personId: '', role: 'witness' as const } });
  const chosen = form.watch('personId');
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    try {
      await api('POST', `/api/investigations/${investigationId}/links`, values, { idempotencyKey: newIdempotencyKey() });
      form.reset();
      onLinked(values.personId);
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['personId', 'role']));
    }
  });
  const options = matching(persons, typed, chosen ? [chosen] : []).map((person) => ({ value: person.id, label: person.name }));
  return (
    <Form onSubmit={submit} validationBehavior="aria" aria-labelledby="link-person" className="panel" data-testid="link-form">
      <h3 id="link-person">{t('justice.links.add')}</h3>
      <ProblemAlert error={personsError} />
      <PersonSearch value={typed} onChange={setTyped} />
      <div className="row">
        <SelectField control={form.control} name="personId" label={t('justice.persons.person')} options={options} placeholder={t('justice.persons.choose')} isRequired />
        <SelectField control={form.control} name="role" label={t('justice.links.role')} options={JUSTICE_ROLES.map((value) => ({ value, label: t(`justice.roles.${value}`) }))} isRequired />
      </div>
      <ProblemAlert error={error} />
      <Button type="submit" className="button">
        {t('justice.links.link')}
      </Button>
    </Form>
  );
}
