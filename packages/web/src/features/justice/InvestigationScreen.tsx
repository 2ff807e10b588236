import { useQuery } from '@tanstack/react-query';
import { AGGRAVATING_CIRCUMSTANCES, INVESTIGATION_KINDS, INVESTIGATION_STATUSES, PROTECTION_MEASURE_TYPES, SMUGGLING_OFFENCES } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { CheckboxGroupField } from '../../app/ui/choices';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { SelectField, TextInputField } from '../../app/ui/fields';
import { newIdempotencyKey } from '../../app/idempotency';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import type { Investigation, InvestigationDetail, JusticeLink, ProtectionMeasure } from './model';
import '../../app/ui/desk.css';
import { JusticeStrings } from './strings';
import { shortReference } from '../../app/reference';

const changeForm = z.object({
  kind: z.enum(INVESTIGATION_KINDS),
  offence: z.enum(SMUGGLING_OFFENCES),
  status: z.enum(INVESTIGATION_STATUSES),
  aggravating: z.array(z.enum(AGGRAVATING_CIRCUMSTANCES)),
});
const measureForm = z.object({ type: z.enum(PROTECTION_MEASURE_TYPES), notes: z.string().trim().max(2000) });

/** The name of a linked person, as far as the justice link lets this agency see it. */
function PersonName({ personId }: { personId: string }) {
  const { t } = useTranslation();
  const person = useQuery(apiQuery<{ fields: Record<string, unknown> }>(queryKeys.personRecord(personId), `/api/persons/${personId}`));
  const name = [person.data?.fields.givenName, person.data?.fields.familyName].filter((part) => typeof part === 'string' && part).join(' ');
  return <>{name || t('justice.links.unnamed', { label: shortReference(personId) })}</>;
}

function InvestigationForm({ investigation, onChanged }: { investigation: Investigation; onChanged: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const form = useForm({
    resolver: zodResolver(changeForm),
    defaultValues: { kind: investigation.kind, offence: investigation.offence, status: investigation.status, aggravating: investigation.aggravating },
  });
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    const body: Record<string, unknown> = { version: investigation.version };
    if (values.kind !== investigation.kind) body.kind = values.kind;
    if (values.offence !== investigation.offence) body.offence = values.offence;
    if (values.status !== investigation.status) body.status = values.status;
    if ([...values.aggravating].sort().join() !== [...investigation.aggravating].sort().join()) body.aggravating = values.aggravating;
    try {
      await api('PATCH', `/api/investigations/${investigation.id}`, body);
      onChanged();
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['kind', 'offence', 'status', 'aggravating']));
    }
  });
  return (
    <Form onSubmit={submit} validationBehavior="aria" aria-labelledby="change-investigation" className="panel">
      <h2 id="change-investigation">{t('justice.investigation.change')}</h2>
      <div className="row">
        <SelectField control={form.control} name="kind" label={t('justice.kind')} description={t('justice.investigation.kindHint')} options={INVESTIGATION_KINDS.map((value) => ({ value, label: t(`justice.kinds.${value}`) }))} isRequired />
        <SelectField control={form.control} name="offence" label={t('justice.offence')} options={SMUGGLING_OFFENCES.map((value) => ({ value, label: t(`justice.offences.${value}`) }))} isRequired />
        <SelectField control={form.control} name="status" label={t('justice.status')} options={INVESTIGATION_STATUSES.map((value) => ({ value, label: t(`justice.statuses.${value}`) }))} isRequired />
      </div>
      <CheckboxGroupField control={form.control} name="aggravating" label={t('justice.aggravatingTitle')} options={AGGRAVATING_CIRCUMSTANCES.map((value) => ({ value, label: t(`justice.aggravating.${value}`) }))} />
      <ProblemAlert error={error} />
      <Button type="submit" className="button button-primary">
        {t('justice.save')}
      </Button>
    </Form>
  );
}

/** A requested measure's decision, by the investigating agency. */
function MeasureRow({ measure, onChanged }: { measure: ProtectionMeasure; onChanged: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [error, setError] = useState<unknown>();
  const decide = async (status: 'granted' | 'refused') => {
    setError(undefined);
    try {
      await api('PATCH', `/api/protection-measures/${measure.id}`, { version: measure.version, status });
      onChanged();
    } catch (caught) {
      setError(caught);
    }
  };
  const type = t(`justice.measures.types.${measure.type}`);
  return (
    <li>
      <strong>{type}</strong> · {t(`justice.measures.statuses.${measure.status}`)} · {format.date(measure.decidedAt ?? measure.requestedAt)}
      {measure.notes ? <div className="reason">{measure.notes}</div> : null}
      {measure.status === 'requested' ? (
        <div className="actions">
          <Button className="button" onPress={() => void decide('granted')} aria-label={t('justice.measures.grantOf', { type })}>
            {t('justice.measures.grant')}
          </Button>
          <Button className="button" onPress={() => void decide('refused')} aria-label={t('justice.measures.refuseOf', { type })}>
            {t('justice.measures.refuse')}
          </Button>
        </div>
      ) : null}
      <ProblemAlert error={error} />
    </li>
  );
}

/** A victim or witness in the proceedings: whether they remain reachable, and the measures protecting them. */
function LinkSection({ link, onChanged }: { link: JusticeLink; onChanged: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const form = useForm({ resolver: zodResolver(measureForm), defaultValues: { type: 'safe_shelter' as const, notes: '' } });
  const toggleReachable = async () => {
    setError(undefined);
    try {
      await api('PATCH', `/api/justice-links/${link.id}`, { version: link.version, reachable: !link.reachable });
      onChanged();
    } catch (caught) {
      setError(caught);
    }
  };
  const request = form.handleSubmit(async (values) => {
    setError(undefined);
    try {
      await api('POST', `/api/justice-links/${link.id}/measures`, { type: values.type, ...(values.notes ? { notes: values.notes } : {}) }, { idempotencyKey: newIdempotencyKey() });
      form.reset({ type: values.type, notes: '' });
      onChanged();
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['type', 'notes']));
    }
  });
  const headingId = `link-${link.id}`;
  return (
    <section aria-labelledby={headingId} className="panel">
      <h3 id={headingId}>
        <PersonName personId={link.personId} /> · {t(`justice.roles.${link.role}`)}
      </h3>
      <p>
        {link.reachable ? t('justice.links.reachable') : t('justice.links.unreachable')}{' '}
        <Button className="button" onPress={() => void toggleReachable()}>
          {link.reachable ? t('justice.links.markUnreachable') : t('justice.links.markReachable')}
        </Button>
      </p>
      <h4>{t('justice.measures.title')}</h4>
      {link.measures.length === 0 ? (
        <p>{t('justice.measures.none')}</p>
      ) : (
        <ul className="measure-list">
          {link.measures.map((measure) => (
            <MeasureRow key={`${measure.id}:${measure.version}`} measure={measure} onChanged={onChanged} />
          ))}
        </ul>
      )}
      <Form onSubmit={request} validationBehavior="aria" aria-label={t('justice.measures.requestFor', { role: t(`justice.roles.${link.role}`) })} className="inline-form">
        <div className="row">
          <SelectField control={form.control} name="type" label={t('justice.measures.type')} options={PROTECTION_MEASURE_TYPES.map((value) => ({ value, label: t(`justice.measures.types.${value}`) }))} isRequired />
          <TextInputField control={form.control} name="notes" label={t('justice.measures.notes')} />
        </div>
        <Button type="submit" className="button">
          {t('justice.measures.request')}
        </Button>
      </Form>
      <ProblemAlert error={error} />
    </section>
  );
}

/** One investigation or prosecution: its facts, the victims and witnesses linked to it, their protection, and the incidents in it. */
function InvestigationScreenBody() {
  const { t } = useTranslation();
  const format = useFormat();
  const { investigationId = '' } = useParams();
  // The list shows each investigation's status: it follows a change made here.
  const changed = () => void invalidate(queryKeys.investigation(investigationId), queryKeys.investigations());
  const detail = useQuery(apiQuery<InvestigationDetail>(queryKeys.investigation(investigationId), `/api/investigations/${investigationId}`));
  const data = detail.data;
  return (
    <div className="page desk">
      <p>
        <Link to="/investigations">{t('justice.investigation.back')}</Link>
      </p>
      <ProblemAlert error={detail.error} />
      {data ? (
        <>
          <h1>{t('justice.investigation.title', { reference: data.reference })}</h1>
          <p>
            {t(`justice.kinds.${data.kind}`)} · {t(`justice.offences.${data.offence}`)} · {t(`justice.statuses.${data.status}`)}
          </p>
          <InvestigationForm key={data.version} investigation={data} onChanged={changed} />
          <h2>{t('justice.links.title')}</h2>
          <p>{t('justice.links.explain')}</p>
          {data.links.length === 0 ? <p>{t('justice.links.none')}</p> : data.links.map((link) => <LinkSection key={`${link.id}:${link.version}`} link={link} onChanged={changed} />)}
          <h2 id="incidents">{t('justice.incidents.title')}</h2>
          {data.incidents.length === 0 ? (
            <p>{t('justice.incidents.none')}</p>
          ) : (
            <div className="table-scroll">
              <table aria-labelledby="incidents">
                <thead>
                  <tr>
                    <th scope="col">{t('justice.incidents.kind')}</th>
                    <th scope="col">{t('justice.incidents.when')}</th>
                    <th scope="col">{t('justice.incidents.place')}</th>
                    <th scope="col">{t('justice.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.incidents.map((incident) => (
                    <tr key={incident.id}>
                      <th scope="row">{t(`justice.incidents.kinds.${incident.kind}`)}</th>
                      <td>{incident.occurredAt ? format.dateTime(incident.occurredAt) : '—'}</td>
                      <td>{incident.place ?? '—'}</td>
                      <td>{t(`justice.incidents.statuses.${incident.status}`)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : detail.error ? null : (
        <p role="status">{t('app.loading')}</p>
      )}
    </div>
  );
}

export default function InvestigationScreen() {
  return (
    <JusticeStrings>
      <InvestigationScreenBody />
    </JusticeStrings>
  );
}
