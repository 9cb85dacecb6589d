import { useMemo, useState } from "react";
import { Link } from "wouter";
import type { ShipmentSummary } from "../api.ts";
import { DataTable, type Column } from "../components/DataTable.tsx";
import { DateInput } from "../components/DateInput.tsx";
import { PartyName } from "../components/PartyName.tsx";
import { Pager } from "../components/Pager.tsx";
import { Time } from "../components/Time.tsx";
import { usePagedApi } from "../components/useApi.ts";
import { useT, type Translator } from "../i18n/index.tsx";
import { formatDay } from "../time.ts";

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

const EMPTY: Filters = {
  level: "",
  port: "",
  sailing: "upcoming",
  etdFrom: "",
  etdTo: "",
  hsChapter: "",
  q: "",
  requested: false,
};
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

function columns(t: Translator): Column<ShipmentSummary>[] {
  return [
    {
      key: "risk",
      title: t("shipments.col.risk"),
      sortKey: "score",
      render: (s) => (
        <>
          <span
            className={`risk risk-${s.level ?? "none"}`}
            data-testid="risk"
            title={s.level ? t("shipments.riskLevel", { level: t.code(s.level) }) : t("shipments.notScored")}
          >
            {s.score ?? "—"}
          </span>{" "}
          <span className="muted">{t("shipments.hits", { count: s.hitCount })}</span>
        </>
      ),
    },
    {
      key: "bl",
      title: t("shipments.col.bl"),
      sortKey: "bill_of_lading",
      render: (s) => (
        <>
          <Link href={`/shipments/${s.id}`}>{s.billOfLading}</Link>
          {s.hasRequests && (
            <span className="badge" data-testid="requested-marker" title={t("shipments.requestedHint")}>
              {t("shipments.requested")}
            </span>
          )}
        </>
      ),
    },
    {
      key: "source",
      title: t("shipments.col.source"),
      render: (s) => <span data-testid="source">{s.isShared ? t("shipments.shared") : t("shipments.own")}</span>,
    },
    {
      key: "discharge",
      title: t("shipments.col.discharge"),
      sortKey: "port_of_discharge",
      render: (s) =>
        `${s.portOfDischarge}${s.finalDestination && s.finalDestination !== s.portOfDischarge ? ` → ${s.finalDestination}` : ""}`,
    },
    { key: "etd", title: t("shipments.col.etd"), sortKey: "etd", render: (s) => <Time iso={s.etd} /> },
    {
      key: "filed",
      title: t("shipments.col.filed"),
      sortKey: "filed_at",
      className: (s) => (isLate(s) ? "error" : undefined),
      render: (s) => (
        <>
          <Time iso={s.filedAt} />
          {isLate(s) && <span title={t("shipments.lateHint")}> {t("shipments.late")}</span>}
        </>
      ),
    },
    { key: "vessel", title: t("shipments.col.vessel"), render: (s) => `${s.vesselName ?? "—"} ${s.voyageNo ?? ""}` },
    {
      key: "shipper",
      title: t("shipments.col.shipper"),
      render: (s) => <PartyName name={s.shipperName} nativeName={s.shipperNameNative} />,
    },
    {
      key: "consignee",
      title: t("shipments.col.consignee"),
      render: (s) => <PartyName name={s.consigneeName} nativeName={s.consigneeNameNative} />,
    },
    { key: "hs", title: t("shipments.col.hs"), render: (s) => [...new Set(s.hsCodes)].join(", ") },
    { key: "boxes", title: t("shipments.col.boxes"), render: (s) => t.number(s.containerCount) },
  ];
}

/** The shipments the caller may see: upcoming sailings first, server-side filter, sort and paging. */
export function ShipmentsPage() {
  const t = useT();
  const cols = useMemo(() => columns(t), [t]);
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

  const set = (key: "q" | "port" | "hsChapter" | "level") => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [key]: e.target.value });
  const first = (list.pageNumber - 1) * PAGE_SIZE + 1;

  return (
    <section>
      <h1>{t("shipments.title")}</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setNow(new Date());
          setFilters(draft);
        }}
      >
        <input name="q" placeholder={t("shipments.search")} value={draft.q} maxLength={100} onChange={set("q")} />
        <input
          name="port"
          placeholder={t("shipments.port")}
          value={draft.port}
          maxLength={5}
          onChange={set("port")}
          size={12}
        />
        <label>
          {t("shipments.sailings")}{" "}
          <select
            name="sailing"
            value={draft.sailing}
            onChange={(e) => setDraft({ ...draft, sailing: e.target.value as Filters["sailing"] })}
          >
            <option value="upcoming">{t("shipments.sailing.upcoming")}</option>
            <option value="departed">{t("shipments.sailing.departed")}</option>
            <option value="all">{t("shipments.sailing.all")}</option>
          </select>
        </label>
        <label>
          {t("shipments.etdFrom")}{" "}
          <DateInput name="etdFrom" value={draft.etdFrom} onChange={(v) => setDraft({ ...draft, etdFrom: v })} />
        </label>
        <label>
          {t("shipments.etdTo")}{" "}
          <DateInput name="etdTo" value={draft.etdTo} onChange={(v) => setDraft({ ...draft, etdTo: v })} />
        </label>
        <input
          name="hsChapter"
          placeholder={t("shipments.hsChapter")}
          value={draft.hsChapter}
          maxLength={2}
          onChange={set("hsChapter")}
          size={14}
        />
        <select name="level" value={draft.level} onChange={set("level")}>
          <option value="">{t("shipments.anyRisk")}</option>
          <option value="high">{t.code("high")}</option>
          <option value="medium">{t.code("medium")}</option>
          <option value="low">{t.code("low")}</option>
        </select>
        <label className="inline">
          <input
            type="checkbox"
            name="requested"
            checked={draft.requested}
            onChange={(e) => setDraft({ ...draft, requested: e.target.checked })}
          />{" "}
          {t("shipments.withRequests")}
        </label>
        <button type="submit">{t("shipments.filter")}</button>
      </form>
      <div className="legend" data-testid="legend">
        <span>
          <span className="swatch risk-high" /> {t("shipments.legend.high")}
        </span>
        <span>
          <span className="swatch risk-medium" /> {t("shipments.legend.medium")}
        </span>
        <span>
          <span className="swatch risk-low" /> {t("shipments.legend.low")}
        </span>
        <span>
          <span className="error">{t("shipments.legend.late")}</span>
          {t("shipments.legend.lateMeaning")}
        </span>
        <span>
          <span className="badge">{t("shipments.requested")}</span>
          {t("shipments.legend.requestedMeaning")}
        </span>
        <span>{t("shipments.legend.source")}</span>
      </div>
      <p className="muted" data-testid="result-count">
        {items
          ? items.length === 0
            ? t("shipments.none")
            : `${t(list.hasNext ? "shipments.rangeMore" : "shipments.range", { first, last: first + items.length - 1 })} · ${filters.sailing === "upcoming" && !filters.etdFrom ? t("shipments.fromDay", { day: formatDay(now) }) : filters.sailing === "departed" && !filters.etdTo ? t("shipments.departedSailings") : t("shipments.allSailings")}`
          : t("common.loading")}
      </p>
      <DataTable
        columns={cols}
        rows={items}
        rowKey={(s) => s.id}
        sort={{ key: sort, order }}
        onSort={handleSort}
        isLoading={list.isLoading}
        error={list.error}
        empty={t("shipments.none")}
        testId="shipments"
      />
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
