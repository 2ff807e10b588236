import { useQuery } from '@tanstack/react-query';
import { ALLEGATION_STATUSES, type Allegation, type AllegationStatus } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { SelectField, TextInputField } from '../../app/ui/fields';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { auditPath } from './QueueScreen';
import '../../app/ui/desk.css';
import { OversightStrings } from './strings';

/** Where an allegation may go next (the server holds the same rule and answers 409 otherwise). */
const NEXT: Record<AllegationStatus, readonly AllegationStatus[]> = {
  received: ['under_investigation'],
  under_investigation: ['substantiated', 'unsubstantiated'],
  substantiated: ['closed'],
  unsubstantiated: ['closed'],
  closed: [],
};

const uuidOrEmpty = z.union([z.literal(''), z.uuid()]);
const changeForm = z.object({
  status: z.enum(ALLEGATION_STATUSES),
  findings: z.string().trim().max(20_000),
  remedy: z.string().trim().max(20_000),
  personId: uuidOrEmpty,
  obligationId: uuidOrEmpty,
});

function AllegationForm({ allegation, onChanged }: { allegation: Allegation; onChanged: (next: Allegation) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const form = useForm({
    resolver: zodResolver(changeForm),
    defaultValues: {
      status: allegation.status,
      findings: allegation.findings ?? '',
      remedy: allegation.remedy ?? '',
      personId: allegation.personId ?? '',
      obligationId: allegation.obligationId ?? '',
    },
  });
  const statuses = [allegation.status, ...NEXT[allegation.status]].map((value) => ({ value, label: t(`oversight.statuses.${value}`) }));
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    const body: Record<string, unknown> = { version: allegation.version };
    if (values.status !== allegation.status) body.status = values.status;
    if (values.findings !== (allegation.findings ?? '')) body.findings = values.findings;
    if (values.remedy !== (allegation.remedy ?? '')) body.remedy = values.remedy;
    if (values.personId !== (allegation.personId ?? '')) body.personId = values.personId || null;
    if (values.obligationId !== (allegation.obligationId ?? '')) body.obligationId = values.obligationId || null;
    try {
      onChanged(await api<Allegation>('PATCH', `/api/oversight/allegations/${allegation.id}`, body));
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['status', 'findings', 'remedy', 'personId', 'obligationId']));
    }
  });
  return (
    <Form onSubmit={submit} validationBehavior="aria" aria-labelledby="investigate" className="panel">
      <h2 id="investigate">{t('oversight.allegation.investigate')}</h2>
      <SelectField control={form.control} name="status" label={t('oversight.allegations.status')} options={statuses} isRequired />
      <TextInputField control={form.control} name="findings" label={t('oversight.allegation.findings')} multiline />
      <TextInputField control={form.control} name="remedy" label={t('oversight.allegation.remedy')} multiline />
      <div className="row">
        <TextInputField control={form.control} name="personId" label={t('oversight.allegation.personId')} description={t('oversight.allegation.linkHint')} />
        <TextInputField control={form.control} name="obligationId" label={t('oversight.allegation.obligationId')} description={t('oversight.allegation.linkHint')} />
      </div>
      <ProblemAlert error={error} />
      <Button type="submit" className="button button-primary">
        {t('oversight.allegation.save')}
      </Button>
    </Form>
  );
}

/** One allegation of failure to assist: what was reported, and the investigation of it. */
function AllegationScreenBody() {
  const { t } = useTranslation();
  const format = useFormat();
  const { allegationId = '' } = useParams();
  const loaded = useQuery(apiQuery<Allegation>(queryKeys.allegation(allegationId), `/api/oversight/allegations/${allegationId}`));
  const [changed, setChanged] = useState<Allegation>();
  const allegation = changed ?? loaded.data;
  return (
    <div className="page desk">
      <p>
        <Link to="/oversight/allegations">{t('oversight.allegation.back')}</Link>
      </p>
      <h1>{t('oversight.allegation.title')}</h1>
      <ProblemAlert error={loaded.error} />
      {allegation ? (
        <>
          <dl className="definitions">
            <div>
              <dt>{t('oversight.allegations.received')}</dt>
              <dd>{format.dateTime(allegation.createdAt)}</dd>
            </div>
            <div>
              <dt>{t('oversight.allegations.status')}</dt>
              <dd>{t(`oversight.statuses.${allegation.status}`)}</dd>
            </div>
            <div>
              <dt>{t('oversight.allegations.filedBy')}</dt>
              <dd>{allegation.filedBy ? t('oversight.allegations.signedIn') : t('oversight.allegations.anonymous')}</dd>
            </div>
            <div>
              <dt>{t('oversight.allegations.description')}</dt>
              <dd className="reason">{allegation.description}</dd>
            </div>
          </dl>
          <p>
            <Link to={auditPath('allegation', allegation.id)}>{t('oversight.allegation.trail')}</Link>
          </p>
          {/* Here rather than in the form, which starts afresh on each new version. */}
          {changed ? (
            <p role="status" className="alert alert-ok">
              {t('oversight.allegation.saved')}
            </p>
          ) : null}
          <AllegationForm
            key={allegation.version}
            allegation={allegation}
            onChanged={(next) => {
              setChanged(next);
              void invalidate(queryKeys.allegations());
            }}
          />
        </>
      ) : loaded.error ? null : (
        <p role="status">{t('app.loading')}</p>
      )}
    </div>
  );
}

export default function AllegationScreen() {
  return (
    <OversightStrings>
      <AllegationScreenBody />
    </OversightStrings>
  );
}
