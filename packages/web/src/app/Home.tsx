import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { screensFor } from './screens';
import { useMe } from './session';

/** Where every role lands: the screens of its role, in words. */
export function Home() {
  const { t } = useTranslation();
  const me = useMe();
  const screens = screensFor(me.role).filter((screen) => screen.nav);
  return (
    <div className="page">
      <h1>{t('app.home.title', { name: me.displayName })}</h1>
      <p>{t('app.home.role', { role: t(`app.roles.${me.role}`) })}</p>
      {screens.length > 0 ? (
        <ul className="tiles">
          {screens.map((screen) => (
            <li key={screen.path}>
              <Link className="tile" to={`/${screen.path}`}>
                {t(screen.nav!)}
              </Link>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('app.home.nothingYet')}</p>
      )}
    </div>
  );
}
