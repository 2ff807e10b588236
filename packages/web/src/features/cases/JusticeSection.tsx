import { INCIDENT_KINDS, type IncidentKind, type LinkableInvestigation, type PersonJustice } from '@haven/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm, type UseFormReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api, ApiProblem } from '../../app/api';
import { useFormat } from '../../app/format';
import { newIdempotencyKey } from '../../app/idempotency';
import { apiQuery } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { SelectField, TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { useOpenOnAsk } from './field-records';
import type { askFor } from './model';

type RecordAsk = ReturnType<typeof askFor>;
const ROLES = ['victim', 'witness'] as const;
const incidentForm = z.object({ kind: z.enum(INCIDENT_KINDS), date: z.union([z.literal(''), z.iso.date()]), place: z.string().trim().max(200), description: z.string().trim().max(10_000) });
const linkForm = z.object({ investigationId: z.string().min(1), role: z.enum(ROLES) });
const today = (): string => new Date().toISOString().slice(0, 10);

/** The server names the instant; the form asks for its day. */
function onDayField(error: unknown): unknown {
  if (!(error instanceof ApiProblem)) return error;
  return new ApiProblem(error.status, error.code, error.title, error.detail, error.errors.map((p) => (p.field.replace(/^body\./, '') === 'occurredAt' ? { ...p, field: 'date' } : p)), error.body);
}

/** Records a crime against the person (or its aggravating circumstance): a death or disappearance fulfils life.death_or_disappearance. */
function IncidentForm({ personId, asked, onChange }: { personId: string; asked: RecordAsk | undefined; onChange: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const form = useForm({ resolver: zodResolver(incidentForm), defaultValues: { kind: 'assault' as IncidentKind, date: '', place: '', description: '' } });
  const panel = useOpenOnAsk(asked, () => {
    form.setValue('kind', 'death');
    setSaved(false);
  });
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    setSaved(false);
    const body = { kind: values.kind, ...(values.date ? { occurredAt: `${values.date}T00:00:00Z` } : {}), ...(values.place ? { place: values.place } : {}), ...(values.description ? { description: values.description } : {}) };
    try {
      await api('POST', `/api/persons/${personId}/incidents`, body, { idempotencyKey: newIdempotencyKey() });
      form.reset();
      setSaved(true);
      onChange();
    } catch (caught) {
      setError(applyProblem(onDayField(caught), form.setError, ['kind', 'date', 'place', 'description']));
    }
  });
  return (
    <details className="case-panel" ref={panel} data-testid="incident-form">
      <summary>{t('cases.justice.recordIncident')}</summary>
      <Form onSubmit={submit} validationBehavior="aria">
        <SelectField control={form.control} name="kind" label={t('cases.justice.incidentKind')} options={INCIDENT_KINDS.map((value) => ({ value, label: t(`cases.justice.incidentKinds.${value}`) }))} isRequired />
        <TextInputField control={form.control} name="date" type="date" label={t('cases.justice.date')} />
        <TextInputField control={form.control} name="place" label={t('cases.justice.place')} />
        <TextInputField control={form.control} name="description" label={t('cases.justice.description')} multiline />
        <ProblemAlert error={error} />
        <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
          {t('cases.justice.saveIncident')}
        </Button>
        {saved ? <p role="status" className="alert alert-ok">{t('cases.justice.incidentSaved')}</p> : null}
      </Form>
    </details>
  );
}

/** Links the person to an investigation chosen by its reference and agency, as victim or witness (a witness is owed witness support). */
function LinkForm({ personId, asked, onChange }: { personId: string; asked: RecordAsk | undefined; onChange: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const investigations = useQuery(apiQuery<{ items: LinkableInvestigation[] }>(queryKeys.linkableInvestigations(), '/api/linkable-investigations'));
  const form: UseFormReturn<z.infer<typeof linkForm>> = useForm({ resolver: zodResolver(linkForm), defaultValues: { investigationId: '', role: 'victim' as const } });
  const panel = useOpenOnAsk(asked, () => form.setValue('role', 'witness'));
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    try {
      await api('POST', `/api/persons/${personId}/justice-links`, values, { idempotencyKey: newIdempotencyKey() });
      form.reset();
      onChange();
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['investigationId', 'role']));
    }
  });
  const options = (investigations.data?.items ?? []).map((i) => ({ value: i.id, label: `${i.reference} · ${i.agencyName}` }));
  return (
    <details className="case-panel" ref={panel} data-testid="justice-link-form">
      <summary>{t('cases.justice.link')}</summary>
      <Form onSubmit={submit} validationBehavior="aria">
        <ProblemAlert error={investigations.error} />
        <SelectField control={form.control} name="role" label={t('cases.justice.role')} options={ROLES.map((value) => ({ value, label: t(`cases.justice.roles.${value}`) }))} isRequired />
        <SelectField control={form.control} name="investigationId" label={t('cases.justice.investigation')} options={options} placeholder={t('cases.justice.chooseInvestigation')} isRequired />
        {investigations.data?.items.length === 0 ? <p>{t('cases.justice.noInvestigation')}</p> : null}
        <ProblemAlert error={error} />
        <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
          {t('cases.justice.saveLink')}
        </Button>
      </Form>
    </details>
  );
}

/** What the person's justice fields hold: the proceedings they take part in and their protection, the crimes against them. */
function JusticeRecord({ justice }: { justice: PersonJustice }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <>
      {justice.links.length === 0 ? <p>{t('cases.justice.noLinks')}</p> : null}
      <ul className="case-history" data-testid="justice-links">
        {justice.links.map((link) => (
          <li key={link.id}>
            <strong>{link.investigation.reference}</strong> · {t(`cases.justice.kinds.${link.investigation.kind}`)} · {t(`cases.justice.roles.${link.role}`)} ·{' '}
            {link.reachable ? t('cases.justice.reachable') : t('cases.justice.unreachable')}
            {link.measures.map((m) => (
              <p key={m.id}>
                {t(`cases.justice.measureTypes.${m.type}`)} · {t(`cases.justice.measureStatuses.${m.status}`)}
                {m.reviewOn ? ` · ${t(m.reviewOn < today() ? 'cases.justice.reviewOverdue' : 'cases.justice.reviewDue', { date: format.date(`${m.reviewOn}T00:00:00Z`) })}` : ''}
              </p>
            ))}
          </li>
        ))}
      </ul>
      <h3>{t('cases.justice.incidents')}</h3>
      {justice.incidents.length === 0 ? <p>{t('cases.justice.noIncidents')}</p> : null}
      <ul className="case-history" data-testid="justice-incidents">
        {justice.incidents.map((incident) => (
          <li key={incident.id}>
            <strong>{t(`cases.justice.incidentKinds.${incident.kind}`)}</strong>
            {incident.occurredAt ? ` · ${format.date(incident.occurredAt)}` : ''}
            {incident.place ? ` · ${incident.place}` : ''} · {t(`cases.justice.incidentStatuses.${incident.status}`)}
          </li>
        ))}
      </ul>
    </>
  );
}

/** The person in justice: their links to investigations, measures and incidents; record an incident, link them to an investigation. */
export function JusticeSection(props: {
  personId: string;
  /** The caller sees justice fields; may record incidents (incident:write); may link (case:manage). */
  may: { read: boolean; record: boolean; link: boolean };
  askedIncident: RecordAsk | undefined;
  askedLink: RecordAsk | undefined;
  onChange: () => void;
}) {
  const { personId, may, onChange } = props;
  const { t } = useTranslation();
  const justice = useQuery({ ...apiQuery<PersonJustice>(queryKeys.personJustice(personId), `/api/persons/${personId}/justice`), enabled: may.read });
  if (!may.read && !may.record && !may.link) return null;
  return (
    <section aria-labelledby="justice-title" data-testid="justice-section">
      <h2 id="justice-title">{t('cases.justice.title')}</h2>
      <ProblemAlert error={justice.error} />
      {justice.data ? <JusticeRecord justice={justice.data} /> : null}
      {may.record ? <IncidentForm personId={personId} asked={props.askedIncident} onChange={onChange} /> : null}
      {may.link ? <LinkForm personId={personId} asked={props.askedLink} onChange={onChange} /> : null}
    </section>
  );
}
