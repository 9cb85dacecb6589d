import { useEffect, useState } from "react";
import { api, formatTime, type AuditEvent, type Page } from "../api.ts";

interface Verdict {
  events: number;
  firstBrokenSeq: string | null;
  isIntact: boolean;
}

/** The audit log concerning the auditor's agency, and a check of the whole hash chain. */
export function AuditPage() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<Page<AuditEvent> | null>(null);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [includeReads, setIncludeReads] = useState(false);
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    // Reads of shared data are audited page by page; by default the log shows the changes.
    const query = new URLSearchParams({ limit: "100", kind: includeReads ? "all" : "changes" });
    if (cursor) {
      query.set("cursor", cursor);
    }
    api<Page<AuditEvent>>(`/audit-events?${query.toString()}`).then(setPage, (err: Error) => setError(err.message));
  }, [cursor, includeReads]);

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
      <button type="button" onClick={() => void handleVerify()}>
        Verify the chain
      </button>
      <label>
        <input
          type="checkbox"
          checked={includeReads}
          onChange={(e) => {
            setIncludeReads(e.target.checked);
            setCursors([null]);
          }}
        />{" "}
        Include reads of shared data
      </label>
      {verdict && (
        <p className={verdict.isIntact ? "ok" : "error"} data-testid="verdict">
          {verdict.isIntact ? `Chain intact: ${verdict.events} events verified.` : `Chain broken at event ${verdict.firstBrokenSeq}.`}
        </p>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      <table className="grid">
        <thead>
          <tr>
            <th>#</th>
            <th>Time</th>
            <th>Action</th>
            <th>Entity</th>
            <th>Actor</th>
            <th>Details</th>
            <th>Hash</th>
          </tr>
        </thead>
        <tbody>
          {page?.items.map((e) => (
            <tr key={e.seq}>
              <td>{e.seq}</td>
              <td>{formatTime(e.occurredAt)}</td>
              <td>{e.action}</td>
              <td>
                {e.entityType} {e.entityId?.slice(0, 8)}
              </td>
              <td>{e.actorUsername ? `${e.actorUsername} (${e.actorAgencyCode})` : "system"}</td>
              <td className="payload">{JSON.stringify(e.payload)}</td>
              <td className="hash">{e.hash.slice(0, 12)}…</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="pager">
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer
        </button>
        <button type="button" disabled={!page?.nextCursor} onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}>
          Older
        </button>
      </div>
    </section>
  );
}
