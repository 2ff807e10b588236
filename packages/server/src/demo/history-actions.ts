import type { AssistanceType } from '@haven/core';
import { recordAssistance } from '../features/assistance/service.js';
import { changeCaseIn, readCaseIn } from '../features/cases/service.js';
import type { Actor, Platform } from '../platform/context.js';
import type { ScopedStore } from '../store/scoped-store.js';

/** A member of the history's staff: who they are, and their scoped store on a platform (whose clock is the history's). */
export interface HistoryActor {
  actor: Actor;
  store: (platform: Platform) => ScopedStore;
}

/** One kind of assistance given to several persons; with `languageOf`, each in their own language. */
export interface Gift {
  type: AssistanceType;
  personIds: readonly string[];
  languageOf?: (personId: string) => string;
}

/**
 * Assistance given to several persons at once (water on the quay, the rights sheet to a boat's
 * passengers), as the quick-assistance path records it: each person checked in the giver's scope,
 * one unit of work, one record per kind and language.
 */
export async function assistPeople(store: ScopedStore, givenAt: string, gifts: readonly Gift[]): Promise<void> {
  const given = gifts.filter((gift) => gift.personIds.length > 0);
  if (given.length === 0) return;
  await store.unit(async (unit) => {
    for (const id of new Set(given.flatMap((gift) => gift.personIds))) await unit.assistanceGroups(id);
    for (const { type, personIds, languageOf } of given) {
      const byLanguage = new Map<string | undefined, string[]>();
      for (const id of personIds) byLanguage.set(languageOf?.(id), [...(byLanguage.get(languageOf?.(id)) ?? []), id]);
      for (const [language, ids] of byLanguage) await recordAssistance(unit, ids, { type, givenAt, ...(language ? { language } : {}) });
    }
  });
}

/** Closes these persons' cases with a written reason, each through the single-case change, in one unit of work. */
export async function closeCases(store: ScopedStore, personIds: readonly string[], reason: string): Promise<void> {
  if (personIds.length === 0) return;
  await store.unit(async (unit) => {
    for (const personId of personIds) {
      const current = await readCaseIn(unit, personId);
      if (current.stage !== 'closed') await changeCaseIn(unit, current.id, { version: current.version, stage: 'closed', reason });
    }
  });
}
