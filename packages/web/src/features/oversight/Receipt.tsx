import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';

/**
 * The receipt code of a complaint just filed, shown once (Haven keeps only its hash): the heading
 * takes the focus so a screen reader says it at once, the code can be copied, and the advice says
 * to keep it.
 */
export function ReceiptPanel({ receipt, children }: { receipt: string; children?: ReactNode }) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  const [copied, setCopied] = useState<boolean>();
  useEffect(() => heading.current?.focus(), []);
  const copy = () => {
    navigator.clipboard.writeText(receipt).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <section className="receipt" aria-labelledby="receipt-title" data-testid="receipt">
      <h2 id="receipt-title" ref={heading} tabIndex={-1}>
        {t('oversight.receipt.title')}
      </h2>
      <p>{t('oversight.receipt.code')}</p>
      <p className="receipt-code" dir="ltr" translate="no" data-testid="receipt-code">
        {receipt}
      </p>
      <p className="alert alert-warning">{t('oversight.receipt.keep')}</p>
      <div className="actions">
        <Button className="button" onPress={copy}>
          {t('oversight.receipt.copy')}
        </Button>
      </div>
      <p role="status">{copied === undefined ? null : copied ? t('oversight.receipt.copied') : t('oversight.receipt.copyFailed')}</p>
      {children}
    </section>
  );
}
