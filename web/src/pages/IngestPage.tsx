import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, type BatchSummary, type FileReport, type Page, type QuarantineItem, type Resubmission } from "../api.ts";
import { Time } from "../components/Time.tsx";
import { errorMessage, useT } from "../i18n/index.tsx";
import { whereText } from "../i18n/reasons.ts";

/** Send a manifest file, read batch reports, and fix what landed in quarantine. */
export function IngestPage() {
  const t = useT();
  const [batches, setBatches] = useState<BatchSummary[]>([]);
  const [quarantine, setQuarantine] = useState<QuarantineItem[]>([]);
  const [report, setReport] = useState<FileReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    api<Page<BatchSummary>>("/ingest-batches?limit=50").then(
      (p) => setBatches(p.items),
      (err: Error) => setError(err.message),
    );
    api<Page<QuarantineItem>>("/quarantine?status=open&limit=100").then(
      (p) => setQuarantine(p.items),
      (err: Error) => setError(err.message),
    );
  }, []);
  useEffect(reload, [reload]);

  function handleShowReport(id: string) {
    api<FileReport>(`/ingest-batches/${id}`).then(setReport, (err: Error) => setError(err.message));
  }

  async function handleUpload(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const file = new FormData(event.currentTarget).get("manifest");
    if (!(file instanceof File) || file.size === 0) {
      setError(t("ingest.chooseFile"));
      return;
    }
    setError(null);
    const res = await fetch(`/api/manifests?fileName=${encodeURIComponent(file.name)}`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: file,
    });
    const body = (await res.json()) as FileReport & { code?: string; message?: string };
    if (!res.ok) {
      setError(body.code ? errorMessage(body.code, body.message ?? "") : t("ingest.uploadFailed"));
      return;
    }
    setReport(body);
    reload();
  }

  return (
    <section>
      <h1>{t("nav.ingest")}</h1>
      <form className="filters" onSubmit={(e) => void handleUpload(e)}>
        <input type="file" name="manifest" accept=".edi,.txt,.csv,.x12,.edifact" />
        <button type="submit">{t("ingest.submit")}</button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {report && <ReportView report={report} />}
      <h2>{t("ingest.quarantine", { count: quarantine.length })}</h2>
      {quarantine.map((q) => (
        <QuarantineCard key={q.id} item={q} onResolved={reload} />
      ))}
      <h2>{t("ingest.batches")}</h2>
      <table className="grid" data-testid="batches">
        <thead>
          <tr>
            <th>{t("ingest.received")}</th>
            <th>{t("ingest.file")}</th>
            <th>{t("ingest.format")}</th>
            <th>{t("ingest.status")}</th>
            <th>{t("ingest.by")}</th>
            <th>{t("ingest.shipments")}</th>
            <th>{t("ingest.containers")}</th>
            <th>{t("ingest.events")}</th>
            <th>{t("ingest.errors")}</th>
            <th>{t("ingest.warnings")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {batches.map((b) => (
            <tr key={b.id}>
              <td>
                <Time iso={b.receivedAt} />
              </td>
              <td>{b.fileName}</td>
              <td>{b.format}</td>
              <td className={b.status === "rejected" || b.status === "failed" ? "error" : undefined}>
                {t.code(`batch_${b.status}`)}
              </td>
              <td>{b.receivedBy}</td>
              <td>{b.shipments}</td>
              <td>{b.containers}</td>
              <td>{b.events}</td>
              <td className={b.errors > 0 ? "error" : undefined}>{b.errors}</td>
              <td>{b.warnings}</td>
              <td>
                <button type="button" onClick={() => handleShowReport(b.id)}>
                  {t("ingest.report")}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ReportView({ report }: { report: FileReport }) {
  const t = useT();
  const { read, landed, quarantined, setAside } = report.records;
  return (
    <div className="card" data-testid="ingest-report">
      <p>
        <strong>{report.file}</strong> ({report.format}):{" "}
        {t("ingest.summary", {
          shipments: report.shipments,
          inserted: report.inserted,
          replaced: report.replaced,
          cancelled: report.cancelled,
          known: report.unchanged + report.duplicates,
          containers: report.containers,
          events: report.events,
          quarantined: report.quarantined,
        })}
      </p>
      <p data-testid="ingest-records">
        {t("ingest.records", { read, landed, quarantined, setAside })}
        {report.stowage > 0 && ` ${t("ingest.stowage", { count: report.stowage })}`}
        {report.unmatched > 0 && ` ${t("ingest.unmatched", { count: report.unmatched })}`}
      </p>
      {report.setAside.length > 0 && (
        <ul>
          {report.setAside.map((s) => (
            <li key={s.code} className="error">
              {t("ingest.setAside", { count: s.count })} {errorMessage(s.code, s.message)} <code>{s.code}</code>
            </li>
          ))}
        </ul>
      )}
      {[...report.errors.map((f) => ["error", f] as const), ...report.warnings.map((f) => ["warning", f] as const)].map(
        ([kind, f], i) => (
          <p key={i} className={kind === "error" ? "error" : "muted"}>
            {t(kind === "error" ? "ingest.error" : "ingest.warning")}: {whereText(t, f.where)}:{" "}
            {errorMessage(f.code, f.message)} <code>{f.code}</code>
          </p>
        ),
      )}
    </div>
  );
}

function QuarantineCard({ item, onResolved }: { item: QuarantineItem; onResolved: () => void }) {
  const t = useT();
  const [text, setText] = useState(item.rawText);
  const [message, setMessage] = useState<string | null>(null);

  async function handleResubmit() {
    try {
      const result = await api<Resubmission>(`/quarantine/${item.id}/resubmission`, {
        method: "POST",
        body: { text },
      });
      if (result.isResolved) {
        onResolved();
        return;
      }
      setMessage(
        result.report.errors.map((e) => errorMessage(e.code, e.message)).join(t("reason.detailSeparator")) ||
          t("ingest.stillNot"),
      );
    } catch (err) {
      setMessage(err instanceof Error ? err.message : t("ingest.resubmitFailed"));
    }
  }

  return (
    <article className="card" data-testid="quarantine-item">
      <p>
        <strong>{whereText(t, item.location)}</strong> ({item.format}), <Time iso={item.createdAt} />
      </p>
      <ul>
        {item.reasons.map((r, i) => (
          <li key={i} className="error">
            {errorMessage(r.code, r.message)} <code>{r.code}</code>
          </li>
        ))}
      </ul>
      <textarea
        className="raw"
        value={text}
        onChange={(e) => setText(e.target.value)}
        rows={Math.min(12, text.split("\n").length + 1)}
      />
      {message && <p className="error">{message}</p>}
      <button type="button" onClick={() => void handleResubmit()}>
        {t("ingest.resubmit")}
      </button>
    </article>
  );
}
