import { zodResolver } from '@hookform/resolvers/zod';
import type { LegalHoldOverview } from '@haven/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import '../../app/ui/desk.css';
import { OversightStrings } from './strings';

type Status = 'standing' | 'released';

/** The oversight body releases a hold in writing; a stale version or a hold already released is the server's 409, shown here. */
function ReleaseForm({ hold }: { hold: LegalHoldOverview }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const form = useForm<{ reason: string }>({ resolver: zodResolver(z.object({ reason: z.string().trim().min(2, t('oversight.holds.reasonTooShort')).max(2000) })), defaultValues: { reason: '' } });
  const release = useMutation({
    mutationFn: (reason: string) => api('POST', `/api/oversight/legal-holds/${hold.id}/release`, { version: hold.version, reason }),
    onSuccess: () => void invalidate(queryKeys.oversightLegalHolds(), queryKeys.retentionReport()),
  });
  const submit = form.handleSubmit(async ({ reason }) => {
    setError(undefined);
    try {
      await release.mutateAsync(reason.trim());
    } catch (failure) {
      setError(applyProblem(failure, form.setError, ['reason']));
    }
  });
  return (
    <details>
      <summary>{t('oversight.holds.release')}</summary>
      <Form onSubmit={submit} validationBehavior="aria" data-testid="oversight-release-form">
        <TextInputField control={form.control} name="reason" label={t('oversight.holds.releaseReason')} isRequired multiline />
        <ProblemAlert error={error} />
        <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
          {t('oversight.holds.releaseSubmit')}
        </Button>
      </Form>
    </details>
  );
}

function HoldRow({ hold }: { hold: LegalHoldOverview }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <tr data-testid="oversight-hold">
      <th scope="row">{hold.agencyName}</th>
      <td>{format.date(hold.placedAt)}</td>
      <td>{hold.investigationReference ?? t('oversight.holds.noInvestigation')}</td>
      <td>{hold.releasableBy.agencyName}</td>
      <td>{hold.releasedAt ? t('oversight.holds.releasedOn', { date: format.date(hold.releasedAt) }) : <ReleaseForm hold={hold} />}</td>
    </tr>
  );
}

function StatusFilter({ status, onChange }: { status: Status; onChange: (status: Status) => void }) {
  const { t } = useTranslation();
  return (
    <Select className="field" selectedKey={status} onSelectionChange={(key) => onChange((key ?? 'standing') as Status)}>
      <Label>{t('oversight.holds.show')}</Label>
      <Button className="select-button">
        <SelectValue />
        <span aria-hidden="true">▾</span>
      </Button>
      <Popover className="select-popover">
        <ListBox className="select-list">
          {(['standing', 'released'] as const).map((value) => (
            <ListBoxItem key={value} id={value} className="select-option">
              {t(`oversight.holds.statuses.${value}`)}
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}

/** Every agency's legal holds, standing first: who placed each, for which investigation, who may release it. The reasons stay with the agencies. */
function LegalHoldsScreenBody() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<Status>('standing');
  const list = useQuery(apiQuery<{ items: LegalHoldOverview[]; nextCursor: string | null }>([...queryKeys.oversightLegalHolds(), status], `/api/oversight/legal-holds?limit=100&status=${status}`));
  return (
    <div className="page desk">
      <h1>{t('oversight.holds.title')}</h1>
      <p>{t('oversight.holds.explained')}</p>
      <StatusFilter status={status} onChange={setStatus} />
      <ProblemAlert error={list.error} />
      {list.data === undefined ? (
        <p role="status">{t('app.loading')}</p>
      ) : list.data.items.length === 0 ? (
        <p>{t(`oversight.holds.none.${status}`)}</p>
      ) : (
        <div className="table-scroll">
          <table data-testid="oversight-holds">
            <caption className="visually-hidden">{t('oversight.holds.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('oversight.holds.agency')}</th>
                <th scope="col">{t('oversight.holds.since')}</th>
                <th scope="col">{t('oversight.holds.investigation')}</th>
                <th scope="col">{t('oversight.holds.releasableBy')}</th>
                <th scope="col">{t('oversight.holds.state')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((hold) => (
                <HoldRow key={hold.id} hold={hold} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export default function LegalHoldsScreen() {
  return (
    <OversightStrings>
      <LegalHoldsScreenBody />
    </OversightStrings>
  );
}
