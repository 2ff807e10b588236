/**
 * Remembers the answers of a pure function of a string. Names repeat heavily in any population
 * (a batch of 100,000 people has a few thousand distinct name words), so the matcher transliterates
 * and compares each distinct word once. The cache starts over when full, to bound memory.
 */
export function memoised<T>(compute: (key: string) => T, capacity = 200_000): (key: string) => T {
  let cache = new Map<string, T>();
  return (key) => {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const value = compute(key);
    if (cache.size >= capacity) cache = new Map();
    cache.set(key, value);
    return value;
  };
}
