import { useState } from "react";
import { api, type AuditEvent } from "../api.ts";
import { DataTable, type Column } from "../components/DataTable.tsx";
import { DateInput } from "../components/DateInput.tsx";
import { Pager } from "../components/Pager.tsx";
import { Time } from "../components/Time.tsx";
import { usePagedApi } from "../components/useApi.ts";
import { count } from "../time.ts";

interface Verdict {
  events: number;
  firstBrokenSeq: string | null;
  isIntact: boolean;
}

interface Filters {
  actor: string;
  actionPrefix: string;
  entityId: string;
  from: string;
  to: string;
  includeReads: boolean;
}

const EMPTY: Filters = { actor: "", actionPrefix: "", entityId: "", from: "", to: "", includeReads: false };

function detailValue(v: unknown): string {
  if (typeof v === "string") {
    return v;
  }
  if (typeof v === "number" || typeof v === "boolean") {
    return String(v);
  }
  if (Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number")) {
    return (v).join(", ");
  }
  return JSON.stringify(v);
}

/** The event's details as "key: value" pairs for people (the raw record stays a click away). */
function details(payload: unknown): string {
  if (!payload || typeof payload !== "object") {
    return "";
  }
  return Object.entries(payload as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) => `${k}: ${detailValue(v)}`)
    .join("; ");
}

/** "inspection_request.dispositioned" → "Inspection request dispositioned". */
function sentence(action: string): string {
  const text = action.replaceAll(/[._]/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function queryOf(f: Filters): URLSearchParams {
  const q = new URLSearchParams({ kind: f.includeReads ? "all" : "changes" });
  if (f.actor.trim()) {
    q.set("actor", f.actor.trim());
  }
  if (f.actionPrefix.trim()) {
    q.set("actionPrefix", f.actionPrefix.trim());
  }
  if (f.entityId.trim()) {
    q.set("entityId", f.entityId.trim());
  }
  if (f.from) {
    q.set("from", `${f.from}T00:00:00Z`);
  }
  if (f.to) {
    q.set("to", `${f.to}T23:59:59Z`);
  }
  return q;
}

const COLUMNS: Column<AuditEvent>[] = [
  { key: "seq", title: "#", render: (e) => e.seq },
  { key: "time", title: "When", render: (e) => <Time iso={e.occurredAt} seconds /> },
  { key: "who", title: "Who", render: (e) => (e.actorUsername ? `${e.actorUsername} (${e.actorAgencyCode})` : "system") },
  {
    key: "what",
    title: "What",
    render: (e) => (
      <>
        {sentence(e.action)} <code>{e.action}</code>
      </>
    ),
  },
  { key: "record", title: "Record", render: (e) => (e.entityId ? <span title={e.entityId}>{`${e.entityType.replaceAll("_", " ")} ${e.entityId.slice(0, 8)}`}</span> : e.entityType.replaceAll("_", " ")) },
  {
    key: "details",
    title: "Details",
    render: (e) => (
      <details>
        <summary className="payload">{details(e.payload) || "—"}</summary>
        <pre className="payload">{JSON.stringify(e.payload, null, 2)}</pre>
      </details>
    ),
  },
  { key: "hash", title: "Hash", render: (e) => <span className="hash" title={e.hash}>{e.hash.slice(0, 12)}…</span> },
];

/** The audit log concerning the auditor's agency: readable rows, filters, CSV export, and a check of the chain. */
export function AuditPage() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [error, setError] = useState<string | null>(null);
  const query = queryOf(filters);
  const list = usePagedApi<AuditEvent>(`/audit-events?limit=100&${query.toString()}`);
  const set = (key: "actor" | "actionPrefix" | "entityId") => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });

  async function handleVerify() {
    try {
      setVerdict(await api<Verdict>("/audit-events/verification"));
    } catch (err) {
      setError(err instanceof Error ? err.message : "Verification failed");
    }
  }

  return (
    <section>
      <h1>Audit log</h1>
      <div className="actions">
        <button type="button" onClick={() => void handleVerify()}>
          Verify the chain
        </button>
        <a href={`/api/audit-events/export?${query.toString()}`} download data-testid="audit-csv">
          Export these events as CSV
        </a>
      </div>
      {verdict && (
        <p className={verdict.isIntact ? "ok" : "error"} data-testid="verdict">
          {verdict.isIntact ? `Chain intact: ${count(verdict.events, "event")} verified.` : `Chain broken at event ${verdict.firstBrokenSeq}.`}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <form
        className="filters"
        aria-label="Filter the log"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <input name="actor" placeholder="Who (username)" value={draft.actor} maxLength={100} onChange={set("actor")} />
        <input name="actionPrefix" placeholder="What (action, e.g. inspection_request.)" value={draft.actionPrefix} maxLength={100} onChange={set("actionPrefix")} size={32} />
        <input name="entityId" placeholder="Record id" value={draft.entityId} maxLength={100} onChange={set("entityId")} />
        <label>
          From <DateInput name="from" value={draft.from} onChange={(v) => setDraft({ ...draft, from: v })} />
        </label>
        <label>
          to <DateInput name="to" value={draft.to} onChange={(v) => setDraft({ ...draft, to: v })} />
        </label>
        <label className="inline">
          <input type="checkbox" name="includeReads" checked={draft.includeReads} onChange={(e) => setDraft({ ...draft, includeReads: e.target.checked })} /> include reads of shared data
        </label>
        <button type="submit">Apply filters</button>
      </form>
      <DataTable columns={COLUMNS} rows={list.data?.items} rowKey={(e) => e.seq} isLoading={list.isLoading} error={list.error} empty="No events match." testId="audit-log" />
      <Pager pageNumber={list.pageNumber} hasPrevious={list.hasPrevious} hasNext={list.hasNext} onPrevious={list.previous} onNext={list.next} />
    </section>
  );
}
