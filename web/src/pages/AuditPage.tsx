import { useState } from "react";
import { auditDetails } from "../../../src/domain/audit-details.ts";
import { api, type AuditEvent } from "../api.ts";
import { DataTable, type Column } from "../components/DataTable.tsx";
import { DateInput } from "../components/DateInput.tsx";
import { Pager } from "../components/Pager.tsx";
import { Time } from "../components/Time.tsx";
import { usePagedApi } from "../components/useApi.ts";
import type { MessageId } from "../i18n/en.ts";
import { CATALOGUES, useT, type Translator } from "../i18n/index.tsx";

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

/** "inspection_request.dispositioned" → "Inspection request dispositioned" (or the catalogue's words for it). */
function sentence(t: Translator, action: string): string {
  const id = `audit.action.${action}`;
  if (id in CATALOGUES.en) {
    return t(id as MessageId);
  }
  // An action the catalogue does not word yet: other languages say so (its code is shown beside it).
  if (t.language !== "en") {
    return t("audit.action.other");
  }
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

function columns(t: Translator): Column<AuditEvent>[] {
  return [
    { key: "seq", title: "#", render: (e) => e.seq },
    { key: "time", title: t("audit.when"), render: (e) => <Time iso={e.occurredAt} seconds /> },
    {
      key: "who",
      title: t("audit.who"),
      render: (e) => (e.actorUsername ? `${e.actorUsername} (${e.actorAgencyCode})` : t("card.system")),
    },
    {
      key: "what",
      title: t("audit.what"),
      render: (e) => (
        <>
          {sentence(t, e.action)} <code>{e.action}</code>
        </>
      ),
    },
    {
      key: "record",
      title: t("audit.record"),
      render: (e) =>
        e.entityId ? (
          <span title={e.entityId}>{`${t.code(`entity_${e.entityType}`)} ${e.entityId.slice(0, 8)}`}</span>
        ) : (
          t.code(`entity_${e.entityType}`)
        ),
    },
    {
      key: "details",
      title: t("audit.details"),
      render: (e) => (
        <details>
          <summary className="payload">{auditDetails(e.payload) || "—"}</summary>
          <pre className="payload">{JSON.stringify(e.payload, null, 2)}</pre>
        </details>
      ),
    },
    {
      key: "hash",
      title: t("audit.hash"),
      render: (e) => (
        <span className="hash" title={e.hash}>
          {e.hash.slice(0, 12)}…
        </span>
      ),
    },
  ];
}

/** The audit log concerning the auditor's agency: readable rows, filters, CSV export, and a check of the chain. */
export function AuditPage() {
  const t = useT();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [error, setError] = useState<string | null>(null);
  const query = queryOf(filters);
  const list = usePagedApi<AuditEvent>(`/audit-events?limit=100&${query.toString()}`);
  const set = (key: "actor" | "actionPrefix" | "entityId") => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [key]: e.target.value });

  async function handleVerify() {
    try {
      setVerdict(await api<Verdict>("/audit-events/verification"));
    } catch (err) {
      setError(err instanceof Error ? err.message : t("audit.verifyFailed"));
    }
  }

  return (
    <section>
      <h1>{t("nav.audit")}</h1>
      <div className="actions">
        <button type="button" onClick={() => void handleVerify()}>
          {t("audit.verify")}
        </button>
        <a href={`/api/audit-events/export?${query.toString()}`} download data-testid="audit-csv">
          {t("audit.export")}
        </a>
      </div>
      {verdict && (
        <p className={verdict.isIntact ? "ok" : "error"} data-testid="verdict">
          {verdict.isIntact
            ? t("audit.intact", { count: verdict.events })
            : t("audit.broken", { seq: verdict.firstBrokenSeq ?? "" })}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <form
        className="filters"
        aria-label={t("audit.filterLabel")}
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <input
          name="actor"
          placeholder={t("audit.filter.who")}
          value={draft.actor}
          maxLength={100}
          onChange={set("actor")}
        />
        <input
          name="actionPrefix"
          placeholder={t("audit.filter.what")}
          value={draft.actionPrefix}
          maxLength={100}
          onChange={set("actionPrefix")}
          size={32}
        />
        <input
          name="entityId"
          placeholder={t("audit.filter.record")}
          value={draft.entityId}
          maxLength={100}
          onChange={set("entityId")}
        />
        <label>
          {t("dashboard.from")}{" "}
          <DateInput name="from" value={draft.from} onChange={(v) => setDraft({ ...draft, from: v })} />
        </label>
        <label>
          {t("shipments.etdTo")}{" "}
          <DateInput name="to" value={draft.to} onChange={(v) => setDraft({ ...draft, to: v })} />
        </label>
        <label className="inline">
          <input
            type="checkbox"
            name="includeReads"
            checked={draft.includeReads}
            onChange={(e) => setDraft({ ...draft, includeReads: e.target.checked })}
          />{" "}
          {t("audit.includeReads")}
        </label>
        <button type="submit">{t("audit.apply")}</button>
      </form>
      <DataTable
        columns={columns(t)}
        rows={list.data?.items}
        rowKey={(e) => e.seq}
        isLoading={list.isLoading}
        error={list.error}
        empty={t("audit.none")}
        testId="audit-log"
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
