import * as React from 'react';

import { isAbortError } from '../utils/errors';

export interface RequestState<T> {
  data: T | undefined;
  error: unknown;
  /** true until the first response (or error) arrives. */
  isLoading: boolean;
  /** true while any request, first or later, is in flight. */
  isFetching: boolean;
  /** Runs the request again; the current data stays visible meanwhile. */
  refetch: () => Promise<void>;
}

/**
 * Loads `fetcher()` when the component mounts and whenever `deps` change. Only the newest
 * request's result is kept (an older one that resolves late is ignored), and an error from a
 * request aborted by unmounting is not reported.
 *
 * @param enabled false: do not request (e.g. the user lacks the permission); stays not loading.
 */
export const useRequest = <T>(fetcher: () => Promise<T>, deps: React.DependencyList, enabled = true): RequestState<T> => {
  const [data, setData] = React.useState<T>();
  const [error, setError] = React.useState<unknown>();
  const [isLoading, setIsLoading] = React.useState(enabled);
  const [isFetching, setIsFetching] = React.useState(false);
  const latest = React.useRef(0);
  const hasData = React.useRef(false);
  const fetcherRef = React.useRef(fetcher);
  fetcherRef.current = fetcher;

  const run = React.useCallback(async () => {
    const requestId = ++latest.current;
    setIsFetching(true);
    try {
      const result = await fetcherRef.current();
      if (requestId !== latest.current) return;
      hasData.current = true;
      setData(result);
      setError(undefined);
    } catch (err) {
      if (requestId !== latest.current || isAbortError(err)) return;
      setError(err);
    } finally {
      if (requestId === latest.current) {
        setIsFetching(false);
        setIsLoading(false);
      }
    }
  }, []);

  React.useEffect(() => {
    if (!enabled) {
      setIsLoading(false);
      return undefined;
    }
    // Enabled later (e.g. a create form that became an edit form): show loading, not an empty form.
    if (!hasData.current) setIsLoading(true);
    void run();
    return () => {
      // A result arriving after unmount or after deps changed belongs to nobody.
      latest.current += 1;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, run, ...deps]);

  return { data, error, isLoading, isFetching, refetch: run };
};
