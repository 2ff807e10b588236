import { useQuery } from '@tanstack/react-query';
import { SERVICE_TYPES, type ServiceType } from '@haven/core/codes';
import type { PathwayView as Pathway, ProviderView as Provider } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { CheckboxGroupField } from '../../app/ui/choices';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { SelectField, TextInputField } from '../../app/ui/fields';
import { newIdempotencyKey } from '../../app/idempotency';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import type { Agency } from './AgenciesScreen';
import '../../app/ui/desk.css';
import { AdminStrings } from './strings';

const places = z.string().regex(/^\d{0,6}$/);
const languages = z.string().regex(/^\s*([a-z]{2,3}(\s*,\s*[a-z]{2,3})*)?\s*$/);
const providerForm = z.object({
  agencyId: z.string().min(1),
  name: z.string().trim().min(1).max(200),
  serviceTypes: z.array(z.enum(SERVICE_TYPES)).min(1),
  area: z.string().trim().min(1).max(200),
  languages,
  capacity: places,
  available: places,
  hours: z.string().trim().max(500),
  contact: z.string().trim().max(500),
});
const editForm = providerForm.pick({ capacity: true, available: true, hours: true, contact: true, languages: true });
const pathwayForm = z.object({ serviceType: z.enum(SERVICE_TYPES), area: z.string().trim().min(1).max(200), providerId: z.string().min(1) });

const count = (text: string) => (text.trim() === '' ? null : Number(text));
const languageList = (text: string) => text.split(',').map((code) => code.trim()).filter(Boolean);
const orNull = (text: string) => (text.trim() === '' ? null : text.trim());

/** Capacity, free places, hours, contact and languages of one provider, changed in place. */
function ProviderEdit({ provider, onDone }: { provider: Provider; onDone: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const form = useForm({
    resolver: zodResolver(editForm),
    defaultValues: {
      capacity: provider.capacity?.toString() ?? '',
      available: provider.available?.toString() ?? '',
      hours: provider.hours ?? '',
      contact: provider.contact ?? '',
      languages: provider.languages.join(', '),
    },
  });
  const save = form.handleSubmit(async (values) => {
    setError(undefined);
    try {
      await api('PATCH', `/api/directory/providers/${provider.id}`, {
        version: provider.version,
        capacity: count(values.capacity),
        available: count(values.available),
        hours: orNull(values.hours),
        contact: orNull(values.contact),
        languages: languageList(values.languages),
      });
      onDone();
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['capacity', 'available', 'hours', 'contact', 'languages']));
    }
  });
  return (
    <Form onSubmit={save} validationBehavior="aria" aria-label={t('admin.directory.editOf', { name: provider.name })} className="inline-form">
      <div className="row">
        <TextInputField control={form.control} name="capacity" label={t('admin.directory.capacity')} inputMode="numeric" />
        <TextInputField control={form.control} name="available" label={t('admin.directory.available')} inputMode="numeric" />
        <TextInputField control={form.control} name="hours" label={t('admin.directory.hours')} />
        <TextInputField control={form.control} name="contact" label={t('admin.directory.contact')} description={t('admin.directory.contactHint')} />
        <TextInputField control={form.control} name="languages" label={t('admin.directory.languages')} description={t('admin.directory.languagesHint')} />
      </div>
      <ProblemAlert error={error} />
      <div className="actions">
        <Button type="submit" className="button button-primary">
          {t('admin.save')}
        </Button>
        <Button className="button" onPress={onDone}>
          {t('admin.cancel')}
        </Button>
      </div>
    </Form>
  );
}

/**
 * The service directory: who provides which service where, with what capacity and free places,
 * and the default provider per service and area (the pathways a referral proposes first).
 */
function DirectoryScreenBody() {
  const { t } = useTranslation();
  const providers = useQuery(apiQuery<Provider[]>(queryKeys.providers(), '/api/directory/providers'));
  const pathways = useQuery(apiQuery<Pathway[]>(queryKeys.pathways(), '/api/directory/pathways'));
  const agencies = useQuery(apiQuery<Agency[]>(queryKeys.agencies(), '/api/admin/agencies'));
  return (
    <div className="page admin">
      <h1>{t('admin.directory.title')}</h1>
      <h2 id="provider-list">{t('admin.directory.providers')}</h2>
      <ProblemAlert error={providers.error ?? agencies.error} />
      {providers.data ? <ProviderList providers={providers.data} agencies={agencies.data ?? []} /> : <p role="status">{t('app.loading')}</p>}
      <NewProviderForm agencies={agencies.data ?? []} />
      <PathwaysSection pathways={pathways.data} pathwaysError={pathways.error} providers={providers.data ?? []} />
    </div>
  );
}

/** The providers with their services, area, free places and languages; each edited in place. */
function ProviderList({ providers, agencies }: { providers: Provider[]; agencies: Agency[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [editing, setEditing] = useState<string>();
  const agencyName = new Map(agencies.map((agency) => [agency.id, agency.name]));
  return providers.length === 0 ? (
    <p>{t('admin.directory.noProviders')}</p>
  ) : (
    <div className="table-scroll">
      <table aria-labelledby="provider-list">
        <thead>
          <tr>
            <th scope="col">{t('admin.directory.name')}</th>
            <th scope="col">{t('admin.directory.services')}</th>
            <th scope="col">{t('admin.directory.area')}</th>
            <th scope="col">{t('admin.directory.places')}</th>
            <th scope="col">{t('admin.directory.languages')}</th>
            <th scope="col">{t('admin.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {providers.map((provider) => (
            <tr key={provider.id}>
              <th scope="row">
                {provider.name}
                <div className="muted">{agencyName.get(provider.agencyId) ?? ''}</div>
              </th>
              <td>{provider.serviceTypes.map((service) => t(`admin.services.${service}`)).join(', ')}</td>
              <td>{provider.area}</td>
              <td>
                {provider.capacity === null
                  ? t('admin.directory.capacityUnknown')
                  : t('admin.directory.placesFree', { available: provider.available === null ? '?' : format.number(provider.available), capacity: format.number(provider.capacity) })}
              </td>
              <td>{provider.languages.join(', ') || '—'}</td>
              <td>
                {editing === provider.id ? (
                  <ProviderEdit
                    provider={provider}
                    onDone={() => {
                      setEditing(undefined);
                      void invalidate(queryKeys.providers());
                    }}
                  />
                ) : (
                  <Button className="button" onPress={() => setEditing(provider.id)} aria-label={t('admin.directory.editOf', { name: provider.name })}>
                    {t('admin.edit')}
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A new provider: its agency, services, area, languages and places. */
function NewProviderForm({ agencies }: { agencies: Agency[] }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const form = useForm({
    resolver: zodResolver(providerForm),
    defaultValues: { agencyId: '', name: '', serviceTypes: [] as ServiceType[], area: '', languages: '', capacity: '', available: '', hours: '', contact: '' },
  });
  const serviceOptions = SERVICE_TYPES.map((service) => ({ value: service, label: t(`admin.services.${service}`) }));
  const create = form.handleSubmit(async (values) => {
    setError(undefined);
    try {
      const body = { ...values, languages: languageList(values.languages), capacity: count(values.capacity), available: count(values.available), hours: orNull(values.hours), contact: orNull(values.contact) };
      await api('POST', '/api/directory/providers', body, { idempotencyKey: newIdempotencyKey() });
      form.reset();
      void invalidate(queryKeys.providers());
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['agencyId', 'name', 'serviceTypes', 'area', 'languages', 'capacity', 'available', 'hours', 'contact']));
    }
  });
  return (
    <Form onSubmit={create} validationBehavior="aria" aria-labelledby="new-provider" className="panel">
      <h2 id="new-provider">{t('admin.directory.newProvider')}</h2>
      <div className="row">
        <TextInputField control={form.control} name="name" label={t('admin.directory.name')} isRequired />
        <SelectField control={form.control} name="agencyId" label={t('admin.directory.agency')} options={agencies.map((agency) => ({ value: agency.id, label: agency.name }))} placeholder={t('admin.choose')} isRequired />
        <TextInputField control={form.control} name="area" label={t('admin.directory.area')} isRequired />
        <TextInputField control={form.control} name="languages" label={t('admin.directory.languages')} description={t('admin.directory.languagesHint')} />
        <TextInputField control={form.control} name="capacity" label={t('admin.directory.capacity')} inputMode="numeric" />
        <TextInputField control={form.control} name="available" label={t('admin.directory.available')} inputMode="numeric" />
        <TextInputField control={form.control} name="hours" label={t('admin.directory.hours')} />
        <TextInputField control={form.control} name="contact" label={t('admin.directory.contact')} description={t('admin.directory.contactHint')} />
      </div>
      <CheckboxGroupField control={form.control} name="serviceTypes" label={t('admin.directory.services')} options={serviceOptions} />
      <ProblemAlert error={error} />
      <Button type="submit" className="button button-primary">
        {t('admin.directory.addProvider')}
      </Button>
    </Form>
  );
}

/** The default provider per service and area, removed or added here; a refusal shows above the list. */
function PathwaysSection({ pathways, pathwaysError, providers }: { pathways: Pathway[] | undefined; pathwaysError: unknown; providers: Provider[] }) {
  const { t } = useTranslation();
  const [pathwayError, setPathwayError] = useState<unknown>();
  const providerName = new Map(providers.map((provider) => [provider.id, provider.name]));
  const removePathway = async (entry: Pathway) => {
    setPathwayError(undefined);
    try {
      await api('DELETE', `/api/directory/pathways/${entry.id}?version=${entry.version}`);
      void invalidate(queryKeys.pathways());
    } catch (caught) {
      setPathwayError(caught);
    }
  };
  return (
    <>
      <h2 id="pathway-list">{t('admin.directory.pathways')}</h2>
      <p>{t('admin.directory.pathwaysExplain')}</p>
      <ProblemAlert error={pathwaysError ?? pathwayError} />
      {pathways && pathways.length > 0 ? (
        <div className="table-scroll">
          <table aria-labelledby="pathway-list">
            <thead>
              <tr>
                <th scope="col">{t('admin.directory.service')}</th>
                <th scope="col">{t('admin.directory.area')}</th>
                <th scope="col">{t('admin.directory.provider')}</th>
                <th scope="col">{t('admin.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {pathways.map((entry) => (
                <tr key={entry.id}>
                  <th scope="row">{t(`admin.services.${entry.serviceType}`)}</th>
                  <td>{entry.area}</td>
                  <td>{providerName.get(entry.providerId) ?? '—'}</td>
                  <td>
                    <Button className="button" onPress={() => void removePathway(entry)} aria-label={t('admin.directory.removePathway', { service: t(`admin.services.${entry.serviceType}`), area: entry.area })}>
                      {t('admin.remove')}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : pathways ? (
        <p>{t('admin.directory.noPathways')}</p>
      ) : null}
      <NewPathwayForm providers={providers} onError={setPathwayError} />
    </>
  );
}

/** A default provider for one service in one area. */
function NewPathwayForm({ providers, onError }: { providers: Provider[]; onError: (error: unknown) => void }) {
  const { t } = useTranslation();
  const pathway = useForm({ resolver: zodResolver(pathwayForm), defaultValues: { serviceType: 'shelter' as ServiceType, area: '', providerId: '' } });
  const serviceOptions = SERVICE_TYPES.map((service) => ({ value: service, label: t(`admin.services.${service}`) }));
  const addPathway = pathway.handleSubmit(async (values) => {
    onError(undefined);
    try {
      await api('POST', '/api/directory/pathways', values, { idempotencyKey: newIdempotencyKey() });
      pathway.reset({ serviceType: values.serviceType, area: '', providerId: '' });
      void invalidate(queryKeys.pathways());
    } catch (caught) {
      onError(applyProblem(caught, pathway.setError, ['serviceType', 'area', 'providerId']));
    }
  });
  return (
    <Form onSubmit={addPathway} validationBehavior="aria" aria-labelledby="new-pathway" className="panel">
      <h3 id="new-pathway">{t('admin.directory.newPathway')}</h3>
      <div className="row">
        <SelectField control={pathway.control} name="serviceType" label={t('admin.directory.service')} options={serviceOptions} isRequired />
        <TextInputField control={pathway.control} name="area" label={t('admin.directory.area')} isRequired />
        <SelectField control={pathway.control} name="providerId" label={t('admin.directory.provider')} options={providers.map((provider) => ({ value: provider.id, label: provider.name }))} placeholder={t('admin.choose')} isRequired />
      </div>
      <Button type="submit" className="button button-primary">
        {t('admin.directory.addPathway')}
      </Button>
    </Form>
  );
}

export default function DirectoryScreen() {
  return (
    <AdminStrings>
      <DirectoryScreenBody />
    </AdminStrings>
  );
}
