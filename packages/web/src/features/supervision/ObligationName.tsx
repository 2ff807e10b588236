import { useTranslation } from 'react-i18next';
import { obligationNameKey } from './model';

/** An obligation by its name in the reader's language, with its code (what the law and the audit trail call it). */
export function ObligationName({ code }: { code: string }) {
  const { t } = useTranslation();
  const name = t(obligationNameKey(code), { defaultValue: code });
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
export function useObligationName(): (code: string) => string {
  const { t } = useTranslation();
  return (code) => t(obligationNameKey(code), { defaultValue: code });
}
