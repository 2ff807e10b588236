import { useQuery } from '@tanstack/react-query';
import type { AuditVerification as Verification, RecordTrail as Trail } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { ProblemAlert } from '../../app/ui/problem';
import { TextInputField } from '../../app/ui/fields';
import { apiQuery } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import '../../app/ui/desk.css';
import { OversightStrings } from './strings';
import { shortReference } from '../../app/reference';
import { WholeTrail } from './WholeTrail';

const recordForm = z.object({
  recordType: z.string().regex(/^[a-z][a-z_]{0,49}$/),
  recordId: z.string().regex(/^[A-Za-z0-9-]{1,100}$/),
});

/** Whether the whole trail still verifies: the hash chain and its keyed anchor, recomputed by the server. */
function ChainCheck() {
  const { t } = useTranslation();
  const format = useFormat();
  const [result, setResult] = useState<Verification>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const verify = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api<Verification>('GET', '/api/audit/verify'));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="chain-check" className="panel">
      <h2 id="chain-check">{t('oversight.audit.verifyTitle')}</h2>
      <p>{t('oversight.audit.verifyExplain')}</p>
      <Button className="button" onPress={() => void verify()} isDisabled={busy}>
        {t('oversight.audit.verify')}
      </Button>
      <ProblemAlert error={error} />
      {result ? (
        <p role="status" className={result.ok ? 'alert alert-ok' : 'alert alert-error'}>
          {result.ok
            ? t('oversight.audit.verified', { rows: format.number(result.rows) })
            : t('oversight.audit.broken', { seq: result.firstBad?.seq ?? '?', reason: result.firstBad?.reason ?? '' })}
        </p>
      ) : null}
    </section>
  );
}

/** The history of one record (who did what, when, from where; field names, never values), and the chain check. */
function AuditScreenBody() {
  const { t } = useTranslation();
  const format = useFormat();
  const [params, setParams] = useSearchParams();
  const recordType = params.get('recordType') ?? '';
  const recordId = params.get('recordId') ?? '';
  const chosen = recordForm.safeParse({ recordType, recordId }).success;
  const trail = useQuery({ ...apiQuery<Trail>(queryKeys.auditTrail(recordType, recordId), `/api/oversight/records/${recordType}/${recordId}/audit?limit=500`), enabled: chosen });
  const form = useForm({ resolver: zodResolver(recordForm), defaultValues: { recordType: recordType || 'person', recordId } });
  const submit = form.handleSubmit((values) => setParams(values));
  return (
    <div className="page desk">
      <h1>{t('oversight.audit.title')}</h1>
      <p>{t('oversight.audit.fromRecords')}</p>
      {/* An id typed by hand is the exception (a record known from elsewhere): folded away unless it was used. */}
      <details className="panel" open={!chosen && recordId !== ''}>
        <summary>{t('oversight.audit.byId')}</summary>
        <Form onSubmit={submit} validationBehavior="aria" aria-labelledby="which-record">
          <h2 id="which-record" className="visually-hidden">
            {t('oversight.audit.which')}
          </h2>
          <div className="row">
            <TextInputField control={form.control} name="recordType" label={t('oversight.audit.recordType')} description={t('oversight.audit.recordTypeHint')} isRequired />
            <TextInputField control={form.control} name="recordId" label={t('oversight.audit.recordId')} isRequired />
          </div>
          <Button type="submit" className="button button-primary">
            {t('oversight.audit.show')}
          </Button>
        </Form>
      </details>
      {chosen ? <ProblemAlert error={trail.error} /> : null}
      {chosen && trail.data && trail.data.recordId === recordId ? (
        <>
          <h2 id="trail">{t('oversight.audit.trailOf', { type: trail.data.recordType, id: trail.data.recordId })}</h2>
          {trail.data.items.length === 0 ? (
            <p>{t('oversight.audit.empty')}</p>
          ) : (
            <div className="table-scroll">
              <table aria-labelledby="trail">
                <thead>
                  <tr>
                    <th scope="col">{t('oversight.audit.seq')}</th>
                    <th scope="col">{t('oversight.audit.at')}</th>
                    <th scope="col">{t('oversight.audit.action')}</th>
                    <th scope="col">{t('oversight.audit.fields')}</th>
                    <th scope="col">{t('oversight.audit.actor')}</th>
                    <th scope="col">{t('oversight.audit.from')}</th>
                  </tr>
                </thead>
                <tbody>
                  {trail.data.items.map((event) => (
                    <tr key={event.seq}>
                      <th scope="row">{event.seq}</th>
                      <td>{format.dateTime(event.at)}</td>
                      <td>
                        <code>{event.action}</code>
                      </td>
                      <td>{event.fields.join(', ') || '—'}</td>
                      <td>
                        {event.actorUserId ? (event.actorName ?? shortReference(event.actorUserId)) : t('oversight.audit.system')}
                        {event.actorAgencyName ? <div className="muted">{event.actorAgencyName}</div> : null}
                      </td>
                      <td>{event.clientAddress ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {trail.data.nextAfter !== null ? <p>{t('oversight.audit.more')}</p> : null}
        </>
      ) : null}
      <WholeTrail />
      <ChainCheck />
    </div>
  );
}

export default function AuditScreen() {
  return (
    <OversightStrings>
      <AuditScreenBody />
    </OversightStrings>
  );
}
