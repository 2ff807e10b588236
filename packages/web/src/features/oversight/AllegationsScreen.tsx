import { useQuery } from '@tanstack/react-query';
import { ALLEGATION_STATUSES, type Allegation, type AllegationStatus } from '@haven/core/schemas';
import { useState } from 'react';
import { Label, ListBox, ListBoxItem, Popover, Select, SelectValue, Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../app/format';
import { ProblemAlert } from '../../app/ui/problem';
import { apiQuery } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import '../../app/ui/desk.css';
import { OversightStrings } from './strings';

/** Allegations of failure to assist that this oversight body handles (and those not yet assigned), newest first. */
function AllegationsScreenBody() {
  const { t } = useTranslation();
  const format = useFormat();
  const [status, setStatus] = useState<AllegationStatus | 'all'>('all');
  const list = useQuery(apiQuery<{ items: Allegation[]; nextCursor: string | null }>(queryKeys.allegations(status), `/api/oversight/allegations?limit=100${status === 'all' ? '' : `&status=${status}`}`));
  return (
    <div className="page desk">
      <h1>{t('oversight.allegations.title')}</h1>
      <Select className="field" selectedKey={status} onSelectionChange={(key) => setStatus((key ?? 'all') as AllegationStatus | 'all')}>
        <Label>{t('oversight.allegations.status')}</Label>
        <Button className="select-button">
          <SelectValue />
          <span aria-hidden="true">▾</span>
        </Button>
        <Popover className="select-popover">
          <ListBox className="select-list">
            <ListBoxItem id="all" className="select-option">
              {t('oversight.allegations.all')}
            </ListBoxItem>
            {ALLEGATION_STATUSES.map((value) => (
              <ListBoxItem key={value} id={value} className="select-option">
                {t(`oversight.statuses.${value}`)}
              </ListBoxItem>
            ))}
          </ListBox>
        </Popover>
      </Select>
      <ProblemAlert error={list.error} />
      {list.data === undefined ? (
        <p role="status">{t('app.loading')}</p>
      ) : list.data.items.length === 0 ? (
        <p>{t('oversight.allegations.none')}</p>
      ) : (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{t('oversight.allegations.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('oversight.allegations.received')}</th>
                <th scope="col">{t('oversight.allegations.status')}</th>
                <th scope="col">{t('oversight.allegations.description')}</th>
                <th scope="col">{t('oversight.allegations.filedBy')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((allegation) => (
                <tr key={allegation.id}>
                  <th scope="row">
                    <Link to={`/oversight/allegations/${allegation.id}`}>{format.dateTime(allegation.createdAt)}</Link>
                  </th>
                  <td>{t(`oversight.statuses.${allegation.status}`)}</td>
                  <td className="reason">{allegation.description.length > 160 ? `${allegation.description.slice(0, 160)}…` : allegation.description}</td>
                  <td>{allegation.filedBy ? t('oversight.allegations.signedIn') : t('oversight.allegations.anonymous')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export default function AllegationsScreen() {
  return (
    <OversightStrings>
      <AllegationsScreenBody />
    </OversightStrings>
  );
}
