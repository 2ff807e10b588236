import { useQuery } from '@tanstack/react-query';
import { AGGRAVATING_CIRCUMSTANCES, INCIDENT_STATUSES, INVESTIGATION_KINDS, INVESTIGATION_STATUSES, SMUGGLING_OFFENCES } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form, ListBox, ListBoxItem, Popover, Select, SelectValue } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { CheckboxGroupField } from '../../app/ui/choices';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { SelectField } from '../../app/ui/fields';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys, staleAfter } from '../../app/query-keys';
import type { Incident, Investigation, InvestigationDetail } from './model';
import { IncidentForm } from './IncidentForm';
import { LinkPersonForm } from './LinkPersonForm';
import { LinkSection, PersonName } from './LinkSection';
import '../../app/ui/desk.css';
import { JusticeStrings } from './strings';

const changeForm = z.object({
  kind: z.enum(INVESTIGATION_KINDS),
  offence: z.enum(SMUGGLING_OFFENCES),
  status: z.enum(INVESTIGATION_STATUSES),
  aggravating: z.array(z.enum(AGGRAVATING_CIRCUMSTANCES)),
});

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

/** An incident's status, moved by the investigating agency (with the version read). */
function IncidentStatus({ incident, onChanged }: { incident: Incident; onChanged: () => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const move = async (status: string) => {
    if (status === incident.status) return;
    setError(undefined);
    try {
      await api('PATCH', `/api/incidents/${incident.id}`, { version: incident.version, status });
      onChanged();
    } catch (caught) {
      setError(caught);
    }
  };
  const kind = t(`justice.incidents.kinds.${incident.kind}`);
  return (
    <>
      <Select className="field" aria-label={t('justice.incidents.statusOf', { kind })} selectedKey={incident.status} onSelectionChange={(key) => void move(String(key))}>
        <Button className="select-button">
          <SelectValue />
          <span aria-hidden="true">▾</span>
        </Button>
        <Popover className="select-popover">
          <ListBox className="select-list">
            {INCIDENT_STATUSES.map((status) => (
              <ListBoxItem key={status} id={status} className="select-option">
                {t(`justice.incidents.statuses.${status}`)}
              </ListBoxItem>
            ))}
          </ListBox>
        </Popover>
      </Select>
      <ProblemAlert error={error} />
    </>
  );
}

/** The incidents of the investigation: what, against whom, when and where, and where each stands. */
function IncidentTable({ incidents, onChanged }: { incidents: Incident[]; onChanged: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (incidents.length === 0) return <p>{t('justice.incidents.none')}</p>;
  return (
    <div className="table-scroll">
      <table aria-labelledby="incidents" data-testid="incident-table">
        <thead>
          <tr>
            <th scope="col">{t('justice.incidents.kind')}</th>
            <th scope="col">{t('justice.incidents.against')}</th>
            <th scope="col">{t('justice.incidents.when')}</th>
            <th scope="col">{t('justice.incidents.place')}</th>
            <th scope="col">{t('justice.status')}</th>
          </tr>
        </thead>
        <tbody>
          {incidents.map((incident) => (
            <tr key={`${incident.id}:${incident.version}`}>
              <th scope="row">{t(`justice.incidents.kinds.${incident.kind}`)}</th>
              <td>{incident.personId ? <PersonName personId={incident.personId} /> : '—'}</td>
              <td>{incident.occurredAt ? format.date(incident.occurredAt) : '—'}</td>
              <td>{incident.place ?? '—'}</td>
              <td>
                <IncidentStatus incident={incident} onChanged={onChanged} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One investigation or prosecution: its facts, the victims and witnesses linked to it, their protection, and the incidents in it. */
function InvestigationScreenBody() {
  const { t } = useTranslation();
  const { investigationId = '' } = useParams();
  // The list shows each investigation's status: it follows a change made here.
  const changed = () => void invalidate(queryKeys.investigation(investigationId), queryKeys.investigations());
  // A person linked or an incident recorded: their justice fields and what the engine owes them follow.
  const recorded = (personIds: string[]) => void invalidate(...staleAfter.justiceRecorded(personIds, investigationId));
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
          <LinkPersonForm investigationId={data.id} onLinked={(personId) => recorded([personId])} />
          <h2 id="incidents">{t('justice.incidents.title')}</h2>
          <IncidentTable incidents={data.incidents} onChanged={changed} />
          <IncidentForm investigationId={data.id} onRecorded={recorded} />
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
