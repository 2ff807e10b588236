import type { AuditEventsPage } from '@haven/core/schemas';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../app/format';
import { apiQuery } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { shortReference } from '../../app/reference';
import { ProblemAlert } from '../../app/ui/problem';

const PAGE = 100;

/**
 * The whole trail in order, a page at a time from a sequence number: what the oversight body reads
 * when it does not yet know which record to look at. Each event's record opens that record's trail.
 */
export function WholeTrail() {
  const { t } = useTranslation();
  const format = useFormat();
  // The pages read so far, as their starting sequence numbers: "Back" returns to the one before.
  const [starts, setStarts] = useState<number[]>([0]);
  const after = starts[starts.length - 1]!;
  const page = useQuery(apiQuery<AuditEventsPage>(queryKeys.auditEvents(after), `/api/audit/events?after=${after}&limit=${PAGE}`));
  return (
    <section aria-labelledby="whole-trail" className="panel" data-testid="whole-trail">
      <h2 id="whole-trail">{t('oversight.audit.wholeTitle')}</h2>
      <p>{t('oversight.audit.wholeExplain')}</p>
      <ProblemAlert error={page.error} />
      {page.data ? (
        <div className="table-scroll">
          <table aria-labelledby="whole-trail">
            <thead>
              <tr>
                <th scope="col">{t('oversight.audit.seq')}</th>
                <th scope="col">{t('oversight.audit.at')}</th>
                <th scope="col">{t('oversight.audit.action')}</th>
                <th scope="col">{t('oversight.audit.record')}</th>
                <th scope="col">{t('oversight.audit.actor')}</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((event) => (
                <tr key={event.seq}>
                  <th scope="row">{event.seq}</th>
                  <td>{format.dateTime(event.at)}</td>
                  <td>
                    <code>{event.action}</code>
                    {event.fields.length > 0 ? <div className="muted">{event.fields.join(', ')}</div> : null}
                  </td>
                  <td>
                    {event.recordId ? (
                      <Link to={`/oversight/audit?recordType=${encodeURIComponent(event.recordType)}&recordId=${encodeURIComponent(event.recordId)}`}>
                        {t('oversight.audit.recordLink', { type: event.recordType, id: shortReference(event.recordId) })}
                      </Link>
                    ) : (
                      event.recordType
                    )}
                  </td>
                  <td>
                    {event.actorUserId ? (event.actorName ?? shortReference(event.actorUserId)) : t('oversight.audit.system')}
                    {event.actorAgencyName ? <div className="muted">{event.actorAgencyName}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <p className="case-todo-actions">
        {starts.length > 1 ? (
          <Button className="button" onPress={() => setStarts((previous) => previous.slice(0, -1))}>
            {t('oversight.audit.previousPage')}
          </Button>
        ) : null}
        {page.data?.nextAfter != null ? (
          <Button className="button" onPress={() => setStarts((previous) => [...previous, page.data!.nextAfter!])} data-testid="whole-trail-next">
            {t('oversight.audit.nextPage')}
          </Button>
        ) : null}
      </p>
    </section>
  );
}
