import { ENCOUNTER_TYPES } from '@haven/core/codes';
import { encounterInputSchema, type EncounterInput } from '@haven/core/schemas';
import type { EncounterView as ServerEncounter } from '@haven/core/schemas';
import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { z } from 'zod';
import { api } from '../../app/api';
import { useFormat } from '../../app/format';
import { useMe } from '../../app/session';
import { SelectField, TextInputField } from '../../app/ui/fields';
import { useOnline } from '../../offline/connectivity';
import { enqueue, newLocalId, recordsOf } from '../../offline/outbox';
import { UnlockPanel, useUnlockedUser } from '../../offline/UnlockPanel';

export interface LocalEncounter extends EncounterInput {
  localId: string;
  serverId?: string;
  /** The server's version once synced: a correction is applied only on top of it. */
  version?: number;
  synced: boolean;
}

/** The browser's datetime-local value for now (local wall time, minutes). */
function localNow(): string {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

const formSchema = z.object({
  type: z.enum(ENCOUNTER_TYPES),
  occurredAt: z.string().min(1),
  placeName: z.string().trim().min(1).max(200),
  vessel: z.string().trim().max(200),
  area: z.string().trim().max(200),
  peopleOnBoard: z.string().regex(/^\d{0,6}$/),
});

/** A first responder's encounters: new ones are recorded on the device first and sync when they can. */
export default function EncountersScreen() {
  const { t } = useTranslation();
  const me = useMe();
  const online = useOnline();
  const unlocked = useUnlockedUser();
  const navigate = useNavigate();
  const format = useFormat();
  const [local, setLocal] = useState<LocalEncounter[]>([]);
  const [server, setServer] = useState<ServerEncounter[]>([]);
  const form = useForm({
    resolver: zodResolver(formSchema),
    defaultValues: { type: 'rescue_at_sea' as const, occurredAt: localNow(), placeName: '', vessel: '', area: '', peopleOnBoard: '' },
  });
  useEffect(() => {
    if (unlocked) void recordsOf<LocalEncounter>({ kind: 'encounter' }).then((rows) => setLocal(rows.map((row) => row.value)));
  }, [unlocked]);
  useEffect(() => {
    if (online) api<{ items: ServerEncounter[] }>('GET', '/api/encounters?limit=20').then((page) => setServer(page.items), () => undefined);
  }, [online]);
  if (unlocked !== me.username) return <UnlockPanel username={me.username} online={online} />;

  const submit = form.handleSubmit(async (values) => {
    const body = encounterInputSchema.parse({
      type: values.type,
      occurredAt: new Date(values.occurredAt).toISOString(),
      place: { name: values.placeName },
      ...(values.vessel ? { vessel: values.vessel } : {}),
      ...(values.area ? { area: values.area } : {}),
      ...(values.peopleOnBoard ? { peopleOnBoard: Number(values.peopleOnBoard) } : {}),
    });
    const localId = newLocalId();
    await enqueue({ kind: 'create-encounter', localId, body }, { key: `encounter:${localId}`, kind: 'encounter', value: { ...body, localId, synced: false } });
    navigate(`/first-response/encounters/${localId}`);
  });
  const synced = new Set(local.map((encounter) => encounter.serverId));
  const typeOptions = ENCOUNTER_TYPES.map((type) => ({ value: type, label: t(`firstResponse.encounterTypes.${type}`) }));
  return (
    <div className="page">
      <h1>{t('firstResponse.encounters.title')}</h1>
      <Form onSubmit={submit} validationBehavior="aria" aria-labelledby="new-encounter" className="registration">
        <h2 id="new-encounter">{t('firstResponse.encounters.new')}</h2>
        <SelectField control={form.control} name="type" label={t('firstResponse.encounters.type')} options={typeOptions} isRequired />
        <div className="row">
          <TextInputField control={form.control} name="occurredAt" type="datetime-local" label={t('firstResponse.encounters.occurredAt')} isRequired />
          <TextInputField control={form.control} name="placeName" label={t('firstResponse.encounters.place')} isRequired />
          <TextInputField control={form.control} name="vessel" label={t('firstResponse.encounters.vessel')} />
          <TextInputField control={form.control} name="area" label={t('firstResponse.encounters.area')} description={t('firstResponse.encounters.areaHint')} />
          <TextInputField control={form.control} name="peopleOnBoard" label={t('firstResponse.encounters.peopleOnBoard')} inputMode="numeric" />
        </div>
        <Button type="submit" className="button button-primary button-large">
          {t('firstResponse.encounters.create')}
        </Button>
      </Form>
      <h2>{t('firstResponse.encounters.list')}</h2>
      <ul className="tiles">
        {local.map((encounter) => (
          <li key={encounter.localId}>
            <Link className="tile" to={`/first-response/encounters/${encounter.localId}`}>
              {encounter.place.name} · {format.dateTime(encounter.occurredAt)}{' '}
              <span className="sync-badge">{encounter.synced ? t('firstResponse.synced') : t('firstResponse.waiting')}</span>
            </Link>
          </li>
        ))}
        {server
          .filter((encounter) => !synced.has(encounter.id))
          .map((encounter) => (
            <li key={encounter.id}>
              <Link className="tile" to={`/first-response/encounters/${encounter.id}`}>
                {encounter.place.name} · {format.dateTime(encounter.occurredAt)} · {t('firstResponse.encounters.persons', { count: encounter.registeredPersons })}
              </Link>
            </li>
          ))}
      </ul>
    </div>
  );
}
