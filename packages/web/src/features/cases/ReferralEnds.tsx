import type { ConsentView, ProviderView } from '@haven/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys, staleAfter } from '../../app/query-keys';
import { useMe } from '../../app/session';
import { ProblemAlert } from '../../app/ui/problem';
import type { Referral } from './model';

/** The directory's providers by id and by agency, to name a referral's recipient instead of showing an id. */
export function useProviderNames(): { byId: Map<string, string>; byAgency: Map<string, string> } {
  const mayRead = useMe().permissions.includes('directory:read');
  const providers = useQuery({ ...apiQuery<ProviderView[]>(queryKeys.providers(), '/api/directory/providers'), enabled: mayRead });
  const list = providers.data ?? [];
  return { byId: new Map(list.map((p) => [p.id, p.name])), byAgency: new Map(list.map((p) => [p.agencyId, p.name])) };
}

/**
 * Ending a referral from the sending side: the sender closes it (the service is no longer needed,
 * or was delivered elsewhere); the sending agency's supervisor revokes it (the recipient should not
 * have it). Either way the recipient's access to the person ends. Only the moves the server says are
 * open are offered.
 */
export function ReferralEnds({ referral }: { referral: Referral }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const [confirming, setConfirming] = useState<'close' | 'revoke'>();
  const move = async (action: 'close' | 'revoke') => {
    setError(undefined);
    try {
      const path = action === 'close' ? `/api/referrals/${referral.id}/close` : `/api/referrals/${referral.id}/revoke`;
      await api<Referral>('POST', path, { version: referral.version });
      setConfirming(undefined);
    } catch (caught) {
      setError(caught);
    } finally {
      await invalidate(...staleAfter.referralMoved(referral.personId));
    }
  };
  const offered = (['close', 'revoke'] as const).filter((action) => referral.allowedActions.includes(action));
  if (offered.length === 0) return null;
  return (
    <div className="case-inline-form" data-testid="referral-ends">
      {confirming ? (
        <>
          <p role="alert">{t(`cases.referrals.ends.${confirming}Confirm`, { reference: referral.reference })}</p>
          <Button className="button button-danger" onPress={() => void move(confirming)} data-testid={`referral-${confirming}-confirm`}>
            {t(`cases.referrals.ends.${confirming}`)}
          </Button>
          <Button className="button" onPress={() => setConfirming(undefined)}>
            {t('cases.referrals.ends.keep')}
          </Button>
        </>
      ) : (
        offered.map((action) => (
          <Button key={action} className="button case-inline-button" onPress={() => setConfirming(action)} data-testid={`referral-${action}`}>
            {t(`cases.referrals.ends.${action}`)}
          </Button>
        ))
      )}
      <ProblemAlert error={error} />
    </div>
  );
}

/**
 * The person's consent decisions, each with the recipient named; a consent that stands can be
 * withdrawn at the person's word: the referrals resting on it close and the recipient's access ends.
 */
export function ConsentsList({ personId }: { personId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const mayManage = useMe().permissions.includes('case:manage');
  const consents = useQuery({ ...apiQuery<ConsentView[]>(queryKeys.consents(personId), `/api/persons/${personId}/consents`), enabled: mayManage });
  const names = useProviderNames();
  const [error, setError] = useState<unknown>();
  if (!mayManage || !consents.data?.length) return <ProblemAlert error={consents.error} />;
  const withdraw = async (consent: ConsentView) => {
    setError(undefined);
    try {
      await api<ConsentView>('POST', `/api/consents/${consent.id}/withdraw`, { version: consent.version });
    } catch (caught) {
      setError(caught);
    }
    await invalidate(queryKeys.consents(personId), ...staleAfter.referralMoved(personId));
  };
  return (
    <>
      <h3>{t('cases.referrals.consents.title')}</h3>
      <ProblemAlert error={error} />
      <ul className="case-history" data-testid="consents">
        {consents.data.map((consent) => {
          const recipient = names.byAgency.get(consent.recipientAgencyId) ?? t('cases.referrals.consents.recipient');
          return (
            <li key={consent.id} data-status={consent.status}>
              <span id={`consent-${consent.id}`}>{t(`cases.referrals.consents.${consent.status}`, { service: t(`cases.services.${consent.purpose}`), recipient, date: format.dateTime(consent.withdrawnAt ?? consent.recordedAt) })}</span>
              {consent.status === 'given' ? (
                <Button className="button case-inline-button" onPress={() => void withdraw(consent)} data-testid="consent-withdraw" aria-describedby={`consent-${consent.id}`}>
                  {t('cases.referrals.consents.withdraw')}
                </Button>
              ) : null}
            </li>
          );
        })}
      </ul>
    </>
  );
}
