import { useQuery } from '@tanstack/react-query';
import type { PersonView } from '@haven/core/schemas';
import { apiQuery } from '../../app/query';
import { queryKeys } from '../../app/query-keys';

/** A person as the justice screens choose them: by name, never by id. */
export interface NamedPerson {
  id: string;
  name: string;
}

/** The name of a person as the caller sees it, or undefined when none is recorded or shared. */
export function nameOf(fields: Record<string, unknown> | undefined): string | undefined {
  const name = [fields?.givenName, fields?.familyName].filter((part) => typeof part === 'string' && part).join(' ');
  return name || undefined;
}

/** The persons the investigator's agency sees, with a recorded name, for choosing by name. */
export function useVisiblePersons() {
  const persons = useQuery(apiQuery<{ items: PersonView[] }>(queryKeys.visiblePersons(), '/api/persons?limit=200'));
  const named: NamedPerson[] = (persons.data?.items ?? []).flatMap((person) => {
    const name = nameOf(person.fields as Record<string, unknown>);
    return name ? [{ id: person.id, name }] : [];
  });
  return { persons: named.sort((a, b) => a.name.localeCompare(b.name)), error: persons.error };
}

/** Those whose name contains what was typed (any case), plus those already chosen, so a choice never disappears. */
export function matching(persons: readonly NamedPerson[], typed: string, chosen: readonly string[]): NamedPerson[] {
  const needle = typed.trim().toLocaleLowerCase();
  return persons.filter((person) => chosen.includes(person.id) || !needle || person.name.toLocaleLowerCase().includes(needle));
}
