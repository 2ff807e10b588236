import type { Role } from '@haven/core/codes';
import type { RolePolicyView as RolePolicy } from '@haven/core/schemas';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Button, Checkbox, CheckboxGroup, FieldError, Form, Label, Text } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { api, ApiProblem } from '../../app/api';
import { apiQuery, invalidate } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { ProblemAlert } from '../../app/ui/problem';
import '../../app/ui/desk.css';
import { AdminStrings } from './strings';

/**
 * Which roles must use a second factor. A role that reads personal data always must: the server
 * keeps it whatever is sent, so it is shown ticked and fixed, and said so beside the field.
 */
function MfaRoles({ current, policies }: { current: Role[]; policies: RolePolicy[] }) {
  const { t } = useTranslation();
  const fixed = policies.filter((policy) => policy.permissions.includes('person:read')).map((policy) => policy.role);
  const [chosen, setChosen] = useState<string[]>(current);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  useEffect(() => setChosen(current), [current]);
  const save = useMutation({
    mutationFn: (roles: string[]) => api<{ roles: Role[] }>('PUT', '/api/admin/settings/mfa-roles', { roles }),
    onSuccess: () => void invalidate(queryKeys.mfaRoles(), queryKeys.roles()),
  });
  const fieldError = error instanceof ApiProblem ? error.errors.find((problem) => problem.field.endsWith('roles'))?.message : undefined;
  const submit = async () => {
    setError(undefined);
    setSaved(false);
    try {
      await save.mutateAsync(chosen);
      setSaved(true);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <Form
      validationBehavior="aria"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
      data-testid="mfa-form"
    >
      <CheckboxGroup className="field" value={[...new Set([...chosen, ...fixed])]} onChange={setChosen} isInvalid={fieldError !== undefined} validationBehavior="aria">
        <Label>{t('admin.settings.mfaRoles')}</Label>
        <Text slot="description">{t('admin.settings.mfaFixed')}</Text>
        {policies.map(({ role }) => (
          <Checkbox key={role} value={role} className="checkbox" isDisabled={fixed.includes(role)}>
            <span className="checkbox-box" aria-hidden="true" />
            {t(`app.roles.${role}`)}
            {fixed.includes(role) ? <span className="muted"> · {t('admin.settings.always')}</span> : null}
          </Checkbox>
        ))}
        <FieldError>{fieldError}</FieldError>
      </CheckboxGroup>
      <ProblemAlert error={fieldError ? undefined : error} />
      <Button type="submit" className="button button-primary" isDisabled={save.isPending}>
        {t('admin.save')}
      </Button>
      {saved ? (
        <p role="status" className="alert alert-ok">
          {t('admin.settings.saved')}
        </p>
      ) : null}
    </Form>
  );
}

function SettingsScreenBody() {
  const { t } = useTranslation();
  const mfa = useQuery(apiQuery<{ roles: Role[] }>(queryKeys.mfaRoles(), '/api/admin/settings/mfa-roles'));
  const policies = useQuery(apiQuery<RolePolicy[]>(queryKeys.roles(), '/api/admin/roles'));
  return (
    <div className="page admin">
      <h1>{t('admin.settings.title')}</h1>
      <h2>{t('admin.settings.mfaTitle')}</h2>
      <p>{t('admin.settings.mfaExplained')}</p>
      <ProblemAlert error={mfa.error ?? policies.error} />
      {mfa.data && policies.data ? <MfaRoles current={mfa.data.roles} policies={policies.data} /> : <p role="status">{t('app.loading')}</p>}
    </div>
  );
}

export default function SettingsScreen() {
  return (
    <AdminStrings>
      <SettingsScreenBody />
    </AdminStrings>
  );
}
