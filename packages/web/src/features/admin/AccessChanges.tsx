import type { AccessChange } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { useMe } from '../../app/session';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { TextInputField } from '../../app/ui/fields';

/** What the change gives the account, in words: one line per part. */
export function AccessChangeWhat({ change }: { change: AccessChange }) {
  const { t } = useTranslation();
  const role = (code: string) => t(`app.roles.${code}`);
  const lines =
    change.kind === 'create'
      ? [t('admin.access.newAccount', { role: role(change.roleTo), agency: change.agencyTo.name })]
      : [
          change.roleFrom !== null && change.roleFrom !== change.roleTo ? t('admin.access.role', { from: role(change.roleFrom), to: role(change.roleTo) }) : null,
          change.agencyFrom !== null && change.agencyFrom.id !== change.agencyTo.id ? t('admin.access.agency', { from: change.agencyFrom.name, to: change.agencyTo.name }) : null,
          change.setsPassword ? t('admin.access.password') : null,
          change.resetsSecondFactor ? t('admin.access.secondFactor') : null,
        ].filter((line): line is string => line !== null);
  return (
    <ul className="plain-list">
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}

/**
 * What the signed-in administrator may do with a pending change: its requester withdraws it (or
 * waits), the account it changes waits, any other administrator approves or refuses in writing.
 */
export function AccessChangeDecision({ change, onDecided }: { change: AccessChange; onDecided: (change: AccessChange, message: string) => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const [error, setError] = useState<unknown>();
  const refusal = useForm({
    resolver: zodResolver(z.object({ reason: z.string().trim().min(10, t('admin.access.reasonRule')).max(2000) })),
    defaultValues: { reason: '' },
  });
  if (change.status !== 'pending') return null;
  const decide = async (action: 'approve' | 'refuse' | 'withdraw', message: string, body: Record<string, string> = {}) => {
    setError(undefined);
    try {
      // Each decision's path written out: a test checks every route has a screen that calls it.
      const path = {
        approve: `/api/admin/access-changes/${change.id}/approve`,
        refuse: `/api/admin/access-changes/${change.id}/refuse`,
        withdraw: `/api/admin/access-changes/${change.id}/withdraw`,
      }[action];
      onDecided(await api<AccessChange>('POST', path, body), message);
    } catch (caught) {
      setError(action === 'refuse' ? applyProblem(caught, refusal.setError, ['reason']) : caught);
    }
  };
  const refuse = refusal.handleSubmit(({ reason }) => decide('refuse', t('admin.access.refused'), { reason: reason.trim() }));
  if (me.userId === change.requestedBy.id) {
    return (
      <>
        <p className="alert alert-warning">{t('admin.access.awaiting')}</p>
        <ProblemAlert error={error} />
        <div className="actions">
          <Button className="button" onPress={() => void decide('withdraw', t('admin.access.withdrawn'))}>
            {t('admin.access.withdraw')}
          </Button>
        </div>
      </>
    );
  }
  if (me.userId === change.account.id) return <p className="alert alert-warning">{t('admin.access.ownAccount')}</p>;
  return (
    <>
      <ProblemAlert error={error} />
      <div className="actions">
        <Button className="button button-primary" onPress={() => void decide('approve', t('admin.access.approved'))}>
          {t('admin.access.approve')}
        </Button>
      </div>
      <Form onSubmit={refuse} validationBehavior="aria" aria-label={t('admin.access.refuseOf', { name: change.account.displayName })} className="refusal">
        <TextInputField control={refusal.control} name="reason" label={t('admin.access.refuseReason')} description={t('admin.access.reasonRule')} multiline isRequired />
        <Button type="submit" className="button button-danger">
          {t('admin.access.refuse')}
        </Button>
      </Form>
    </>
  );
}

/** Who asked for the change, and when. */
export function AccessChangeRequester({ change }: { change: AccessChange }) {
  const { t } = useTranslation();
  const format = useFormat();
  return <p className="muted">{t('admin.access.requested', { name: change.requestedBy.displayName, username: change.requestedBy.username, at: format.dateTime(change.requestedAt) })}</p>;
}

/**
 * Changes of access waiting for a second administrator, each to decide here, and the latest
 * decided. `changes` is the list as loaded by the screen, which reloads its users too.
 */
export function AccessChangesSection({ changes, onDecided }: { changes: { data: AccessChange[] | undefined; error: unknown }; onDecided: (message: string) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const pending = (changes.data ?? []).filter((change) => change.status === 'pending');
  const decided = (changes.data ?? []).filter((change) => change.status !== 'pending').slice(0, 10);
  return (
    <section aria-labelledby="access-changes">
      <h2 id="access-changes">{t('admin.access.title')}</h2>
      <p>{t('admin.access.explain')}</p>
      <ProblemAlert error={changes.error} />
      {changes.data === undefined ? null : pending.length === 0 ? (
        <p>{t('admin.access.nonePending')}</p>
      ) : (
        pending.map((change) => (
          <article key={change.id} aria-labelledby={`change-${change.id}`} className="panel">
            <h3 id={`change-${change.id}`}>
              <Link to={`/admin/users/${change.account.id}`}>{t('admin.access.account', { name: change.account.displayName, username: change.account.username })}</Link>
            </h3>
            <AccessChangeWhat change={change} />
            <AccessChangeRequester change={change} />
            <AccessChangeDecision change={change} onDecided={(_decided, message) => onDecided(message)} />
          </article>
        ))
      )}
      {decided.length > 0 ? (
        <div className="table-scroll">
          <table aria-labelledby="access-decided">
            <caption id="access-decided">{t('admin.access.recent')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.access.accountTitle')}</th>
                <th scope="col">{t('admin.access.change')}</th>
                <th scope="col">{t('admin.access.decision')}</th>
                <th scope="col">{t('admin.access.when')}</th>
              </tr>
            </thead>
            <tbody>
              {decided.map((change) => (
                <tr key={change.id}>
                  <th scope="row">
                    <Link to={`/admin/users/${change.account.id}`}>{change.account.username}</Link>
                  </th>
                  <td>
                    <AccessChangeWhat change={change} />
                    <div className="muted">{t('admin.access.requestedShort', { name: change.requestedBy.displayName })}</div>
                  </td>
                  <td>
                    {t(`admin.access.decidedBy.${change.status}`, { name: change.decidedBy?.displayName ?? '' })}
                    {change.refusalReason ? <div className="reason">{change.refusalReason}</div> : null}
                  </td>
                  <td>{change.decidedAt ? format.dateTime(change.decidedAt) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
