import { useEffect, useState } from "react";
import { Link } from "wouter";
import { api, formatTime, type Page, type ShipmentSummary } from "../api.ts";

interface Filters {
  level: string;
  port: string;
  etdFrom: string;
  etdTo: string;
  hsChapter: string;
  q: string;
}

const EMPTY: Filters = { level: "", port: "", etdFrom: "", etdTo: "", hsChapter: "", q: "" };
const SORTABLE: [string, string][] = [
  ["score", "Risk"],
  ["bill_of_lading", "B/L"],
  ["port_of_discharge", "Discharge"],
  ["etd", "ETD"],
  ["filed_at", "Filed"],
];

function queryString(filters: Filters, sort: string, order: string, cursor: string | null): string {
  const params = new URLSearchParams({ limit: "50", sort, order });
  for (const [key, value] of Object.entries(filters) as [string, string][]) {
    if (value.trim()) {
      params.set(key, value.trim());
    }
  }
  if (cursor) {
    params.set("cursor", cursor);
  }
  return params.toString();
}

/** The shipments the caller may see: server-side filter, sort and paging. */
export function ShipmentsPage() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [sort, setSort] = useState("score");
  const [order, setOrder] = useState<"asc" | "desc">("desc");
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<Page<ShipmentSummary> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1] ?? null;

  useEffect(() => {
    setError(null);
    api<Page<ShipmentSummary>>(`/shipments?${queryString(filters, sort, order, cursor)}`).then(setPage, (err: Error) => setError(err.message));
  }, [filters, sort, order, cursor]);

  function handleSort(column: string) {
    setCursors([null]);
    if (column === sort) {
      setOrder(order === "asc" ? "desc" : "asc");
    } else {
      setSort(column);
      setOrder("asc");
    }
  }

  const set = (key: keyof Filters) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });

  return (
    <section>
      <h1>Shipments</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setCursors([null]);
          setFilters(draft);
        }}
      >
        <input name="q" placeholder="B/L, party, container, goods" value={draft.q} onChange={set("q")} />
        <input name="port" placeholder="Port (JPYOK)" value={draft.port} onChange={set("port")} size={8} />
        <label>
          ETD from <input name="etdFrom" type="date" value={draft.etdFrom} onChange={set("etdFrom")} />
        </label>
        <label>
          to <input name="etdTo" type="date" value={draft.etdTo} onChange={set("etdTo")} />
        </label>
        <input name="hsChapter" placeholder="HS chapter" value={draft.hsChapter} onChange={set("hsChapter")} size={6} />
        <select name="level" value={draft.level} onChange={set("level")}>
          <option value="">any risk</option>
          <option value="high">high</option>
          <option value="medium">medium</option>
          <option value="low">low</option>
        </select>
        <button type="submit">Filter</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      <table className="grid">
        <thead>
          <tr>
            {SORTABLE.map(([column, title]) => (
              <th key={column}>
                <button type="button" className="link" onClick={() => handleSort(column)}>
                  {title} {sort === column ? (order === "asc" ? "▲" : "▼") : ""}
                </button>
              </th>
            ))}
            <th>Vessel / voyage</th>
            <th>Shipper</th>
            <th>Consignee</th>
            <th>HS</th>
            <th>Boxes</th>
          </tr>
        </thead>
        <tbody>
          {page?.items.map((s) => (
            <tr key={s.id}>
              <td>
                <span className={`risk risk-${s.level ?? "none"}`} data-testid="risk">
                  {s.score ?? "—"}
                </span>{" "}
                <span className="muted">{s.hitCount} hits</span>
              </td>
              <td>
                <Link href={`/shipments/${s.id}`}>{s.billOfLading}</Link>
              </td>
              <td>
                {s.portOfDischarge}
                {s.finalDestination && s.finalDestination !== s.portOfDischarge ? ` → ${s.finalDestination}` : ""}
              </td>
              <td>{formatTime(s.etd)}</td>
              <td className={s.loadingCutoff && s.filedAt > s.loadingCutoff ? "error" : undefined}>{formatTime(s.filedAt)}</td>
              <td>
                {s.vesselName} {s.voyageNo}
              </td>
              <td>{s.shipperName}</td>
              <td>{s.consigneeName}</td>
              <td>{[...new Set(s.hsCodes)].join(", ")}</td>
              <td>{s.containerCount}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page && page.items.length === 0 && <p className="muted">No shipments match.</p>}
      <div className="pager">
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous
        </button>
        <span>Page {cursors.length}</span>
        <button type="button" disabled={!page?.nextCursor} onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}>
          Next
        </button>
      </div>
    </section>
  );
}
