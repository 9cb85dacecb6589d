import { useEffect } from "react";

const CHANGE = "reciprocity:change";

/**
 * Reads of shared data are audited too, and their events reach the stream like any change; a page
 * that reloads on them would read again, and be told of its own read, without end.
 */
const READ = /(\.listed|viewed|downloaded|\.exported)$|^access\./;

/** A change the server reported: what happened to which record. */
export interface Change {
  seq: string;
  action: string;
  entityType: string;
  entityId: string | null;
  occurredAt: string;
}

/** Opens the server's event stream once and re-broadcasts every change (not reads) as a window event. */
export function startLiveUpdates(): () => void {
  const source = new EventSource("/api/events");
  source.addEventListener("change", (event) => {
    const change = JSON.parse((event as MessageEvent<string>).data) as Change;
    if (READ.test(change.action)) {
      return;
    }
    window.dispatchEvent(new CustomEvent(CHANGE, { detail: change }));
  });
  return () => source.close();
}

/** Calls `reload` whenever a request, decision or result changes on the server. */
export function useLiveReload(reload: () => void): void {
  useEffect(() => {
    const handler = () => reload();
    window.addEventListener(CHANGE, handler);
    return () => window.removeEventListener(CHANGE, handler);
  }, [reload]);
}
