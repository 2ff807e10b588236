import { useQuery } from '@tanstack/react-query';
import { AGENCY_TYPES } from '@haven/core/codes';
import type { AgencyView as Agency } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { SelectField, TextInputField } from '../../app/ui/fields';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import '../../app/ui/desk.css';
import { AdminStrings } from './strings';

export type { AgencyView as Agency } from '@haven/core/schemas';

const agencyForm = z.object({
  name: z.string().trim().min(2).max(200),
  type: z.enum(AGENCY_TYPES),
  area: z.string().trim().max(200),
});
type AgencyForm = z.infer<typeof agencyForm>;

function AgencyFields({ form }: { form: ReturnType<typeof useForm<AgencyForm>> }) {
  const { t } = useTranslation();
  const types = AGENCY_TYPES.map((type) => ({ value: type, label: t(`admin.agencyTypes.${type}`) }));
  return (
    <>
      <TextInputField control={form.control} name="name" label={t('admin.agencies.name')} isRequired />
      <SelectField control={form.control} name="type" label={t('admin.agencies.type')} options={types} isRequired />
      <TextInputField control={form.control} name="area" label={t('admin.agencies.area')} description={t('admin.agencies.areaHint')} />
    </>
  );
}

/** One agency's row, with its details changed in place (409 when someone changed it first). */
function AgencyRow({ agency, onChanged }: { agency: Agency; onChanged: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<unknown>();
  const form = useForm<AgencyForm>({ resolver: zodResolver(agencyForm), defaultValues: { name: agency.name, type: agency.type, area: agency.area ?? '' } });
  const save = form.handleSubmit(async (values) => {
    setError(undefined);
    try {
      await api('PATCH', `/api/admin/agencies/${agency.id}`, { version: agency.version, name: values.name, type: values.type, ...(values.area ? { area: values.area } : {}) });
      setEditing(false);
      onChanged();
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['name', 'type', 'area']));
    }
  });
  return (
    <tr>
      <th scope="row">{agency.name}</th>
      <td>{t(`admin.agencyTypes.${agency.type}`)}</td>
      <td>{agency.area ?? '—'}</td>
      <td>{format.date(agency.createdAt)}</td>
      <td>
        {editing ? (
          <Form onSubmit={save} validationBehavior="aria" aria-label={t('admin.agencies.editOf', { name: agency.name })} className="inline-form">
            <AgencyFields form={form} />
            <ProblemAlert error={error} />
            <div className="actions">
              <Button type="submit" className="button button-primary">
                {t('admin.save')}
              </Button>
              <Button className="button" onPress={() => setEditing(false)}>
                {t('admin.cancel')}
              </Button>
            </div>
          </Form>
        ) : (
          <Button className="button" onPress={() => setEditing(true)} aria-label={t('admin.agencies.editOf', { name: agency.name })}>
            {t('admin.edit')}
          </Button>
        )}
      </td>
    </tr>
  );
}

/** The agencies of the jurisdiction: every user belongs to one, and record scope follows it. */
function AgenciesScreenBody() {
  const { t } = useTranslation();
  const agencies = useQuery(apiQuery<Agency[]>(queryKeys.agencies(), '/api/admin/agencies'));
  const [error, setError] = useState<unknown>();
  const [created, setCreated] = useState<string>();
  const form = useForm<AgencyForm>({ resolver: zodResolver(agencyForm), defaultValues: { name: '', type: 'government', area: '' } });
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    setCreated(undefined);
    try {
      const agency = await api<Agency>('POST', '/api/admin/agencies', { name: values.name, type: values.type, ...(values.area ? { area: values.area } : {}) });
      setCreated(agency.name);
      form.reset({ name: '', type: values.type, area: '' });
      void invalidate(queryKeys.agencies());
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['name', 'type', 'area']));
    }
  });
  return (
    <div className="page admin">
      <h1>{t('admin.agencies.title')}</h1>
      <Form onSubmit={submit} validationBehavior="aria" aria-labelledby="new-agency" className="panel">
        <h2 id="new-agency">{t('admin.agencies.new')}</h2>
        <AgencyFields form={form} />
        <ProblemAlert error={error} />
        {created ? (
          <p role="status" className="alert alert-ok">
            {t('admin.agencies.created', { name: created })}
          </p>
        ) : null}
        <Button type="submit" className="button button-primary">
          {t('admin.agencies.create')}
        </Button>
      </Form>
      <h2 id="agency-list">{t('admin.agencies.list')}</h2>
      <ProblemAlert error={agencies.error} />
      {agencies.data ? (
        <div className="table-scroll">
          <table aria-labelledby="agency-list">
            <thead>
              <tr>
                <th scope="col">{t('admin.agencies.name')}</th>
                <th scope="col">{t('admin.agencies.type')}</th>
                <th scope="col">{t('admin.agencies.area')}</th>
                <th scope="col">{t('admin.agencies.createdAt')}</th>
                <th scope="col">{t('admin.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {agencies.data.map((agency) => (
                <AgencyRow key={`${agency.id}:${agency.version}`} agency={agency} onChanged={() => void invalidate(queryKeys.agencies())} />
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p role="status">{t('app.loading')}</p>
      )}
    </div>
  );
}

export default function AgenciesScreen() {
  return (
    <AdminStrings>
      <AgenciesScreenBody />
    </AdminStrings>
  );
}
