import { useState } from "react";
import { Link } from "wouter";
import type { ShipmentSummary } from "../api.ts";
import { DataTable, type Column } from "../components/DataTable.tsx";
import { DateInput } from "../components/DateInput.tsx";
import { Pager } from "../components/Pager.tsx";
import { Time } from "../components/Time.tsx";
import { usePagedApi } from "../components/useApi.ts";
import { count, formatDay } from "../time.ts";

interface Filters {
  level: string;
  port: string;
  sailing: "upcoming" | "departed" | "all";
  etdFrom: string;
  etdTo: string;
  hsChapter: string;
  q: string;
  requested: boolean;
}

const EMPTY: Filters = { level: "", port: "", sailing: "upcoming", etdFrom: "", etdTo: "", hsChapter: "", q: "", requested: false };
const PAGE_SIZE = 50;

function isLate(s: ShipmentSummary): boolean {
  return s.loadingCutoff !== null && s.filedAt > s.loadingCutoff;
}

/** The query of the filters: upcoming sailings leave from now on, departed ones before now. */
function queryString(filters: Filters, sort: string, order: string, now: Date): string {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE), sort, order });
  for (const key of ["level", "port", "hsChapter", "q"] as const) {
    if (filters[key].trim()) {
      params.set(key, filters[key].trim());
    }
  }
  const nowIso = now.toISOString();
  const from = filters.etdFrom ? `${filters.etdFrom}T00:00:00Z` : filters.sailing === "upcoming" ? nowIso : "";
  const to = filters.etdTo ? `${filters.etdTo}T23:59:59Z` : filters.sailing === "departed" ? nowIso : "";
  if (from) {
    params.set("etdFrom", from);
  }
  if (to) {
    params.set("etdTo", to);
  }
  if (filters.requested) {
    params.set("requested", "true");
  }
  return params.toString();
}

const COLUMNS: Column<ShipmentSummary>[] = [
  {
    key: "risk",
    title: "Risk",
    sortKey: "score",
    render: (s) => (
      <>
        <span className={`risk risk-${s.level ?? "none"}`} data-testid="risk" title={s.level ? `${s.level} risk` : "not scored yet"}>
          {s.score ?? "—"}
        </span>{" "}
        <span className="muted">{count(s.hitCount, "hit")}</span>
      </>
    ),
  },
  {
    key: "bl",
    title: "B/L",
    sortKey: "bill_of_lading",
    render: (s) => (
      <>
        <Link href={`/shipments/${s.id}`}>{s.billOfLading}</Link>
        {s.hasRequests && (
          <span className="badge" data-testid="requested-marker" title="An inspection request concerns this shipment">
            requested
          </span>
        )}
      </>
    ),
  },
  { key: "source", title: "Source", render: (s) => <span data-testid="source">{s.isShared ? "shared with you" : "own export"}</span> },
  {
    key: "discharge",
    title: "Discharge",
    sortKey: "port_of_discharge",
    render: (s) => `${s.portOfDischarge}${s.finalDestination && s.finalDestination !== s.portOfDischarge ? ` → ${s.finalDestination}` : ""}`,
  },
  { key: "etd", title: "ETD", sortKey: "etd", render: (s) => <Time iso={s.etd} /> },
  {
    key: "filed",
    title: "Filed",
    sortKey: "filed_at",
    className: (s) => (isLate(s) ? "error" : undefined),
    render: (s) => (
      <>
        <Time iso={s.filedAt} />
        {isLate(s) && <span title="Filed after the loading cut-off"> (late)</span>}
      </>
    ),
  },
  { key: "vessel", title: "Vessel / voyage", render: (s) => `${s.vesselName ?? "—"} ${s.voyageNo ?? ""}` },
  { key: "shipper", title: "Shipper", render: (s) => s.shipperName },
  { key: "consignee", title: "Consignee", render: (s) => s.consigneeName },
  { key: "hs", title: "HS", render: (s) => [...new Set(s.hsCodes)].join(", ") },
  { key: "boxes", title: "Boxes", render: (s) => s.containerCount },
];

/** The shipments the caller may see: upcoming sailings first, server-side filter, sort and paging. */
export function ShipmentsPage() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [sort, setSort] = useState("score");
  const [order, setOrder] = useState<"asc" | "desc">("desc");
  // "Now" for the sailing filter moves when the filters are applied, not on every render.
  const [now, setNow] = useState(() => new Date());
  const list = usePagedApi<ShipmentSummary>(`/shipments?${queryString(filters, sort, order, now)}`);
  const items = list.data?.items;

  function handleSort(column: string) {
    if (column === sort) {
      setOrder(order === "asc" ? "desc" : "asc");
    } else {
      setSort(column);
      setOrder(column === "score" ? "desc" : "asc");
    }
  }

  const set = (key: "q" | "port" | "hsChapter" | "level") => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });
  const first = (list.pageNumber - 1) * PAGE_SIZE + 1;

  return (
    <section>
      <h1>Shipments</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setNow(new Date());
          setFilters(draft);
        }}
      >
        <input name="q" placeholder="B/L, party, container, goods" value={draft.q} maxLength={100} onChange={set("q")} />
        <input name="port" placeholder="Port, e.g. JPYOK" value={draft.port} maxLength={5} onChange={set("port")} size={12} />
        <label>
          Sailings{" "}
          <select name="sailing" value={draft.sailing} onChange={(e) => setDraft({ ...draft, sailing: e.target.value as Filters["sailing"] })}>
            <option value="upcoming">upcoming</option>
            <option value="departed">departed</option>
            <option value="all">all</option>
          </select>
        </label>
        <label>
          ETD from <DateInput name="etdFrom" value={draft.etdFrom} onChange={(v) => setDraft({ ...draft, etdFrom: v })} />
        </label>
        <label>
          to <DateInput name="etdTo" value={draft.etdTo} onChange={(v) => setDraft({ ...draft, etdTo: v })} />
        </label>
        <input name="hsChapter" placeholder="HS chapter, e.g. 31" value={draft.hsChapter} maxLength={2} onChange={set("hsChapter")} size={14} />
        <select name="level" value={draft.level} onChange={set("level")}>
          <option value="">any risk</option>
          <option value="high">high</option>
          <option value="medium">medium</option>
          <option value="low">low</option>
        </select>
        <label className="inline">
          <input type="checkbox" name="requested" checked={draft.requested} onChange={(e) => setDraft({ ...draft, requested: e.target.checked })} /> with requests only
        </label>
        <button type="submit">Filter</button>
      </form>
      <div className="legend" data-testid="legend">
        <span>
          <span className="swatch risk-high" /> high risk
        </span>
        <span>
          <span className="swatch risk-medium" /> medium
        </span>
        <span>
          <span className="swatch risk-low" /> low
        </span>
        <span>
          <span className="error">red Filed (late)</span>: filed after the loading cut-off
        </span>
        <span>
          <span className="badge">requested</span>: an inspection request concerns it
        </span>
        <span>Source: own export, or shared with you under an agreement</span>
      </div>
      <p className="muted" data-testid="result-count">
        {items
          ? items.length === 0
            ? "No shipments match."
            : `Shipments ${first}–${first + items.length - 1}${list.hasNext ? ", more on the next page" : ""} · ${filters.sailing === "upcoming" && !filters.etdFrom ? `sailing from ${formatDay(now)} on` : filters.sailing === "departed" && !filters.etdTo ? "departed sailings" : "all sailings"}`
          : "Loading…"}
      </p>
      <DataTable columns={COLUMNS} rows={items} rowKey={(s) => s.id} sort={{ key: sort, order }} onSort={handleSort} isLoading={list.isLoading} error={list.error} empty="No shipments match." testId="shipments" />
      <Pager pageNumber={list.pageNumber} hasPrevious={list.hasPrevious} hasNext={list.hasNext} onPrevious={list.previous} onNext={list.next} />
    </section>
  );
}
