import { useEffect, useState } from 'react';

/** The clock countdowns read, ticking each half-minute so "due in …" stays true on an open screen. */
export function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
