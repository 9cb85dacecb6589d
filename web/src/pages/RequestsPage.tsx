import { useCallback, useEffect, useState } from "react";
import { api, label, type InspectionRequest, type Me, type Page } from "../api.ts";
import { useLiveReload } from "../live.ts";
import { RequestActions } from "./RequestActions.tsx";
import { RequestCard } from "./RequestCard.tsx";

const STATUS_FILTERS = ["", "requested", "accepted", "declined", "results_recorded", "dispositioned"];

/** Request queues: everything the agency is party to, or the officer's work queue. */
export function RequestsPage({ me, mode }: { me: Me; mode: "all" | "work" }) {
  const [status, setStatus] = useState(mode === "work" ? "accepted,results_recorded" : "");
  const [page, setPage] = useState<Page<InspectionRequest> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setStatus(mode === "work" ? "accepted,results_recorded" : "");
  }, [mode]);

  const load = useCallback(() => {
    const query = new URLSearchParams({ limit: "100" });
    if (status) {
      query.set("status", status);
    }
    api<Page<InspectionRequest>>(`/inspection-requests?${query.toString()}`).then(setPage, (err: Error) => setError(err.message));
  }, [status]);
  useEffect(load, [load]);
  useLiveReload(load);

  function replace(updated: InspectionRequest) {
    setPage((p) => (p ? { ...p, items: p.items.map((r) => (r.id === updated.id ? updated : r)) } : p));
  }

  return (
    <section>
      <h1>{mode === "work" ? "Work queue" : "Inspection requests"}</h1>
      {mode === "all" && (
        <label>
          Status{" "}
          <select name="status" value={status} onChange={(e) => setStatus(e.target.value)}>
            {STATUS_FILTERS.map((s) => (
              <option key={s} value={s}>
                {s ? label(s) : "all"}
              </option>
            ))}
          </select>
        </label>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      {page && page.items.length === 0 && <p className="muted">Nothing here.</p>}
      {page?.items.map((r) => (
        <RequestCard key={r.id} request={r}>
          <RequestActions request={r} me={me} onChange={replace} />
        </RequestCard>
      ))}
    </section>
  );
}
