import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { CsrfToken, MeView as Me } from '@haven/core/schemas';
import { api, ApiProblem, NetworkUnavailable, onSignedOut, setCsrfToken } from './api';
import { queryClient } from './query';
import { lockVault } from '../offline/vault';

export type { ConductView as Conduct } from '@haven/core/schemas';

/** `GET /api/auth/me`: who is signed in, what they may do, and what sign-in step remains. */
export type { MeView as Me } from '@haven/core/schemas';

export type SessionState =
  | { status: 'loading' }
  /** `deliberate`: the user signed out, so the next sign-in (perhaps someone else's) starts at home. */
  | { status: 'signed-out'; deliberate?: boolean }
  /** Signed in, but a step remains: second factor, new password, or the code of conduct. */
  | { status: 'incomplete'; me: Me }
  | { status: 'signed-in'; me: Me; offline: boolean }
  /** No network at start: the user unlocks the data kept on this device with their password. */
  | { status: 'unreachable' };

interface SessionApi {
  state: SessionState;
  /** Asks the server again (after a sign-in step, or when the network returns). */
  refresh(): Promise<SessionState>;
  /** Enters the app without the server, after an offline unlock. */
  enterOffline(me: Me): void;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionApi | undefined>(undefined);

export function needsSignInStep(me: Me): boolean {
  return me.pending !== 'none' || (me.conduct !== null && me.conduct.acceptedAt === null);
}

async function loadSession(): Promise<SessionState> {
  try {
    const me = await api<Me>('GET', '/api/auth/me');
    const { csrfToken } = await api<CsrfToken>('GET', '/api/auth/csrf');
    setCsrfToken(csrfToken);
    return needsSignInStep(me) ? { status: 'incomplete', me } : { status: 'signed-in', me, offline: false };
  } catch (error) {
    if (error instanceof NetworkUnavailable) return { status: 'unreachable' };
    if (error instanceof ApiProblem && error.status === 401) return { status: 'signed-out' };
    throw error;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const started = useRef<Promise<SessionState>>(undefined);

  const refresh = useCallback(async () => {
    const next = await loadSession();
    // Still no server: an offline session stays as it is.
    setState((previous) => (next.status === 'unreachable' && previous.status === 'signed-in' ? previous : next));
    return next;
  }, []);

  useEffect(() => {
    // Once per app, even when React runs this effect twice (strict mode): the session is asked once.
    started.current ??= refresh();
    return onSignedOut(() => {
      // What one user read is not kept for whoever signs in next on this device.
      queryClient.clear();
      setState({ status: 'signed-out' });
    });
  }, [refresh]);

  const value = useMemo<SessionApi>(
    () => ({
      state,
      refresh,
      enterOffline: (me) => setState({ status: 'signed-in', me, offline: true }),
      async signOut() {
        try {
          await api('POST', '/api/auth/logout', {});
        } catch (error) {
          if (!(error instanceof NetworkUnavailable) && !(error instanceof ApiProblem)) throw error;
        }
        setCsrfToken(undefined);
        // The outbox stays on the device, encrypted; the key leaves memory.
        lockVault();
        queryClient.clear();
        setState({ status: 'signed-out', deliberate: true });
      },
    }),
    [state, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in user, for screens under the app layout (which only renders when signed in). */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useMe outside a signed-in screen');
  return state.me;
}
