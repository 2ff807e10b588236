import { useQuery } from '@tanstack/react-query';
import type { LinkRequestList, LinkRequestView } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { useMe } from '../../app/session';
import { ChoiceField, TextInputField } from '../../app/ui/fields';
import { RequestProblem } from '../../app/ui/match-elsewhere';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys } from '../../app/query-keys';

const refuseSchema = (t: TFunction) => z.object({ reason: z.string().trim().min(10, t('cases.reasonTooShort')).max(1000) });
const acceptSchema = z.object({ survivor: z.enum(['held', 'requested']) });

/** The holding agency's decision on a pending request: accept (for a link, which record stays) or refuse with a reason. */
function Decision({ request, onDecided }: { request: LinkRequestView; onDecided: () => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const mayDecide = me.permissions.includes('case:manage');
  const mayMerge = me.permissions.includes('person:merge');
  const [error, setError] = useState<unknown>();
  const accept = useForm<{ survivor: 'held' | 'requested' }>({ resolver: zodResolver(acceptSchema), defaultValues: { survivor: 'held' } });
  const refuse = useForm<{ reason: string }>({ resolver: zodResolver(refuseSchema(t)), defaultValues: { reason: '' } });
  if (!mayDecide) return <p>{t('cases.linkRequests.officersDecide')}</p>;
  const agency = request.requesterAgency.name;
  const decide = async (path: 'accept' | 'refuse', body: object, fields: readonly ['reason'] | readonly []) => {
    setError(undefined);
    try {
      const url = path === 'accept' ? `/api/link-requests/${request.id}/accept` : `/api/link-requests/${request.id}/refuse`;
      await api<LinkRequestView>('POST', url, { version: request.version, ...body });
      onDecided();
    } catch (failure) {
      setError(path === 'refuse' ? applyProblem(failure, refuse.setError, fields) : failure);
    }
  };
  const linkNeedsSupervisor = request.kind === 'link' && !mayMerge;
  return (
    <div className="case-actions">
      {linkNeedsSupervisor ? (
        <p>{t('cases.linkRequests.supervisorLinks')}</p>
      ) : (
        <Form onSubmit={(event) => void accept.handleSubmit((values) => decide('accept', request.kind === 'link' ? values : {}, []))(event)} validationBehavior="aria">
          {request.kind === 'link' ? (
            <ChoiceField
              control={accept.control}
              name="survivor"
              label={t('cases.duplicates.survivor')}
              options={[
                { value: 'held', label: t('cases.linkRequests.survivors.held') },
                { value: 'requested', label: t('cases.linkRequests.survivors.requested', { agency }) },
              ]}
            />
          ) : null}
          <Button type="submit" className="button button-primary" data-testid="accept-link-request" isDisabled={accept.formState.isSubmitting}>
            {t(`cases.linkRequests.accept.${request.kind}`, { agency })}
          </Button>
        </Form>
      )}
      <details className="case-panel">
        <summary>{t('cases.linkRequests.refuse')}</summary>
        <Form onSubmit={(event) => void refuse.handleSubmit((values) => decide('refuse', { reason: values.reason.trim() }, ['reason']))(event)} validationBehavior="aria">
          <TextInputField control={refuse.control} name="reason" label={t('cases.writtenReason')} description={t('cases.linkRequests.refuseHint', { agency })} multiline isRequired />
          <Button type="submit" className="button" data-testid="refuse-link-request" isDisabled={refuse.formState.isSubmitting}>
            {t('cases.linkRequests.refuse')}
          </Button>
        </Form>
      </details>
      <RequestProblem error={error} />
    </div>
  );
}

function RequestItem({ request, onDecided }: { request: LinkRequestView; onDecided: () => void }) {
  const { t } = useTranslation();
  const holder = request.side === 'holder';
  const agency = holder ? request.requesterAgency.name : request.holderAgency.name;
  return (
    <li className="case-obligation" data-testid="link-request" data-side={request.side} data-status={request.status}>
      <p>
        <strong>{t(`cases.linkRequests.${holder ? 'incoming' : 'outgoing'}.${request.kind}`, { agency })}</strong> ·{' '}
        <span data-testid="link-request-status">{t(`cases.linkRequests.statuses.${request.status}`)}</span>
      </p>
      {request.refusalReason ? <p data-testid="link-request-reason">{t('cases.linkRequests.reason', { reason: request.refusalReason })}</p> : null}
      {holder && request.status === 'pending' ? <Decision request={request} onDecided={onDecided} /> : null}
    </li>
  );
}

/**
 * Requests between agencies about this record: those another agency made about it (the holding
 * agency decides) and those this agency made (their status and any reason for a refusal).
 */
export function LinkRequestsSection({ personId, onDecided }: { personId: string; onDecided: () => void }) {
  const { t } = useTranslation();
  const mayRead = useMe().permissions.includes('person:write');
  const requests = useQuery({ ...apiQuery<LinkRequestList>(queryKeys.linkRequests(), '/api/link-requests'), enabled: mayRead });
  const items = requests.data?.items.filter((request) => request.personId === personId) ?? [];
  if (!mayRead || (items.length === 0 && !requests.error)) return null;
  return (
    <section aria-labelledby="link-requests-title" data-testid="link-requests">
      <h2 id="link-requests-title">{t('cases.linkRequests.title')}</h2>
      <ProblemAlert error={requests.error} />
      <ul className="case-obligations">
        {items.map((request) => (
          <RequestItem
            key={request.id}
            request={request}
            onDecided={() => {
              void invalidate(queryKeys.linkRequests());
              onDecided();
            }}
          />
        ))}
      </ul>
    </section>
  );
}
