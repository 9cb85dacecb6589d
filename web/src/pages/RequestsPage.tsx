import { useEffect, useState } from "react";
import type { InspectionRequest, Me } from "../api.ts";
import { useT } from "../i18n/index.tsx";
import type { MessageId } from "../i18n/en.ts";
import { Pager } from "../components/Pager.tsx";
import { usePagedApi } from "../components/useApi.ts";
import { RequestActions } from "./RequestActions.tsx";
import { RequestCard } from "./RequestCard.tsx";

const OPEN = "requested,accepted,scheduled,scanning,results_recorded";
const WORK = "accepted,scheduled,scanning,results_recorded";
const STATUS_FILTERS: [string, MessageId][] = [
  [OPEN, "requests.filter.open"],
  ["requested", "requests.filter.requested"],
  ["accepted", "requests.filter.accepted"],
  ["results_recorded", "requests.filter.resultsRecorded"],
  ["dispositioned", "requests.filter.dispositioned"],
  ["declined", "requests.filter.declined"],
  ["withdrawn", "requests.filter.withdrawn"],
  ["closed", "requests.filter.closed"],
  ["", "requests.filter.all"],
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
  const t = useT();
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
      <h1>{mode === "work" ? t("nav.workQueue") : t("nav.requests")}</h1>
      {mode === "all" && (
        <div className="filters">
          <label>
            {t("requests.status")}{" "}
            <select name="status" value={status} onChange={(e) => setStatus(e.target.value)}>
              {STATUS_FILTERS.map(([value, text]) => (
                <option key={value} value={value}>
                  {t(text)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("requests.side")}{" "}
            <select name="party" value={party} onChange={(e) => setParty(e.target.value)}>
              <option value="host">{t("requests.side.host", { agency: me.agency.code })}</option>
              <option value="requester">{t("requests.side.requester", { agency: me.agency.code })}</option>
              <option value="">{t("requests.side.both")}</option>
            </select>
          </label>
          <label>
            {t("requests.order")}{" "}
            <select name="sort" value={sort} onChange={(e) => setSort(e.target.value)}>
              <option value="deadline">{t("requests.order.deadline")}</option>
              <option value="requested">{t("requests.order.newest")}</option>
            </select>
          </label>
        </div>
      )}
      {mode === "work" && <p className="muted">{t("requests.workHint")}</p>}
      <p className="muted" data-testid="queue-summary">
        {list.isLoading && !list.data
          ? t("common.loading")
          : `${t(list.hasNext ? "requests.onPageMore" : "requests.onPage", { count: items.length })}${
              status
                ? ` · ${(() => {
                    const filter = STATUS_FILTERS.find(([v]) => v === status);
                    return filter ? t(filter[1]) : t.code(status);
                  })()}`
                : ""
            }`}
      </p>
      {list.error && (
        <p className="error" role="alert">
          {list.error}
        </p>
      )}
      {list.data && items.length === 0 && <p className="muted">{t("requests.none")}</p>}
      {items.map((r) => (
        <RequestCard key={r.id} request={r} showCargo>
          <RequestActions
            request={r}
            me={me}
            onChange={(updated) => list.replace(updated, (x) => x.id)}
            scanForm={{
              isOpen: openScanForm === r.id,
              toggle: () => setOpenScanForm((open) => (open === r.id ? null : r.id)),
            }}
          />
        </RequestCard>
      ))}
      <Pager
        pageNumber={list.pageNumber}
        hasPrevious={list.hasPrevious}
        hasNext={list.hasNext}
        onPrevious={list.previous}
        onNext={list.next}
      />
    </section>
  );
}
