import { useEffect, useState } from "react";
import { label, type InspectionRequest, type Me } from "../api.ts";
import { Pager } from "../components/Pager.tsx";
import { usePagedApi } from "../components/useApi.ts";
import { count } from "../time.ts";
import { RequestActions } from "./RequestActions.tsx";
import { RequestCard } from "./RequestCard.tsx";

const OPEN = "requested,accepted,scheduled,scanning,results_recorded";
const WORK = "accepted,scheduled,scanning,results_recorded";
const STATUS_FILTERS: [string, string][] = [
  [OPEN, "open"],
  ["requested", "requested (to decide)"],
  ["accepted", "accepted"],
  ["results_recorded", "results recorded (to disposition)"],
  ["dispositioned", "dispositioned"],
  ["declined", "declined"],
  ["withdrawn", "withdrawn"],
  ["closed", "closed"],
  ["", "all"],
];
const PAGE_SIZE = 20;

/** Where each role's queue opens: on what waits for its action, nearest deadline first. */
function defaultsFor(me: Me, mode: "all" | "work"): { status: string; party: string } {
  if (mode === "work") {
    return { status: WORK, party: "host" };
  }
  if (me.roles.includes("supervisor")) {
    return { status: "requested", party: "host" };
  }
  return { status: OPEN, party: me.roles.includes("targeter") ? "requester" : "" };
}

/** Request queues: what the agency is party to, or the officer's work queue; paged, deadline first. */
export function RequestsPage({ me, mode }: { me: Me; mode: "all" | "work" }) {
  const [status, setStatus] = useState(() => defaultsFor(me, mode).status);
  const [party, setParty] = useState(() => defaultsFor(me, mode).party);
  const [sort, setSort] = useState("deadline");
  const [openScanForm, setOpenScanForm] = useState<string | null>(null);

  useEffect(() => {
    const d = defaultsFor(me, mode);
    setStatus(d.status);
    setParty(d.party);
  }, [me, mode]);

  const query = new URLSearchParams({ limit: String(PAGE_SIZE), sort });
  if (status) {
    query.set("status", status);
  }
  if (party) {
    query.set("party", party);
  }
  const list = usePagedApi<InspectionRequest>(`/inspection-requests?${query.toString()}`, { live: true });
  const items = list.data?.items ?? [];

  return (
    <section>
      <h1>{mode === "work" ? "Work queue" : "Inspection requests"}</h1>
      {mode === "all" && (
        <div className="filters">
          <label>
            Status{" "}
            <select name="status" value={status} onChange={(e) => setStatus(e.target.value)}>
              {STATUS_FILTERS.map(([value, text]) => (
                <option key={value} value={value}>
                  {text}
                </option>
              ))}
            </select>
          </label>
          <label>
            Side{" "}
            <select name="party" value={party} onChange={(e) => setParty(e.target.value)}>
              <option value="host">asked of {me.agency.code}</option>
              <option value="requester">made by {me.agency.code}</option>
              <option value="">both</option>
            </select>
          </label>
          <label>
            Order{" "}
            <select name="sort" value={sort} onChange={(e) => setSort(e.target.value)}>
              <option value="deadline">nearest deadline first</option>
              <option value="requested">newest first</option>
            </select>
          </label>
        </div>
      )}
      {mode === "work" && <p className="muted">Accepted requests at your agency&apos;s sites, the nearest loading cut-off first.</p>}
      <p className="muted" data-testid="queue-summary">
        {list.isLoading && !list.data
          ? "Loading…"
          : `${count(items.length, "request")} on this page${list.hasNext ? ", more on the next" : ""}${status ? ` · ${STATUS_FILTERS.find(([v]) => v === status)?.[1] ?? label(status)}` : ""}`}
      </p>
      {list.error && (
        <p className="error" role="alert">
          {list.error}
        </p>
      )}
      {list.data && items.length === 0 && <p className="muted">Nothing waits here.</p>}
      {items.map((r) => (
        <RequestCard key={r.id} request={r} showCargo>
          <RequestActions
            request={r}
            me={me}
            onChange={(updated) => list.replace(updated, (x) => x.id)}
            scanForm={{ isOpen: openScanForm === r.id, toggle: () => setOpenScanForm((open) => (open === r.id ? null : r.id)) }}
          />
        </RequestCard>
      ))}
      <Pager pageNumber={list.pageNumber} hasPrevious={list.hasPrevious} hasNext={list.hasNext} onPrevious={list.previous} onNext={list.next} />
    </section>
  );
}
