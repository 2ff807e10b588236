import { useQuery } from '@tanstack/react-query';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, ROLES } from '@haven/core/codes';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { z } from 'zod';
import { api } from '../../app/api';
import { useMe } from '../../app/session';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { SelectField, TextInputField } from '../../app/ui/fields';
import { usePasswordRules } from '../../app/ui/password-rules';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { AccessChangeDecision, AccessChangeRequester, AccessChangeWhat } from './AccessChanges';
import type { Agency } from './AgenciesScreen';
import { UserState, type User } from './UsersScreen';
import '../../app/ui/desk.css';
import { AdminStrings } from './strings';

const assignmentForm = z.object({ role: z.enum(ROLES), agencyId: z.string().min(1), displayName: z.string().trim().min(1).max(200) });
const passwordForm = z.object({ password: z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH) });

/**
 * The user's role, agency and standing. What gives the account access to personal data waits for
 * a second administrator; one's own role and agency are not offered at all.
 */
function UserForms({ user, agencies, onChanged }: { user: User; agencies: Agency[]; onChanged: (user: User, message: string) => void }) {
  const { t } = useTranslation();
  const passwordRules = usePasswordRules();
  const me = useMe();
  const [error, setError] = useState<unknown>();
  const form = useForm({ resolver: zodResolver(assignmentForm), defaultValues: { role: user.role, agencyId: user.agencyId, displayName: user.displayName } });
  const password = useForm({ resolver: zodResolver(passwordForm), defaultValues: { password: '' } });
  const change = async (changes: Record<string, unknown>, message: string, fields: readonly string[] = []) => {
    setError(undefined);
    try {
      const updated = await api<User>('PATCH', `/api/admin/users/${user.id}`, { version: user.version, ...changes });
      // Part of it (or all) waits for a second administrator: say so rather than "saved".
      const held = updated.pendingChange !== null && updated.pendingChange.id !== user.pendingChange?.id;
      onChanged(updated, held ? t('admin.access.requestedNow') : message);
    } catch (caught) {
      setError(fields.length > 0 ? applyProblem(caught, form.setError, fields as ('role' | 'agencyId' | 'displayName')[]) : caught);
    }
  };
  const saveAssignment = form.handleSubmit((values) => {
    const changes: Record<string, unknown> = {};
    if (values.role !== user.role) changes.role = values.role;
    if (values.agencyId !== user.agencyId) changes.agencyId = values.agencyId;
    if (values.displayName !== user.displayName) changes.displayName = values.displayName;
    return change(changes, t('admin.user.saved'), ['role', 'agencyId', 'displayName']);
  });
  const savePassword = password.handleSubmit(async (values) => {
    await change({ password: values.password }, t('admin.user.passwordSet'));
    password.reset({ password: '' });
  });
  const locked = user.lockedUntil !== null && new Date(user.lockedUntil) > new Date();
  const ownAccount = user.id === me.userId;
  return (
    <>
      <ProblemAlert error={error} />
      <Form onSubmit={saveAssignment} validationBehavior="aria" aria-labelledby="assignment" className="panel">
        <h2 id="assignment">{t(ownAccount ? 'admin.users.displayName' : 'admin.user.assignment')}</h2>
        <TextInputField control={form.control} name="displayName" label={t('admin.users.displayName')} isRequired />
        {ownAccount ? (
          <p className="alert alert-warning">{t('admin.user.ownAccess')}</p>
        ) : (
          <>
            <p>{t('admin.user.assignmentExplain')}</p>
            <SelectField control={form.control} name="role" label={t('admin.users.role')} options={ROLES.map((role) => ({ value: role, label: t(`app.roles.${role}`) }))} isRequired />
            <SelectField control={form.control} name="agencyId" label={t('admin.users.agency')} options={agencies.map((agency) => ({ value: agency.id, label: agency.name }))} isRequired />
          </>
        )}
        <Button type="submit" className="button button-primary">
          {t('admin.save')}
        </Button>
      </Form>
      <section aria-labelledby="standing" className="panel">
        <h2 id="standing">{t('admin.user.standing')}</h2>
        <div className="actions">
          {user.disabled ? (
            <Button className="button" onPress={() => void change({ disabled: false }, t('admin.user.reactivated'))}>
              {t('admin.user.reactivate')}
            </Button>
          ) : (
            <Button className="button button-danger" isDisabled={user.id === me.userId} onPress={() => void change({ disabled: true }, t('admin.user.deactivated'))}>
              {t('admin.user.deactivate')}
            </Button>
          )}
          {locked ? (
            <Button className="button" onPress={() => void change({ unlock: true }, t('admin.user.unlocked'))}>
              {t('admin.user.unlock')}
            </Button>
          ) : null}
          {user.totpEnabled ? (
            <Button className="button" onPress={() => void change({ resetSecondFactor: true }, t('admin.user.secondFactorReset'))}>
              {t('admin.user.resetSecondFactor')}
            </Button>
          ) : null}
        </div>
        {user.id === me.userId ? <p>{t('admin.user.notYourself')}</p> : null}
      </section>
      <Form onSubmit={savePassword} validationBehavior="aria" aria-labelledby="temporary-password" className="panel">
        <h2 id="temporary-password">{t('admin.user.temporaryPassword')}</h2>
        <p>{t('admin.user.temporaryPasswordExplain')}</p>
        <TextInputField control={password.control} name="password" type="password" label={t('admin.users.temporaryPassword')} description={passwordRules} autoComplete="new-password" isRequired />
        <Button type="submit" className="button">
          {t('admin.user.setPassword')}
        </Button>
      </Form>
    </>
  );
}

function UserScreenBody() {
  const { t } = useTranslation();
  const { userId } = useParams();
  const users = useQuery(apiQuery<User[]>(queryKeys.users(), '/api/admin/users'));
  const agencies = useQuery(apiQuery<Agency[]>(queryKeys.agencies(), '/api/admin/agencies'));
  const [updated, setUpdated] = useState<User>();
  // Kept here, not in the forms: they start afresh on each new version of the user.
  const [done, setDone] = useState<string>();
  const listed = users.data?.find((user) => user.id === userId);
  const user = updated && updated.id === userId ? updated : listed;
  return (
    <div className="page admin">
      <p>
        <Link to="/admin/users">{t('admin.user.back')}</Link>
      </p>
      <ProblemAlert error={users.error ?? agencies.error} />
      {users.data && !listed ? <p role="alert">{t('admin.user.notFound')}</p> : null}
      {user && agencies.data ? (
        <>
          <h1>{t('admin.user.title', { name: user.displayName, username: user.username })}</h1>
          <p>
            <UserState user={user} />
          </p>
          {done ? (
            <p role="status" className="alert alert-ok">
              {done}
            </p>
          ) : null}
          {!user.approved && !user.pendingChange ? <p className="alert alert-warning">{t('admin.user.notApproved')}</p> : null}
          {user.pendingChange ? (
            <section aria-labelledby="pending-change" className="panel">
              <h2 id="pending-change">{t('admin.user.pendingChange')}</h2>
              <AccessChangeWhat change={user.pendingChange} />
              <AccessChangeRequester change={user.pendingChange} />
              <AccessChangeDecision
                change={user.pendingChange}
                onDecided={(_decided, message) => {
                  setUpdated(undefined);
                  setDone(message);
                  void invalidate(queryKeys.users(), queryKeys.accessChanges());
                }}
              />
            </section>
          ) : null}
          <UserForms
            key={user.version}
            user={user}
            agencies={agencies.data}
            onChanged={(next, message) => {
              setUpdated(next);
              setDone(message);
              void invalidate(queryKeys.users(), queryKeys.accessChanges());
            }}
          />
        </>
      ) : users.data && !listed ? null : (
        <p role="status">{t('app.loading')}</p>
      )}
    </div>
  );
}

export default function UserScreen() {
  return (
    <AdminStrings>
      <UserScreenBody />
    </AdminStrings>
  );
}
