import { useTranslation } from 'react-i18next';
import { obligationTitle, useObligationTitle } from '../../app/obligations';

/** An obligation by its name in the reader's language, with its code (what the law and the audit trail call it). */
export function ObligationName({ code }: { code: string }) {
  const { t } = useTranslation();
  const name = obligationTitle(t, code);
  return (
    <>
      <span className="obligation-name">{name}</span>
      {name !== code ? (
        <>
          {' '}
          <code className="muted">{code}</code>
        </>
      ) : null}
    </>
  );
}

/** The name alone, for labels read out (a button's accessible name). */
export const useObligationName = useObligationTitle;
