import { useQuery } from '@tanstack/react-query';
import { AGGRAVATING_CIRCUMSTANCES, INVESTIGATION_KINDS, INVESTIGATION_STATUSES, SMUGGLING_OFFENCES, type AggravatingCircumstance, type InvestigationStatus } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { CheckboxGroupField } from '../../app/ui/choices';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { SelectField, TextInputField } from '../../app/ui/fields';
import { newIdempotencyKey } from '../../app/idempotency';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import type { Investigation } from './model';
import '../../app/ui/desk.css';
import { JusticeStrings } from './strings';

const investigationForm = z.object({
  reference: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9 ._:/-]{0,79}$/),
  kind: z.enum(INVESTIGATION_KINDS),
  offence: z.enum(SMUGGLING_OFFENCES),
  aggravating: z.array(z.enum(AGGRAVATING_CIRCUMSTANCES)),
});

/** The agency's investigations and prosecutions of smuggling, and a new one by its case reference (no names). */
function InvestigationsScreenBody() {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const [status, setStatus] = useState<InvestigationStatus | ''>('');
  const list = useQuery(apiQuery<{ items: Investigation[]; nextCursor: string | null }>(queryKeys.investigations(status), `/api/investigations?limit=100${status ? `&status=${status}` : ''}`));
  const [error, setError] = useState<unknown>();
  const form = useForm({
    resolver: zodResolver(investigationForm),
    defaultValues: { reference: '', kind: 'investigation' as const, offence: 'smuggling_of_migrants' as const, aggravating: [] as AggravatingCircumstance[] },
  });
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    try {
      const created = await api<Investigation>('POST', '/api/investigations', values, { idempotencyKey: newIdempotencyKey() });
      void invalidate(queryKeys.investigations());
      navigate(`/investigations/${created.id}`);
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['reference', 'kind', 'offence', 'aggravating']));
    }
  });
  return (
    <div className="page desk">
      <h1>{t('justice.investigations.title')}</h1>
      <div className="filters" role="group" aria-label={t('justice.investigations.filter')}>
        {(['', ...INVESTIGATION_STATUSES] as const).map((value) => (
          <Button key={value || 'all'} className={status === value ? 'button button-primary' : 'button'} aria-pressed={status === value} onPress={() => setStatus(value)}>
            {value ? t(`justice.statuses.${value}`) : t('justice.investigations.all')}
          </Button>
        ))}
      </div>
      <ProblemAlert error={list.error} />
      {list.data === undefined ? (
        <p role="status">{t('app.loading')}</p>
      ) : list.data.items.length === 0 ? (
        <p>{t('justice.investigations.none')}</p>
      ) : (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{t('justice.investigations.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('justice.reference')}</th>
                <th scope="col">{t('justice.kind')}</th>
                <th scope="col">{t('justice.offence')}</th>
                <th scope="col">{t('justice.status')}</th>
                <th scope="col">{t('justice.investigations.opened')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((investigation) => (
                <tr key={investigation.id}>
                  <th scope="row">
                    <Link to={`/investigations/${investigation.id}`}>{investigation.reference}</Link>
                  </th>
                  <td>{t(`justice.kinds.${investigation.kind}`)}</td>
                  <td>
                    {t(`justice.offences.${investigation.offence}`)}
                    {investigation.aggravating.length > 0 ? <div className="muted">{investigation.aggravating.map((a) => t(`justice.aggravating.${a}`)).join(', ')}</div> : null}
                  </td>
                  <td>{t(`justice.statuses.${investigation.status}`)}</td>
                  <td>{format.date(investigation.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Form onSubmit={submit} validationBehavior="aria" aria-labelledby="new-investigation" className="panel">
        <h2 id="new-investigation">{t('justice.investigations.new')}</h2>
        <div className="row">
          <TextInputField control={form.control} name="reference" label={t('justice.reference')} description={t('justice.investigations.referenceHint')} isRequired />
          <SelectField control={form.control} name="kind" label={t('justice.kind')} options={INVESTIGATION_KINDS.map((value) => ({ value, label: t(`justice.kinds.${value}`) }))} isRequired />
          <SelectField control={form.control} name="offence" label={t('justice.offence')} options={SMUGGLING_OFFENCES.map((value) => ({ value, label: t(`justice.offences.${value}`) }))} isRequired />
        </div>
        <CheckboxGroupField control={form.control} name="aggravating" label={t('justice.aggravatingTitle')} options={AGGRAVATING_CIRCUMSTANCES.map((value) => ({ value, label: t(`justice.aggravating.${value}`) }))} />
        <ProblemAlert error={error} />
        <Button type="submit" className="button button-primary">
          {t('justice.investigations.create')}
        </Button>
      </Form>
    </div>
  );
}

export default function InvestigationsScreen() {
  return (
    <JusticeStrings>
      <InvestigationsScreenBody />
    </JusticeStrings>
  );
}
