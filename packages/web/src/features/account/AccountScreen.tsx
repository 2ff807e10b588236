import { zodResolver } from '@hookform/resolvers/zod';
import type { Permission } from '@haven/core/codes';
import type { ApiTokenView } from '@haven/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Checkbox, CheckboxGroup, FieldError, Form, Label } from 'react-aria-components';
import { useController, useForm, type Control } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { useMe, useSession } from '../../app/session';
import { TextInputField } from '../../app/ui/fields';
import { applyProblem, ProblemAlert } from '../../app/ui/problem';
import '../../app/ui/desk.css';
import { AdminStrings } from '../admin/strings';
import { AccountStrings } from './strings';

/** The longest life the server gives a token (identity/api-tokens.ts MAX_TOKEN_DAYS). */
const MAX_DAYS = 365;

/** A permission in words (the administration's labels of the permissions). */
function usePermissionName() {
  const { t } = useTranslation();
  return (permission: string) => t(`admin.permissions.${permission.replace(':', '_')}`, { defaultValue: permission });
}

interface TokenForm {
  name: string;
  scopes: string[];
  expiresInDays: string;
}

function ScopesField({ control, permissions }: { control: Control<TokenForm>; permissions: readonly Permission[] }) {
  const { t } = useTranslation();
  const permissionName = usePermissionName();
  const { field, fieldState } = useController({ control, name: 'scopes' });
  return (
    <CheckboxGroup className="field" name="scopes" value={field.value} onChange={field.onChange} isInvalid={fieldState.invalid} validationBehavior="aria">
      <Label>{t('account.tokens.scopes')}</Label>
      {permissions.map((permission) => (
        <Checkbox key={permission} value={permission} className="checkbox">
          <span className="checkbox-box" aria-hidden="true" />
          {permissionName(permission)}
        </Checkbox>
      ))}
      <FieldError>{fieldState.error?.message}</FieldError>
    </CheckboxGroup>
  );
}

/** The new token's secret, shown this once, with a copy button. */
function NewToken({ token }: { token: ApiTokenView & { token: string } }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <div className="alert alert-warning" data-testid="new-token">
      <p className="alert-title">{t('account.tokens.created', { name: token.name })}</p>
      <p>{t('account.tokens.onceWarning')}</p>
      <p>
        <code data-testid="token-secret">{token.token}</code>
      </p>
      <Button className="button" onPress={() => void navigator.clipboard.writeText(token.token).then(() => setCopied(true), () => setCopied(false))}>
        {t('account.tokens.copy')}
      </Button>
      {copied ? <p role="status">{t('account.tokens.copied')}</p> : null}
    </div>
  );
}

/** Create a token: its name, what it may do (among what I may do) and how many days it lives. */
function CreateToken({ permissions }: { permissions: readonly Permission[] }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>();
  const [created, setCreated] = useState<ApiTokenView & { token: string }>();
  const schema = z.object({
    name: z.string().trim().min(1, t('account.tokens.nameNeeded')).max(100),
    scopes: z.array(z.string()).min(1, t('account.tokens.scopesNeeded')),
    expiresInDays: z.string().regex(/^\d+$/, t('account.tokens.daysRange', { max: MAX_DAYS })).refine((days) => Number(days) >= 1 && Number(days) <= MAX_DAYS, t('account.tokens.daysRange', { max: MAX_DAYS })),
  });
  const form = useForm<TokenForm>({ resolver: zodResolver(schema), defaultValues: { name: '', scopes: [], expiresInDays: '30' } });
  const create = useMutation({
    mutationFn: (values: TokenForm) => api<ApiTokenView & { token: string }>('POST', '/api/auth/tokens', { name: values.name.trim(), scopes: values.scopes, expiresInDays: Number(values.expiresInDays) }),
    onSuccess: () => void invalidate(queryKeys.apiTokens()),
  });
  const submit = form.handleSubmit(async (values) => {
    setError(undefined);
    setCreated(undefined);
    try {
      setCreated(await create.mutateAsync(values));
      form.reset({ name: '', scopes: [], expiresInDays: '30' });
    } catch (failure) {
      setError(applyProblem(failure, form.setError, ['name', 'scopes', 'expiresInDays']));
    }
  });
  return (
    <details className="panel" data-testid="create-token">
      <summary>{t('account.tokens.create')}</summary>
      <Form onSubmit={submit} validationBehavior="aria">
        <TextInputField control={form.control} name="name" label={t('account.tokens.name')} description={t('account.tokens.nameHint')} isRequired />
        <ScopesField control={form.control} permissions={permissions} />
        <TextInputField control={form.control} name="expiresInDays" label={t('account.tokens.days')} description={t('account.tokens.daysRange', { max: MAX_DAYS })} inputMode="numeric" isRequired />
        <ProblemAlert error={error} />
        <Button type="submit" className="button button-primary" isDisabled={form.formState.isSubmitting}>
          {t('account.tokens.createSubmit')}
        </Button>
      </Form>
      {created ? <NewToken token={created} /> : null}
    </details>
  );
}

/** Revoke, after a second press that says what it does. */
function RevokeButton({ token }: { token: ApiTokenView }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const revoke = useMutation({ mutationFn: () => api('DELETE', `/api/auth/tokens/${token.id}`), onSuccess: () => void invalidate(queryKeys.apiTokens()) });
  if (!confirming) {
    return (
      <Button className="button" onPress={() => setConfirming(true)}>
        {t('account.tokens.revoke')}
      </Button>
    );
  }
  return (
    <div role="group" aria-label={t('account.tokens.confirmRevoke', { name: token.name })}>
      <p>{t('account.tokens.confirmRevoke', { name: token.name })}</p>
      <ProblemAlert error={revoke.error} />
      <Button className="button button-danger" onPress={() => revoke.mutate()} isDisabled={revoke.isPending} autoFocus>
        {t('account.tokens.revokeNow')}
      </Button>{' '}
      <Button className="button button-quiet" onPress={() => setConfirming(false)}>
        {t('account.cancel')}
      </Button>
    </div>
  );
}

function TokenRow({ token }: { token: ApiTokenView }) {
  const { t } = useTranslation();
  const format = useFormat();
  const permissionName = usePermissionName();
  const expired = new Date(token.expiresAt).getTime() <= Date.now();
  return (
    <tr data-testid="api-token">
      <th scope="row">{token.name}</th>
      <td>{token.scopes.map(permissionName).join(', ')}</td>
      <td>{format.dateTime(token.expiresAt)}</td>
      <td>{token.lastUsedAt ? format.dateTime(token.lastUsedAt) : t('account.tokens.neverUsed')}</td>
      <td data-testid="token-state">
        {token.revokedAt ? t('account.tokens.revokedOn', { date: format.dateTime(token.revokedAt) }) : expired ? t('account.tokens.expired') : <RevokeButton token={token} />}
      </td>
    </tr>
  );
}

function TokenList() {
  const { t } = useTranslation();
  const tokens = useQuery(apiQuery<ApiTokenView[]>(queryKeys.apiTokens(), '/api/auth/tokens'));
  if (tokens.error) return <ProblemAlert error={tokens.error} />;
  if (!tokens.data) return <p role="status">{t('app.loading')}</p>;
  if (tokens.data.length === 0) return <p>{t('account.tokens.none')}</p>;
  return (
    <div className="table-scroll">
      <table data-testid="api-tokens">
        <caption className="visually-hidden">{t('account.tokens.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('account.tokens.name')}</th>
            <th scope="col">{t('account.tokens.scopes')}</th>
            <th scope="col">{t('account.tokens.expires')}</th>
            <th scope="col">{t('account.tokens.lastUsed')}</th>
            <th scope="col">{t('account.tokens.state')}</th>
          </tr>
        </thead>
        <tbody>
          {tokens.data.map((token) => (
            <TokenRow key={token.id} token={token} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Ends every session of mine, this one too, then back to sign-in. */
function SignOutEverywhere() {
  const { t } = useTranslation();
  const { signOut } = useSession();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const end = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', '/api/auth/logout-all', {});
      await signOut();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="sessions-title">
      <h2 id="sessions-title">{t('account.sessions.title')}</h2>
      <p>{t('account.sessions.explained')}</p>
      <ProblemAlert error={error} />
      <Button className="button" onPress={() => void end()} isDisabled={busy} data-testid="logout-all">
        {t('account.sessions.signOutEverywhere')}
      </Button>
    </section>
  );
}

/** My account: who I am, my API tokens, and signing out on every device. */
function AccountScreenBody() {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <div className="page admin">
      <h1>{t('account.title')}</h1>
      <p>{t('account.who', { name: me.displayName, username: me.username, role: t(`app.roles.${me.role}`) })}</p>
      <section aria-labelledby="tokens-title">
        <h2 id="tokens-title">{t('account.tokens.title')}</h2>
        <p>{t('account.tokens.explained')}</p>
        <TokenList />
        <CreateToken permissions={me.permissions} />
      </section>
      <SignOutEverywhere />
    </div>
  );
}

export default function AccountScreen() {
  return (
    <AccountStrings>
      <AdminStrings>
        <AccountScreenBody />
      </AdminStrings>
    </AccountStrings>
  );
}
