import { useCallback, useEffect, useState } from 'react';
import { api } from '../api';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  /** Asks the server again, after a change, so the screen shows what is stored rather than a guess. */
  reload: () => void;
}

/** One GET, loaded when the screen opens (and again when `path` changes or on `reload()`); null loads nothing. */
export function useResource<T>(path: string | null): Resource<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (!path) return;
    const controller = new AbortController();
    api<T>('GET', path, undefined, { signal: controller.signal }).then(
      (value) => {
        setData(value);
        setError(undefined);
      },
      (failure: unknown) => {
        if (!(failure instanceof DOMException && failure.name === 'AbortError')) setError(failure);
      },
    );
    return () => controller.abort();
  }, [path, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { data, error, reload };
}

/** A new Idempotency-Key for one creating request (a retry of the same submission reuses it). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
