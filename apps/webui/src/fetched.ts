/**
 * Data a page fetches for itself (roles, maintenance): loaded when the page is shown and again, at most every
 * couple of seconds, after the cluster changes, so it follows the event stream instead of polling on a timer.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { getJson } from './api/http';

export type Fetched<T> = { readonly kind: 'loading' } | { readonly kind: 'ok'; readonly value: T } | { readonly kind: 'error'; readonly error: string };

const MIN_INTERVAL_MS = 2000;

export function useFetched<T>(path: string, revision: number): Fetched<T> {
  const [state, setState] = useState<Fetched<T>>({ kind: 'loading' });
  const last = useRef(0);
  useEffect(() => {
    let cancelled = false;
    const wait = Math.max(0, last.current + MIN_INTERVAL_MS - Date.now());
    const timer = setTimeout(() => {
      last.current = Date.now();
      getJson<T>(path).then(
        (value) => {
          if (!cancelled) setState({ kind: 'ok', value });
        },
        (e: unknown) => {
          if (!cancelled) setState({ kind: 'error', error: e instanceof Error ? e.message : String(e) });
        },
      );
    }, wait);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [path, revision]);
  return state;
}
