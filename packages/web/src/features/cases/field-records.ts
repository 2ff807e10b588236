import { useEffect, useRef } from 'react';
import { api, NetworkUnavailable } from '../../app/api';
import { enqueue, fieldRecordRequest, type FieldRecordAction } from '../../offline/outbox';
import { unlockedUser } from '../../offline/vault';

/**
 * A detention, its end and consular rights explained are first-responder work, on a boat or at a
 * border post: with a network they go to the server at once (a refusal shows beside its field);
 * without one (or when the answer is lost) they go to the device's encrypted outbox under the same
 * Idempotency-Key, and sync later, so the server records them once.
 */
export async function makeFieldRecord(action: FieldRecordAction): Promise<'saved' | 'queued'> {
  const idempotencyKey = crypto.randomUUID();
  const onDevice = unlockedUser() !== undefined;
  if (onDevice && !navigator.onLine) {
    await enqueue(action, undefined, idempotencyKey);
    return 'queued';
  }
  const request = fieldRecordRequest(action, action.personId);
  try {
    await api(request.method, request.path, request.body, { idempotencyKey });
    return 'saved';
  } catch (error) {
    if (!(error instanceof NetworkUnavailable) || !onDevice) throw error;
    await enqueue(action, undefined, idempotencyKey);
    return 'queued';
  }
}

/** The browser's datetime-local value for a time (local wall time, minutes); now by default. */
export function localDateTime(date: Date = new Date()): string {
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** A datetime-local value (the device's wall time) as an instant. */
export function instantOf(local: string): string {
  return new Date(local).toISOString();
}

/**
 * A form a to-do's button opens (each press is a new ask): prefilled, its panel opened, scrolled
 * into view and its first field focused, as the assistance form does.
 */
export function useOpenOnAsk(asked: { attempt: number } | undefined, prefill: () => void) {
  const panel = useRef<HTMLDetailsElement>(null);
  const fill = useRef(prefill);
  fill.current = prefill;
  useEffect(() => {
    if (!asked || !panel.current) return;
    fill.current();
    panel.current.open = true;
    panel.current.scrollIntoView({ block: 'start' });
    panel.current.querySelector<HTMLElement>('form input, form textarea, form button')?.focus({ preventScroll: true });
  }, [asked]);
  return panel;
}
