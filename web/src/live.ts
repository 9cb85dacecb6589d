import { useEffect } from "react";

const CHANGE = "reciprocity:change";

/** Opens the server's event stream once and re-broadcasts every change as a window event. */
export function startLiveUpdates(): () => void {
  const source = new EventSource("/api/events");
  source.addEventListener("change", (event) => {
    window.dispatchEvent(new CustomEvent(CHANGE, { detail: JSON.parse((event as MessageEvent<string>).data) as unknown }));
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
