import { useTranslation } from 'react-i18next';
import { useMe } from '../../app/session';
import './home.css';

/** The top of a worklist home: who is signed in and as what, in a line; the work follows. */
export function WorkHeader() {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <>
      <h1>{t('app.home.title', { name: me.displayName })}</h1>
      <p>{t('app.home.role', { role: t(`app.roles.${me.role}`) })}</p>
    </>
  );
}
