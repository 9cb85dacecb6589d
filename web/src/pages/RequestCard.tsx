import { useState } from "react";
import { Link } from "wouter";
import { label, type InspectionRequest, type Scan } from "../api.ts";
import { Time } from "../components/Time.tsx";
import { count, timeLeft } from "../time.ts";
import { hasEvidence, ScanEvidence } from "../components/ScanEvidence.tsx";
import { useMinuteClock } from "../components/useMinuteClock.ts";

export { timeLeft } from "../time.ts";

/** How urgent a deadline is, for the countdown's colour. */
function urgency(deadline: string | null, now: number): string {
  if (!deadline) {
    return "";
  }
  const ms = new Date(deadline).getTime() - now;
  return ms < 6 * 3_600_000 ? "countdown-urgent" : ms < 24 * 3_600_000 ? "countdown-soon" : "";
}

/** What is in the container and how the viewer's rules scored it: what a decision is made on. */
function Cargo({ request }: { request: InspectionRequest }) {
  const c = request.cargo;
  const level = c.riskLevel ?? "";
  return (
    <div className="queue-facts" data-testid="cargo">
      <span>
        Goods: <strong data-testid="goods">{c.goods ?? "—"}</strong>
      </span>
      <span>
        HS chapter <strong data-testid="hs-chapter">{c.hsCode ? c.hsCode.slice(0, 2) : "—"}</strong>
        {c.hsCode ? <span className="muted"> ({c.hsCode})</span> : null}
      </span>
      <span>
        Risk{" "}
        <span className={`risk risk-${level}`} data-testid="risk-score" title={level ? `${level} risk by your agency's rules` : "not scored by your agency's rules"}>
          {c.riskScore === null ? "—" : Math.round(c.riskScore)}
        </span>
      </span>
      {c.topHits.length > 0 && (
        <span data-testid="top-hits">
          Rules: {c.topHits.map((h) => `${h.ruleId} (+${h.weight})`).join(", ")}
        </span>
      )}
    </div>
  );
}

/** A request with its decision, every scan result and its evidence (plots and images; open at once when `showEvidence`). */
export function RequestCard({ request, showEvidence = false, showCargo = false, children }: { request: InspectionRequest; showEvidence?: boolean; showCargo?: boolean; children?: React.ReactNode }) {
  const now = useMinuteClock(request.isOpen);
  return (
    <article className="card" data-testid="request-card">
      <header>
        <Link href={`/requests/${request.id}`}>
          <strong>{request.reference}</strong>
        </Link>{" "}
        <span className={`status status-${request.status}`} data-testid="request-status">
          {label(request.status)}
        </span>{" "}
        <span className="badge">{request.priority}</span> <span className="badge">{label(request.requestType)}</span> container {request.containerNo} · B/L{" "}
        {request.billOfLading}
        {request.holdActive && <span className="status status-declined"> on hold — do not load</span>}
        {request.escalatedAt && request.isOpen && <span className="status status-requested"> at risk</span>}
        {request.missedAt && <span className="status status-declined" data-testid="missed"> missed: {request.missReason}</span>}
      </header>
      <p>
        <em>{request.reason}</em> — {request.requestedBy} ({request.requestingAgency}), <Time iso={request.requestedAt} />; asks for{" "}
        {request.scansRequested.map(label).join(", ")}
      </p>
      <p className="muted">
        Deadline (loading cut-off){" "}
        <span data-testid="deadline">
          <Time iso={request.deadline} />
        </span>{" "}
        ·{" "}
        <span className={`countdown ${request.isOpen ? urgency(request.deadline, now) : ""}`} data-testid="time-left">
          {timeLeft(request.deadline, now)}
        </span>{" "}
        · agreement {request.agreementCode}
      </p>
      {showCargo && <Cargo request={request} />}
      {request.decidedAt && (
        <p>
          {label(request.status === "declined" ? "declined" : "accepted")} by {request.decidedBy} at <Time iso={request.decidedAt} />
          {request.decisionReason ? `: ${request.decisionReason}` : ""}
        </p>
      )}
      {request.scans.length > 0 && (
        <table className="grid" data-testid="scan-results">
          <thead>
            <tr>
              <th>Scan</th>
              <th>Outcome</th>
              <th>Notes</th>
              <th>Officer / site</th>
              <th>Time</th>
              <th>Evidence</th>
            </tr>
          </thead>
          <tbody>
            {request.scans.map((s) => (
              <tr key={s.id}>
                <td>
                  {label(s.scanType)}
                  {s.device ? <div className="muted">{s.device}</div> : null}
                </td>
                <td className={`outcome-${s.outcome}`}>{label(s.outcome)}</td>
                <td>
                  {s.notes}
                  {s.analysis && <AnalysisSummary scan={s} />}
                </td>
                <td>
                  {s.officer} / {s.site ?? "—"}
                </td>
                <td>
                  <Time iso={s.scannedAt} />
                </td>
                <td>
                  {s.file ? (
                    <a href={`/api/files/${s.file.sha256}`} title={`sha256 ${s.file.sha256}`}>
                      {s.file.name} ({s.file.sizeBytes.toLocaleString("en-US")} B)
                    </a>
                  ) : (
                    "—"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Evidence scans={request.scans.filter(hasEvidence)} initiallyOpen={showEvidence} />
      {request.informationResponse && (
        <p>
          Answer: <strong>{request.informationResponse}</strong>
        </p>
      )}
      {request.disposition && (
        <p data-testid="disposition">
          Disposition: <strong>{label(request.disposition)}</strong> at <Time iso={request.dispositionedAt} />
          {request.dispositionOverride && (
            <span className="error" data-testid="disposition-override">
              {" "}
              — cleared against the scan findings, override by {request.dispositionOverride.by ?? "a supervisor"}: {request.dispositionOverride.reason}
            </span>
          )}
        </p>
      )}
      {request.timeline.length > 0 && (
        <details>
          <summary>History ({count(request.timeline.length, "step")})</summary>
          <ol className="timeline">
            {request.timeline.map((t, i) => (
              <li key={i}>
                <Time iso={t.at} seconds /> — {label(t.action)} by {t.by ?? "system"}
                {t.note ? `: ${t.note}` : ""}
                {t.override && (
                  <div className="error" data-testid="timeline-override">
                    Override by {t.by ?? "a supervisor"}: {t.override.reason} (overrode: {t.override.findings.map((f) => f.summary).join("; ")})
                  </div>
                )}
              </li>
            ))}
          </ol>
        </details>
      )}
      {children}
    </article>
  );
}

/** Plots and images of the scans; mounted only once opened so request lists stay light. */
function Evidence({ scans, initiallyOpen }: { scans: Scan[]; initiallyOpen: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  if (scans.length === 0) {
    return null;
  }
  return (
    <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Plots and images ({scans.length})</summary>
      {open && scans.map((s) => <ScanEvidence key={s.id} scan={s} />)}
    </details>
  );
}

/** The radiation analysis of one scan: verdict, nuclides with confidence, alarms, and the declaration check. */
function AnalysisSummary({ scan }: { scan: Scan }) {
  const a = scan.analysis;
  if (!a) {
    return null;
  }
  // Reports stored before nuclides were graded carry no status: they count as identified.
  const statusOf = (n: { status?: string }) => n.status ?? "identified";
  const identified = a.nuclides.filter((n) => statusOf(n) === "identified");
  const natural = a.nuclides.filter((n) => statusOf(n) === "background");
  const possible = a.nuclides.filter((n) => statusOf(n) === "possible").slice(0, 3);
  return (
    <div className="analysis" data-testid="analysis">
      <div>
        Analysis: <strong className={`verdict-${a.verdict}`}>{label(a.verdict)}</strong>
        {identified.length > 0 && ` — ${identified.map((n) => `${n.name} (${n.category}, ${Math.round(n.confidence * 100)}%)`).join(", ")}`}
        {a.alarms.length > 0 && ` — ${a.alarms.length} alarm${a.alarms.length > 1 ? "s" : ""} (${[...new Set(a.alarms.map((x) => x.type))].join(", ")})`}
      </div>
      {a.reachBack && (
        <div className="error" data-testid="reach-back">
          Reach-back advised: {a.reachBack.reason}
        </div>
      )}
      {natural.length > 0 && <div className="muted">Natural background: {natural.map((n) => n.name).join(", ")}</div>}
      {possible.length > 0 && (
        <div className="muted" data-testid="possible-nuclides">
          Possible, not identified: {possible.map((n) => `${n.name} (${(n.notes ?? []).join("; ") || "weak evidence"})`).join(", ")}
        </div>
      )}
      {(a.unexplainedPeaks ?? []).length > 0 && (
        <div className="muted">Unexplained peaks: {(a.unexplainedPeaks ?? []).flatMap((u) => u.energiesKeV).map((e) => `${e} keV`).join(", ")}</div>
      )}
      {scan.isInconsistent && (
        <div className="error" data-testid="inconsistent">
          Inconsistent with declaration: {scan.inconsistency}
        </div>
      )}
      {a.errors.map((e) => (
        <div key={e.code} className="muted">
          {e.message}
        </div>
      ))}
    </div>
  );
}
