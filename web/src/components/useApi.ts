import { useCallback, useEffect, useRef, useState } from "react";
import { api, type Page } from "../api.ts";
import { useLiveReload } from "../live.ts";

/** A GET of the API as it stands: its data, its error, and a way to fetch it again. */
export interface Fetched<T> {
  data: T | undefined;
  error: string | null;
  isLoading: boolean;
  reload: () => void;
}

/**
 * Fetches `path` (nothing while it is null) and again whenever it changes, or on `reload`; with
 * `live`, also whenever the server reports a change. An answer to an older path is dropped.
 */
export function useApi<T>(path: string | null, options: { live?: boolean } = {}): Fetched<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [isLoading, setLoading] = useState(path !== null);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    if (path === null) {
      return;
    }
    const ticket = ++latest.current;
    setLoading(true);
    api<T>(path).then(
      (value) => {
        if (ticket === latest.current) {
          setData(value);
          setError(null);
          setLoading(false);
        }
      },
      (err: unknown) => {
        if (ticket === latest.current) {
          setError(err instanceof Error ? err.message : "Loading failed");
          setLoading(false);
        }
      },
    );
  }, [path, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const noop = useCallback(() => undefined, []);
  useLiveReload(options.live ? reload : noop);
  return { data, error, isLoading, reload };
}

/** One page of a keyset-paged list, and the way to the next and previous pages. */
export interface Paged<T> extends Fetched<Page<T>> {
  pageNumber: number;
  hasNext: boolean;
  hasPrevious: boolean;
  next: () => void;
  previous: () => void;
  /** Replaces one item in place (after an action answered with it). */
  replace: (item: T, key: (x: T) => string) => void;
}

/**
 * Pages through `path` (its query without a cursor) with the server's signed cursors; going back
 * replays the cursor of the page before. A new `path` starts again at the first page.
 */
export function usePagedApi<T>(path: string | null, options: { live?: boolean } = {}): Paged<T> {
  const [cursors, setCursors] = useState<string[]>([]);
  const [override, setOverride] = useState<Page<T> | null>(null);
  useEffect(() => {
    setCursors([]);
  }, [path]);
  const cursor = cursors[cursors.length - 1];
  const full =
    path === null
      ? null
      : cursor
        ? `${path}${path.includes("?") ? "&" : "?"}cursor=${encodeURIComponent(cursor)}`
        : path;
  const fetched = useApi<Page<T>>(full, options);
  useEffect(() => {
    setOverride(null);
  }, [fetched.data]);
  const page = override ?? fetched.data;
  return {
    ...fetched,
    data: page,
    pageNumber: cursors.length + 1,
    hasNext: Boolean(page?.nextCursor),
    hasPrevious: cursors.length > 0,
    next: () => {
      if (page?.nextCursor) {
        setCursors((c) => [...c, page.nextCursor as string]);
      }
    },
    previous: () => setCursors((c) => c.slice(0, -1)),
    replace: (item, key) => {
      if (page) {
        setOverride({ ...page, items: page.items.map((x) => (key(x) === key(item) ? item : x)) });
      }
    },
  };
}
