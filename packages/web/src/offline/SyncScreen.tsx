import { useCallback, useEffect, useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useMe } from '../app/session';
import { useFormat } from '../app/format';
import { useOnline, useOutboxRevision } from './connectivity';
import { outboxItems, resolveItem, syncNow, type OutboxItem } from './outbox';
import { UnlockPanel, useUnlockedUser } from './UnlockPanel';

/** What waits to be sent, and the conflicts and refusals the user must decide on. */
export default function SyncScreen() {
  const { t } = useTranslation();
  const format = useFormat();
  const me = useMe();
  const online = useOnline();
  const revision = useOutboxRevision();
  const unlocked = useUnlockedUser();
  const [items, setItems] = useState<OutboxItem[]>([]);
  const load = useCallback(async () => setItems(await outboxItems()), []);
  useEffect(() => {
    void load();
  }, [load, revision, unlocked]);
  return (
    <div className="page">
      <h1>{t('offline.sync.title')}</h1>
      {unlocked !== me.username ? (
        <UnlockPanel username={me.username} online={online} onUnlocked={() => void syncNow()} />
      ) : (
        <>
          <Button className="button" onPress={() => void syncNow().then(load)} isDisabled={!online}>
            {t('offline.sync.now')}
          </Button>
          {items.length === 0 ? <p>{t('offline.sync.none')}</p> : null}
          <ul className="outbox">
            {items.map((item) => (
              <li key={item.seq} className={`outbox-item is-${item.state}`} data-testid="outbox-item" data-state={item.state}>
                <strong>{t(`offline.sync.kinds.${item.action.kind}`)}</strong> · {format.dateTime(item.createdAt)} · {t(`offline.sync.${item.state === 'pending' ? 'waiting' : item.state}`)}
                {item.problem ? (
                  <div role="alert" className={`alert ${item.state === 'conflict' ? 'alert-warning' : 'alert-error'}`}>
                    {item.state === 'conflict' ? <p>{t('offline.sync.conflictExplain', { version: item.problem.currentVersion })}</p> : <p>{item.problem.detail}</p>}
                    {item.action.kind === 'correct-encounter' ? (
                      <p data-testid="my-change">
                        {t('offline.sync.myChange')}{' '}
                        {Object.entries(item.action.body)
                          .filter(([field]) => field !== 'version')
                          .map(([field, value]) => `${field} = ${String(value)}`)
                          .join(', ')}
                      </p>
                    ) : null}
                    {item.problem.fields.length > 0 ? (
                      <ul>
                        {item.problem.fields.map((field) => (
                          <li key={field.field}>
                            <strong>{field.field}</strong>: {field.message}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                    <div className="actions">
                      {item.state === 'conflict' && item.problem.currentVersion !== undefined ? (
                        <Button className="button" onPress={() => void resolveItem(item.seq, { retryWithVersion: item.problem!.currentVersion! }).then(load)}>
                          {t('offline.sync.applyMine')}
                        </Button>
                      ) : (
                        <Button className="button" onPress={() => void resolveItem(item.seq, { retry: true }).then(load)}>
                          {t('offline.sync.retry')}
                        </Button>
                      )}
                      <Button className="button button-danger" onPress={() => void resolveItem(item.seq, { discard: true }).then(load)}>
                        {t('offline.sync.discard')}
                      </Button>
                    </div>
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
