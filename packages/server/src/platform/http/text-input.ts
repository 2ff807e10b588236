/**
 * The first string in a request part that holds U+0000, named as validation errors name fields
 * (`persons.3.givenName` in the body, `querystring:area`), or undefined. PostgreSQL refuses the character
 * in text (a 500 where SQLite would store it), and no person, place or code ever contains it, so
 * every request is refused it before any handler runs: both engines answer the same 400.
 */
export function fieldWithNul(context: 'body' | 'query' | 'params', value: unknown): string | undefined {
  const prefix = { body: '', query: 'querystring:', params: 'params:' }[context];
  // Depth-first without recursion: a parsed body can nest as deep as the JSON parser allows.
  const pending: [unknown, string][] = [[value, '']];
  while (pending.length > 0) {
    const [current, path] = pending.pop()!;
    const at = (key: string | number) => (path ? `${path}.${key}` : String(key));
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return path ? `${prefix}${path}` : context;
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i -= 1) pending.push([current[i], at(i)]);
    } else if (current !== null && typeof current === 'object') {
      const entries = Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i -= 1) {
        const [key, inner] = entries[i]!;
        if (key.includes('\u0000')) return `${prefix}${at(key)}`;
        pending.push([inner, at(key)]);
      }
    }
  }
  return undefined;
}
