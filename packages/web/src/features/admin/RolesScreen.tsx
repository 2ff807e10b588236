import { useQuery } from '@tanstack/react-query';
import type { RolePolicyView as RolePolicy } from '@haven/core/schemas';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../app/ui/problem';
import { apiQuery } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import '../../app/ui/desk.css';
import { AdminStrings } from './strings';

/** What each role may do and see: fixed in the access policy, shown here so an administrator chooses a role knowingly. */
function RolesScreenBody() {
  const { t } = useTranslation();
  const roles = useQuery(apiQuery<RolePolicy[]>(queryKeys.roles(), '/api/admin/roles'));
  return (
    <div className="page admin">
      <h1>{t('admin.roles.title')}</h1>
      <p>{t('admin.roles.explain')}</p>
      <ProblemAlert error={roles.error} />
      {roles.data ? (
        <div className="role-list">
          {roles.data.map((policy) => (
            <section key={policy.role} aria-labelledby={`role-${policy.role}`} className="panel">
              <h2 id={`role-${policy.role}`}>{t(`app.roles.${policy.role}`)}</h2>
              <p>{t(`admin.roles.about.${policy.role}`)}</p>
              <h3>{t('admin.roles.permissions')}</h3>
              <ul className="chips">
                {policy.permissions.map((permission) => (
                  <li key={permission}>{t(`admin.permissions.${permission.replace(':', '_')}`, { defaultValue: permission })}</li>
                ))}
              </ul>
              <h3>{t('admin.roles.fieldGroups')}</h3>
              {policy.fieldGroups.length > 0 ? (
                <ul className="chips">
                  {policy.fieldGroups.map((group) => (
                    <li key={group}>{t(`admin.fieldGroups.${group}`)}</li>
                  ))}
                </ul>
              ) : (
                <p>{t('admin.roles.noPersonalData')}</p>
              )}
              <p>{policy.mfaRequired ? t('admin.roles.mfaRequired') : t('admin.roles.mfaOptional')}</p>
            </section>
          ))}
        </div>
      ) : (
        <p role="status">{t('app.loading')}</p>
      )}
    </div>
  );
}

export default function RolesScreen() {
  return (
    <AdminStrings>
      <RolesScreenBody />
    </AdminStrings>
  );
}
