import { useQuery } from '@tanstack/react-query';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, ROLES, type Role } from '@haven/core/codes';
import { type AccessChange } from '@haven/core/schemas';
import type { UserView as User } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { z } from 'zod';
import { api } from '../../app/api';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import { SelectField, TextInputField } from '../../app/ui/fields';
import { usePasswordRules } from '../../app/ui/password-rules';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { AccessChangesSection } from './AccessChanges';
import type { Agency } from './AgenciesScreen';
import '../../app/ui/desk.css';
import { AdminStrings } from './strings';

export type { UserView as User } from '@haven/core/schemas';

/** The server's rule for user names (accounts.ts), checked here first so the message sits by the field. */
const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;

const userForm = z.object({
  agencyId: z.string().min(1),
  username: z.string().regex(USERNAME),
  displayName: z.string().trim().min(1).max(200),
  email: z.union([z.literal(''), z.email().max(200)]),
  role: z.enum(ROLES),
  password: z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH),
});

/** Words for a user's state: what stops them working now, else what they still have to do. */
export function UserState({ user }: { user: User }) {
  const { t } = useTranslation();
  const states = [
    user.approved ? null : user.pendingChange ? t('admin.users.state.awaitingApproval') : t('admin.users.state.notApproved'),
    user.approved && user.pendingChange ? t('admin.users.state.changePending') : null,
    user.disabled ? t('admin.users.state.disabled') : null,
    user.lockedUntil && new Date(user.lockedUntil) > new Date() ? t('admin.users.state.locked') : null,
    user.mustChangePassword ? t('admin.users.state.mustChangePassword') : null,
    user.totpEnabled ? null : t('admin.users.state.noSecondFactor'),
  ].filter(Boolean);
  return <>{states.length > 0 ? states.join(' · ') : t('admin.users.state.active')}</>;
}

/** Staff accounts: who works in which agency, in which role. A new user enrols their second factor at first sign-in. */
function UsersScreenBody() {
  const { t } = useTranslation();
  const passwordRules = usePasswordRules();
  const users = useQuery(apiQuery<User[]>(queryKeys.users(), '/api/admin/users'));
  const agencies = useQuery(apiQuery<Agency[]>(queryKeys.agencies(), '/api/admin/agencies'));
  const changes = useQuery(apiQuery<AccessChange[]>(queryKeys.accessChanges(), '/api/admin/access-changes?limit=50'));
  const [error, setError] = useState<unknown>();
  const [created, setCreated] = useState<User>();
  const [decided, setDecided] = useState<string>();
  const form = useForm({
    resolver: zodResolver(userForm),
    defaultValues: { agencyId: '', username: '', displayName: '', email: '', role: 'first_responder' as Role, password: '' },
  });
  const agencyName = new Map((agencies.data ?? []).map((agency) => [agency.id, agency.name]));
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    setCreated(undefined);
    setDecided(undefined);
    try {
      const { email, ...rest } = values;
      const user = await api<User>('POST', '/api/admin/users', { ...rest, ...(email ? { email } : {}) });
      setCreated(user);
      form.reset({ agencyId: values.agencyId, username: '', displayName: '', email: '', role: values.role, password: '' });
      void invalidate(queryKeys.users(), queryKeys.accessChanges());
    } catch (caught) {
      setError(applyProblem(caught, form.setError, ['agencyId', 'username', 'displayName', 'email', 'role', 'password']));
    }
  });
  const roleOptions = ROLES.map((role) => ({ value: role, label: t(`app.roles.${role}`) }));
  const agencyOptions = (agencies.data ?? []).map((agency) => ({ value: agency.id, label: agency.name }));
  return (
    <div className="page admin">
      <h1>{t('admin.users.title')}</h1>
      <Form onSubmit={submit} validationBehavior="aria" aria-labelledby="new-user" className="panel">
        <h2 id="new-user">{t('admin.users.new')}</h2>
        <p>{t('admin.users.newExplain')}</p>
        <div className="row">
          <TextInputField control={form.control} name="username" label={t('admin.users.username')} description={t('admin.users.usernameRule')} autoComplete="off" isRequired />
          <TextInputField control={form.control} name="displayName" label={t('admin.users.displayName')} autoComplete="off" isRequired />
          <SelectField control={form.control} name="agencyId" label={t('admin.users.agency')} options={agencyOptions} placeholder={t('admin.choose')} isRequired />
          <SelectField control={form.control} name="role" label={t('admin.users.role')} options={roleOptions} isRequired />
          <TextInputField control={form.control} name="email" type="email" label={t('admin.users.email')} description={t('admin.users.emailHint')} autoComplete="off" />
          <TextInputField control={form.control} name="password" type="password" label={t('admin.users.temporaryPassword')} description={passwordRules} autoComplete="new-password" isRequired />
        </div>
        <ProblemAlert error={error} />
        {created ? (
          <p role="status" className="alert alert-ok">
            {created.approved ? t('admin.users.created', { username: created.username }) : t('admin.users.createdAwaiting', { username: created.username })}
          </p>
        ) : null}
        <Button type="submit" className="button button-primary">
          {t('admin.users.create')}
        </Button>
      </Form>
      {decided ? (
        <p role="status" className="alert alert-ok">
          {decided}
        </p>
      ) : null}
      <AccessChangesSection
        changes={changes}
        onDecided={(message) => {
          setDecided(message);
          void invalidate(queryKeys.accessChanges(), queryKeys.users());
        }}
      />
      <h2 id="user-list">{t('admin.users.list')}</h2>
      <ProblemAlert error={users.error} />
      {users.data ? (
        <div className="table-scroll">
          <table aria-labelledby="user-list">
            <thead>
              <tr>
                <th scope="col">{t('admin.users.username')}</th>
                <th scope="col">{t('admin.users.displayName')}</th>
                <th scope="col">{t('admin.users.role')}</th>
                <th scope="col">{t('admin.users.agency')}</th>
                <th scope="col">{t('admin.users.stateTitle')}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => (
                <tr key={user.id}>
                  <th scope="row">
                    <Link to={`/admin/users/${user.id}`}>{user.username}</Link>
                  </th>
                  <td>{user.displayName}</td>
                  <td>{t(`app.roles.${user.role}`)}</td>
                  <td>{agencyName.get(user.agencyId) ?? '—'}</td>
                  <td>
                    <UserState user={user} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p role="status">{t('app.loading')}</p>
      )}
    </div>
  );
}

export default function UsersScreen() {
  return (
    <AdminStrings>
      <UsersScreenBody />
    </AdminStrings>
  );
}
