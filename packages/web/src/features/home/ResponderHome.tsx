import type { EncounterView, TriageEntry } from '@haven/core/schemas';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../app/format';
import { apiQuery } from '../../app/query';
import { queryKeys } from '../../app/query-keys';
import { ProblemAlert } from '../../app/ui/problem';
import { WorkHeader } from './WorkHeader';

/** "Today" at the quay: a night rescue is still today's work the next morning. */
const TODAY_MS = 24 * 60 * 60 * 1000;
/** The urgent persons shown per encounter before "and n more" sends to the encounter's screen. */
const URGENT_SHOWN = 10;

/**
 * A first responder's home: the agency's encounters of the last 24 hours, each with its counts and
 * the persons triage puts first, every urgent category they fall in, each opening their case. A
 * new encounter starts from the encounters screen, which also works without a network.
 */
export default function ResponderHome() {
  const { t } = useTranslation();
  const encounters = useQuery(apiQuery<{ items: EncounterView[] }>(queryKeys.encounterList(), '/api/encounters?limit=50'));
  const since = Date.now() - TODAY_MS;
  const today = (encounters.data?.items ?? []).filter((encounter) => Date.parse(encounter.occurredAt) >= since);
  const triages = useQueries({ queries: today.map((encounter) => apiQuery<TriageEntry[]>(queryKeys.triage(encounter.id), `/api/encounters/${encounter.id}/triage`)) });
  return (
    <div className="page">
      <WorkHeader />
      <p className="work-actions">
        <Link className="button button-primary button-large" to="/first-response">
          {t('home.responder.newEncounter')}
        </Link>
      </p>
      <section className="work-section" aria-labelledby="today-title" data-testid="home-encounters">
        <h2 id="today-title">{t('home.responder.today')}</h2>
        <ProblemAlert error={encounters.error} />
        {encounters.data && today.length === 0 ? <p>{t('home.responder.noneToday')}</p> : null}
        <ul className="work-list">
          {today.map((encounter, index) => (
            <EncounterWork key={encounter.id} encounter={encounter} triage={triages[index]?.data} error={triages[index]?.error} />
          ))}
        </ul>
      </section>
    </div>
  );
}

/** One encounter: where and when, how many, and whom triage puts first. */
function EncounterWork({ encounter, triage, error }: { encounter: EncounterView; triage: TriageEntry[] | undefined; error: unknown }) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const list = new Intl.ListFormat(i18n.language, { type: 'unit' });
  const urgent = (triage ?? []).filter((entry) => entry.category !== 'other');
  return (
    <li className="work-item" data-testid="home-encounter">
      <p>
        <Link to={`/first-response/encounters/${encounter.id}`}>
          <strong>{encounter.place.name}</strong> · {t(`firstResponse.encounterTypes.${encounter.type}`)} · {format.dateTime(encounter.occurredAt)}
        </Link>
      </p>
      <p className="work-muted">
        {t('home.responder.counts', { onBoard: encounter.peopleOnBoard ?? '—', registered: encounter.registeredPersons })}
        {triage ? ` · ${t('home.responder.urgent', { count: urgent.length })}` : ''}
      </p>
      <ProblemAlert error={error} />
      {urgent.length > 0 ? (
        <ul data-testid="home-triage">
          {urgent.slice(0, URGENT_SHOWN).map((entry) => (
            <li key={entry.personId} data-categories={entry.categories.join(' ')}>
              <strong>{list.format(entry.categories.map((category) => t(`firstResponse.triage.${category}`)))}</strong> ·{' '}
              <Link to={`/cases/${entry.personId}`}>{[entry.givenName, entry.familyName].filter(Boolean).join(' ') || t('firstResponse.triage.unnamed')}</Link>
              {entry.ageClaimed !== undefined ? ` · ${entry.ageClaimed}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      {urgent.length > URGENT_SHOWN ? (
        <p>
          <Link to={`/first-response/encounters/${encounter.id}`}>{t('home.responder.moreUrgent', { count: urgent.length - URGENT_SHOWN })}</Link>
        </p>
      ) : null}
    </li>
  );
}
