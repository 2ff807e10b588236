import { ACCOMPANIMENTS, ASSISTANCE_TYPES, SEXES } from '@haven/core/codes';
import { registrationPersonSchema } from '@haven/core/schemas';
import { TRIAGE_CATEGORIES, type EncounterView, type TriageCategory, type TriageEntry } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { z } from 'zod';
import { api } from '../../app/api';
import { useMe } from '../../app/session';
import { screensFor } from '../../app/screens';
import { CheckboxGroupField } from '../../app/ui/choices';
import { ChoiceField, SelectField, TextInputField } from '../../app/ui/fields';
import { ProblemAlert } from '../../app/ui/problem';
import { useOnline, usePendingChanges } from '../../offline/connectivity';
import { enqueue, onSynced, putAwayDuplicates, queuePersonRegistration, readRecord, recordsOf, serverIdOf, type RegisteredRecord } from '../../offline/outbox';
import { UnlockPanel, useUnlockedUser } from '../../offline/UnlockPanel';
import { DuplicateNotices, hasDuplicatesToShow } from './DuplicateNotices';
import type { LocalEncounter } from './EncountersScreen';
import './first-response.css';

/**
 * The urgent needs the registration form asks for, every one that applies (canonical indicator
 * codes); the rest is screening's work. A child alone or separated is said by "Travelling".
 */
const URGENT = ['medical_emergency', 'injured', 'pregnant', 'fear_of_return'] as const;

// Six inputs per person, so a boat of a hundred people is registered at the quay in minutes.
const personSchema = z.object({
  givenName: z.string().trim().max(200),
  familyName: z.string().trim().max(200),
  sex: z.enum(SEXES),
  ageClaimed: z.string().regex(/^\d{0,3}$/),
  accompaniment: z.enum(ACCOMPANIMENTS),
  urgent: z.array(z.enum(URGENT)),
});
type PersonForm = z.infer<typeof personSchema>;
const countSchema = z.string().regex(/^\d{0,6}$/);
const countsSchema = z.object({ peopleOnBoard: countSchema, dead: countSchema, missing: countSchema, area: z.string().trim().max(200) });
const EMPTY: PersonForm = { givenName: '', familyName: '', sex: 'unknown', ageClaimed: '', accompaniment: 'adult', urgent: [] };

type LocalPerson = RegisteredRecord;

/**
 * A boat may bring thousands: the screen lists the latest registered (and the most urgent in
 * triage) a step at a time, so registering the next person never redraws thousands of rows.
 */
const LIST_STEP = 25;
/** While a sync runs the count changes per batch; triage is asked for once it settles a moment. */
const TRIAGE_SETTLE_MS = 750;

const PersonRow = memo(function PersonRow({ person, synced, waiting }: { person: LocalPerson; synced: string; waiting: string }) {
  return (
    <tr>
      <td>{person.givenName}</td>
      <td>{person.familyName}</td>
      <td>{person.ageClaimed}</td>
      <td>{person.synced ? synced : waiting}</td>
    </tr>
  );
});

/** One person in triage: every category they fall in, and their name opening their case when the role can open it. */
const TriageItem = memo(function TriageItem({ entry, categories, unnamed, caseOpens }: { entry: TriageEntry; categories: string; unnamed: string; caseOpens: boolean }) {
  const name = [entry.givenName, entry.familyName].filter(Boolean).join(' ') || unnamed;
  return (
    <li data-categories={entry.categories.join(' ')}>
      <strong>{categories}</strong> · {caseOpens ? <Link to={`/cases/${entry.personId}`}>{name}</Link> : name}
      {entry.ageClaimed !== undefined ? ` · ${entry.ageClaimed}` : ''}
    </li>
  );
});

type Translate = ReturnType<typeof useTranslation>['t'];
const choices = <T extends string>(t: Translate, codes: readonly T[], prefix: string) => codes.map((code) => ({ value: code, label: t(`${prefix}.${code}`) }));

/**
 * The persons registered at this encounter on this device. They are read (and decrypted) once;
 * then the list changes in memory: a registration is appended, a sync marks only the persons it
 * synced, and the likely duplicates a sync found are read for those persons alone.
 */
function useEncounterPersons(parent: string, open: boolean) {
  const [persons, setPersons] = useState<LocalPerson[]>([]);
  /** Every sync heard of while this screen is open: a person read or added after it still shows it. */
  const syncedHere = useRef(new Map<string, string>());
  const markSynced = useCallback((person: LocalPerson): LocalPerson => {
    const serverId = syncedHere.current.get(person.localId);
    return serverId && !person.synced ? { ...person, serverId, synced: true } : person;
  }, []);
  useEffect(() => {
    if (!open) return;
    syncedHere.current = new Map();
    let current = true;
    const stop = onSynced((ids) => {
      const synced = ids.filter(({ localId }) => !syncedHere.current.has(localId));
      for (const { localId, serverId } of synced) syncedHere.current.set(localId, serverId);
      if (synced.length > 0) setPersons((list) => list.map(markSynced));
      const flagged = ids.filter((id) => id.duplicates);
      if (flagged.length === 0) return;
      void Promise.all(flagged.map(({ localId }) => readRecord<LocalPerson>(`person:${localId}`))).then((records) => {
        if (!current) return;
        const found = new Map(records.flatMap((record) => (record?.likelyDuplicates || record?.likelyMatchesElsewhere ? [[record.localId, record] as const] : [])));
        setPersons((list) =>
          list.map((person) => {
            const record = found.get(person.localId);
            return record
              ? markSynced({ ...person, likelyDuplicates: record.likelyDuplicates, likelyDuplicatesCount: record.likelyDuplicatesCount, likelyMatchesElsewhere: record.likelyMatchesElsewhere })
              : person;
          }),
        );
      });
    });
    void recordsOf<LocalPerson>({ kind: 'person', parent }).then((rows) => {
      if (!current) return;
      // Registered while the read ran: kept, after those read (local ids are time-ordered).
      setPersons((added) => {
        const read = new Set(rows.map((row) => row.value.localId));
        return [...rows.map((row) => markSynced(row.value)), ...added.filter((person) => !read.has(person.localId))];
      });
    });
    return () => {
      current = false;
      stop();
      setPersons([]);
    };
  }, [open, parent, markSynced]);
  const registered = useCallback((person: LocalPerson) => setPersons((list) => [...list, markSynced(person)]), [markSynced]);
  const putAway = useCallback((localIds: readonly string[]) => {
    const away = new Set(localIds);
    setPersons((list) => list.map((person) => (away.has(person.localId) ? { ...person, duplicatesSeen: true } : person)));
    void putAwayDuplicates(localIds);
  }, []);
  return { persons, registered, putAway };
}

/**
 * Triage and the encounter as stored come from the server, for an encounter it knows: asked once
 * a sync settles a moment.
 */
function useTriage(encounterId: string, open: boolean) {
  const online = useOnline();
  const pending = usePendingChanges();
  const [triage, setTriage] = useState<TriageEntry[]>();
  const [stored, setStored] = useState<EncounterView>();
  const [error, setError] = useState<unknown>();
  const loadTriage = useCallback(async () => {
    const id = await serverIdOf(encounterId);
    if (!id || !navigator.onLine) return setTriage(undefined);
    try {
      const [list, encounter] = await Promise.all([api<TriageEntry[]>('GET', `/api/encounters/${id}/triage`), api<EncounterView>('GET', `/api/encounters/${id}`)]);
      setTriage(list);
      setStored(encounter);
    } catch (caught) {
      setError(caught);
    }
  }, [encounterId]);
  useEffect(() => {
    if (!online || !open) return;
    const timer = setTimeout(() => void loadTriage(), TRIAGE_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [online, open, pending, loadTriage]);
  return { triage, stored, error };
}

/**
 * One encounter at the quay, on this device: registering each person (kept and queued here, sent
 * when there is a network), what was given to everyone, the corrected counts and the triage.
 */
export default function EncounterScreen() {
  const { encounterId = '' } = useParams();
  const { t } = useTranslation();
  const me = useMe();
  const online = useOnline();
  const pending = usePendingChanges();
  const unlocked = useUnlockedUser();
  const open = unlocked === me.username;
  const parent = `encounter:${encounterId}`;
  const [encounter, setEncounter] = useState<LocalEncounter>();
  const { persons, registered, putAway } = useEncounterPersons(parent, open);
  const { triage, stored, error } = useTriage(encounterId, Boolean(unlocked));
  const withDuplicates = useMemo(() => persons.filter(hasDuplicatesToShow), [persons]);
  // The encounter itself (its server id and version) is read again when a sync changes it.
  const syncTick = online ? pending : -1;
  useEffect(() => {
    if (open) void readRecord<LocalEncounter>(parent).then(setEncounter);
  }, [open, parent, syncTick]);
  if (!open) return <UnlockPanel username={me.username} online={online} />;
  return (
    <div className="page">
      <h1>{encounter ? `${encounter.place.name} · ${t(`firstResponse.encounterTypes.${encounter.type}`)}` : t('firstResponse.encounter.title')}</h1>
      <ProblemAlert error={error} />
      <EncounterCounts encounter={encounter} stored={stored} persons={persons} triage={triage} />
      <RegisterPersonStep encounterId={encounterId} number={persons.length + 1} onRegistered={registered} />
      <DuplicateNotices persons={withDuplicates} onPutAway={putAway} />
      <RegisteredPersons persons={persons} />
      <AssistEveryoneStep encounterId={encounterId} />
      {encounter?.version ? <CorrectCountsStep encounterId={encounterId} version={encounter.version} /> : null}
      <TriageList triage={triage} />
    </div>
  );
}

/** How many persons triage puts in each category (a person in two categories counts in both). */
function countByCategory(triage: readonly TriageEntry[]): Map<TriageCategory, number> {
  const counts = new Map<TriageCategory, number>();
  for (const entry of triage) for (const category of entry.categories) counts.set(category, (counts.get(category) ?? 0) + 1);
  return counts;
}

/**
 * The encounter's counts as entered: people on board, dead and missing as the server last said
 * (a correction is kept on the device only once synced), else as recorded here; everyone
 * registered (those the server holds and those still waiting here); how many fall in each triage
 * category.
 */
function EncounterCounts({ encounter, stored, persons, triage }: { encounter: LocalEncounter | undefined; stored: EncounterView | undefined; persons: LocalPerson[]; triage: TriageEntry[] | undefined }) {
  const { t } = useTranslation();
  const waiting = persons.reduce((count, person) => (person.synced ? count : count + 1), 0);
  const registered = stored ? stored.registeredPersons + waiting : persons.length;
  const onBoard = stored ? stored.peopleOnBoard : encounter?.peopleOnBoard;
  const byCategory = triage ? countByCategory(triage) : undefined;
  const counts: [string, string, number | string][] = [
    ['onBoard', t('firstResponse.encounters.peopleOnBoard'), onBoard ?? t('firstResponse.counts.notRecorded')],
    ['registered', t('firstResponse.counts.registered'), registered],
    ['dead', t('firstResponse.counts.dead'), stored?.dead ?? encounter?.dead ?? 0],
    ['missing', t('firstResponse.counts.missing'), stored?.missing ?? encounter?.missing ?? 0],
    ...TRIAGE_CATEGORIES.filter((category) => byCategory?.has(category)).map((category): [string, string, number] => [category, t(`firstResponse.triage.${category}`), byCategory!.get(category)!]),
  ];
  return (
    <dl className="encounter-counts" data-testid="encounter-counts">
      {counts.map(([key, label, value]) => (
        <div key={key} data-count={key}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Six inputs per person, then the next person at once, with the focus back on the first input. */
function RegisterPersonStep({ encounterId, number, onRegistered }: { encounterId: string; number: number; onRegistered: (person: LocalPerson) => void }) {
  const { t } = useTranslation();
  const form = useForm({ resolver: zodResolver(personSchema), defaultValues: EMPTY });
  const registration = useRef<HTMLFormElement>(null);
  const register = form.handleSubmit(async (values) => {
    const person = registrationPersonSchema.parse({
      sex: values.sex,
      accompaniment: values.accompaniment,
      ...(values.givenName ? { givenName: values.givenName } : {}),
      ...(values.familyName ? { familyName: values.familyName } : {}),
      ...(values.ageClaimed ? { ageClaimed: Number(values.ageClaimed) } : {}),
      ...(values.urgent.length > 0 ? { indicators: values.urgent } : {}),
    });
    const localId = await queuePersonRegistration(encounterId, person);
    onRegistered({ ...person, localId, synced: false });
    form.reset(EMPTY);
    // After the press has finished with the button, which would otherwise keep the focus.
    requestAnimationFrame(() => registration.current?.querySelector<HTMLInputElement>('input[name=givenName]')?.focus());
  });
  return (
    <Form ref={registration} onSubmit={register} validationBehavior="aria" aria-labelledby="register-title" className="registration" data-testid="registration-form">
      <h2 id="register-title">{t('firstResponse.register.title', { number })}</h2>
      <div className="row">
        <TextInputField control={form.control} name="givenName" label={t('firstResponse.register.givenName')} autoFocus />
        <TextInputField control={form.control} name="familyName" label={t('firstResponse.register.familyName')} />
      </div>
      <ChoiceField control={form.control} name="sex" label={t('firstResponse.register.sex')} options={choices(t, SEXES, 'firstResponse.sexes')} />
      <TextInputField control={form.control} name="ageClaimed" label={t('firstResponse.register.age')} inputMode="numeric" />
      <ChoiceField control={form.control} name="accompaniment" label={t('firstResponse.register.accompaniment')} options={choices(t, ACCOMPANIMENTS, 'firstResponse.accompaniments')} />
      <CheckboxGroupField control={form.control} name="urgent" label={t('firstResponse.register.urgent')} description={t('firstResponse.register.urgentHint')} options={choices(t, URGENT, 'firstResponse.urgent')} />
      <Button type="submit" className="button button-primary button-large" data-testid="register-person">
        {t('firstResponse.register.submit')}
      </Button>
    </Form>
  );
}

/** The latest registered first, a step at a time, with how many still wait for a sync. */
function RegisteredPersons({ persons }: { persons: LocalPerson[] }) {
  const { t } = useTranslation();
  const [shown, setShown] = useState(LIST_STEP);
  const latest = persons.slice(-shown).reverse();
  const waitingCount = persons.reduce((count, person) => (person.synced ? count : count + 1), 0);
  return (
    <>
      <h2 id="registered-title">{t('firstResponse.registered.title', { count: persons.length })}</h2>
      {waitingCount > 0 ? <p data-testid="registered-waiting">{t('firstResponse.registered.waitingCount', { waiting: waitingCount })}</p> : null}
      <table data-testid="registered-persons" data-count={persons.length} aria-labelledby="registered-title" aria-describedby={latest.length < persons.length ? 'registered-shown' : undefined}>
        <thead>
          <tr>
            <th scope="col">{t('firstResponse.register.givenName')}</th>
            <th scope="col">{t('firstResponse.register.familyName')}</th>
            <th scope="col">{t('firstResponse.register.age')}</th>
            <th scope="col">{t('firstResponse.registered.state')}</th>
          </tr>
        </thead>
        <tbody>
          {latest.map((person) => (
            <PersonRow key={person.localId} person={person} synced={t('firstResponse.synced')} waiting={t('firstResponse.waiting')} />
          ))}
        </tbody>
      </table>
      {latest.length < persons.length ? (
        <p>
          <span id="registered-shown">{t('firstResponse.registered.shown', { shown: latest.length, total: persons.length })}</span>{' '}
          <Button className="button" onPress={() => setShown((n) => n + LIST_STEP * 4)} data-testid="registered-more">
            {t('firstResponse.showMore')}
          </Button>
        </p>
      ) : null}
    </>
  );
}

/** Water, food, blankets… given to everyone at the encounter, queued as one record. */
function AssistEveryoneStep({ encounterId }: { encounterId: string }) {
  const { t } = useTranslation();
  const assistance = useForm({ defaultValues: { type: 'water' } });
  const [assisted, setAssisted] = useState<string>();
  const assistEveryone = assistance.handleSubmit(async ({ type }) => {
    await enqueue({ kind: 'assist-everyone', encounterId, body: { type, givenAt: new Date().toISOString() } });
    setAssisted(type);
  });
  return (
    <Form onSubmit={assistEveryone} aria-labelledby="assist-title" className="registration">
      <h2 id="assist-title">{t('firstResponse.assist.title')}</h2>
      <SelectField control={assistance.control} name="type" label={t('firstResponse.assist.type')} options={choices(t, ASSISTANCE_TYPES, 'firstResponse.assistanceTypes')} />
      <Button type="submit" className="button button-large">
        {t('firstResponse.assist.submit')}
      </Button>
      {assisted ? <p role="status">{t('firstResponse.assist.recorded', { type: t(`firstResponse.assistanceTypes.${assisted}`) })}</p> : null}
    </Form>
  );
}

/**
 * Counts are corrected on the version this device last saw; a newer one on the server is a
 * conflict the user resolves on the sync screen, never overwritten.
 */
function CorrectCountsStep({ encounterId, version }: { encounterId: string; version: number }) {
  const { t } = useTranslation();
  const counts = useForm({ resolver: zodResolver(countsSchema), defaultValues: { peopleOnBoard: '', dead: '', missing: '', area: '' } });
  const [corrected, setCorrected] = useState(false);
  const correctCounts = counts.handleSubmit(async (values) => {
    const body = {
      version,
      ...(values.peopleOnBoard ? { peopleOnBoard: Number(values.peopleOnBoard) } : {}),
      ...(values.dead ? { dead: Number(values.dead) } : {}),
      ...(values.missing ? { missing: Number(values.missing) } : {}),
      ...(values.area ? { area: values.area } : {}),
    };
    await enqueue({ kind: 'correct-encounter', encounterId, body });
    setCorrected(true);
  });
  return (
    <Form onSubmit={correctCounts} validationBehavior="aria" aria-labelledby="counts-title" className="registration" data-testid="counts-form">
      <h2 id="counts-title">{t('firstResponse.counts.title')}</h2>
      <div className="row">
        <TextInputField control={counts.control} name="peopleOnBoard" label={t('firstResponse.encounters.peopleOnBoard')} inputMode="numeric" />
        <TextInputField control={counts.control} name="dead" label={t('firstResponse.counts.dead')} inputMode="numeric" />
        <TextInputField control={counts.control} name="missing" label={t('firstResponse.counts.missing')} inputMode="numeric" />
        <TextInputField control={counts.control} name="area" label={t('firstResponse.encounters.area')} />
      </div>
      <Button type="submit" className="button">
        {t('firstResponse.counts.submit')}
      </Button>
      {corrected ? <p role="status">{t('firstResponse.counts.queued')}</p> : null}
    </Form>
  );
}

/** The most urgent first, a step at a time; before the first sync the server has none to give. */
function TriageList({ triage }: { triage: TriageEntry[] | undefined }) {
  const { t, i18n } = useTranslation();
  const [shown, setShown] = useState(LIST_STEP);
  const caseOpens = screensFor(useMe().role).some((screen) => screen.path === 'cases/:personId');
  const list = new Intl.ListFormat(i18n.language, { type: 'unit' });
  return (
    <>
      <h2>{t('firstResponse.triage.title')}</h2>
      {triage ? (
        <>
          <ol data-testid="triage" data-count={triage.length}>
            {triage.slice(0, shown).map((entry) => (
              <TriageItem
                key={entry.personId}
                entry={entry}
                categories={list.format(entry.categories.map((category) => t(`firstResponse.triage.${category}`)))}
                unnamed={t('firstResponse.triage.unnamed')}
                caseOpens={caseOpens}
              />
            ))}
          </ol>
          {shown < triage.length ? (
            <p>
              {t('firstResponse.triage.shown', { shown, total: triage.length })}{' '}
              <Button className="button" onPress={() => setShown((n) => n + LIST_STEP * 4)} data-testid="triage-more">
                {t('firstResponse.showMore')}
              </Button>
            </p>
          ) : null}
        </>
      ) : (
        <p>{t('firstResponse.triage.needsSync')}</p>
      )}
    </>
  );
}
