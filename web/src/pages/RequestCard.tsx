import { useState } from "react";
import { Link } from "wouter";
import type { InspectionRequest, Scan } from "../api.ts";
import { useT } from "../i18n/index.tsx";
import {
  analysisErrorText,
  findingText,
  inconsistencyText,
  missReasonText,
  noteText,
  reachBackText,
} from "../i18n/reasons.ts";
import { Time } from "../components/Time.tsx";
import { timeLeft } from "../time.ts";
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
  const t = useT();
  const c = request.cargo;
  const level = c.riskLevel ?? "";
  return (
    <div className="queue-facts" data-testid="cargo">
      <span>
        {t("card.goods")} <strong data-testid="goods">{c.goods ?? "—"}</strong>
      </span>
      <span>
        {t("card.hsChapter")} <strong data-testid="hs-chapter">{c.hsCode ? c.hsCode.slice(0, 2) : "—"}</strong>
        {c.hsCode ? <span className="muted"> ({c.hsCode})</span> : null}
      </span>
      <span>
        {t("card.risk")}{" "}
        <span
          className={`risk risk-${level}`}
          data-testid="risk-score"
          title={level ? t("card.riskLevel", { level: t.code(level) }) : t("card.notScored")}
        >
          {c.riskScore === null ? "—" : Math.round(c.riskScore)}
        </span>
      </span>
      {c.topHits.length > 0 && (
        <span data-testid="top-hits">
          {t("card.rules")}{" "}
          {c.topHits.map((h, i) => (
            <span key={h.ruleId}>
              {i > 0 ? ", " : ""}
              <code>{h.ruleId}</code> (+{h.weight})
            </span>
          ))}
        </span>
      )}
    </div>
  );
}

/** A request with its decision, every scan result and its evidence (plots and images; open at once when `showEvidence`). */
export function RequestCard({
  request,
  showEvidence = false,
  showCargo = false,
  children,
}: {
  request: InspectionRequest;
  showEvidence?: boolean;
  showCargo?: boolean;
  children?: React.ReactNode;
}) {
  const t = useT();
  const now = useMinuteClock(request.isOpen);
  return (
    <article className="card" data-testid="request-card">
      <header>
        <Link href={`/requests/${request.id}`}>
          <strong>{request.reference}</strong>
        </Link>{" "}
        <span className={`status status-${request.status}`} data-testid="request-status">
          {t.code(request.status)}
        </span>{" "}
        <span className="badge">{t.code(request.priority)}</span>{" "}
        <span className="badge">{t.code(request.requestType)}</span>{" "}
        {t("card.container", { container: request.containerNo, bl: request.billOfLading })}
        {request.holdActive && <span className="status status-declined"> {t("card.onHold")}</span>}
        {request.escalatedAt && request.isOpen && <span className="status status-requested"> {t("card.atRisk")}</span>}
        {request.missedAt && (
          <span className="status status-declined" data-testid="missed">
            {" "}
            {t("card.missed", { reason: missReasonText(t, request.missReasonCode, request.missReason) })}
          </span>
        )}
      </header>
      <p>
        <em>{request.reason}</em> — {request.requestedBy} ({request.requestingAgency}),{" "}
        <Time iso={request.requestedAt} />
        {t("card.asksFor", { scans: request.scansRequested.map((s) => t.code(s)).join(t("common.listSeparator")) })}
      </p>
      <p className="muted">
        {t("card.deadline")}{" "}
        <span data-testid="deadline">
          <Time iso={request.deadline} />
        </span>{" "}
        ·{" "}
        <span className={`countdown ${request.isOpen ? urgency(request.deadline, now) : ""}`} data-testid="time-left">
          {timeLeft(request.deadline, now, t)}
        </span>{" "}
        · {t("card.agreement", { agreement: request.agreementCode })}
      </p>
      {showCargo && <Cargo request={request} />}
      {request.decidedAt && (
        <p>
          {t(request.status === "declined" ? "card.declinedBy" : "card.acceptedBy", { by: request.decidedBy ?? "" })}{" "}
          <Time iso={request.decidedAt} />
          {request.decisionReason ? `: ${request.decisionReason}` : ""}
        </p>
      )}
      {request.scans.length > 0 && (
        <table className="grid" data-testid="scan-results">
          <thead>
            <tr>
              <th>{t("scans.scan")}</th>
              <th>{t("scans.outcome")}</th>
              <th>{t("scans.notes")}</th>
              <th>{t("scans.officer")}</th>
              <th>{t("scans.time")}</th>
              <th>{t("scans.evidence")}</th>
            </tr>
          </thead>
          <tbody>
            {request.scans.map((s) => (
              <tr key={s.id}>
                <td>
                  {t.code(s.scanType)}
                  {s.device ? <div className="muted">{s.device}</div> : null}
                </td>
                <td className={`outcome-${s.outcome}`}>{t.code(s.outcome)}</td>
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
                      {s.file.name} ({t.number(s.file.sizeBytes)} B)
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
          {t("card.answer")} <strong>{request.informationResponse}</strong>
        </p>
      )}
      {request.disposition && (
        <p data-testid="disposition">
          {t("card.disposition")} <strong>{t.code(request.disposition)}</strong> <Time iso={request.dispositionedAt} />
          {request.dispositionOverride && (
            <span className="error" data-testid="disposition-override">
              {" "}
              —{" "}
              {t("card.override", {
                by: request.dispositionOverride.by ?? t("card.aSupervisor"),
                reason: request.dispositionOverride.reason,
              })}
            </span>
          )}
        </p>
      )}
      {request.timeline.length > 0 && (
        <details>
          <summary>{t("card.history", { count: request.timeline.length })}</summary>
          <ol className="timeline">
            {request.timeline.map((step, i) => (
              <li key={i}>
                <Time iso={step.at} seconds /> —{" "}
                {t("card.step", { action: t.code(step.action), by: step.by ?? t("card.system") })}
                {step.note ? `: ${step.note}` : ""}
                {step.override && (
                  <div className="error" data-testid="timeline-override">
                    {t("card.timelineOverride", {
                      by: step.by ?? t("card.aSupervisor"),
                      reason: step.override.reason,
                      findings: step.override.findings.map((f) => findingText(t, f)).join(t("reason.detailSeparator")),
                    })}
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
  const t = useT();
  const [open, setOpen] = useState(initiallyOpen);
  if (scans.length === 0) {
    return null;
  }
  return (
    <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t("card.evidence", { count: scans.length })}</summary>
      {open && scans.map((s) => <ScanEvidence key={s.id} scan={s} />)}
    </details>
  );
}

/** The radiation analysis of one scan: verdict, nuclides with confidence, alarms, and the declaration check. */
function AnalysisSummary({ scan }: { scan: Scan }) {
  const t = useT();
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
        {t("analysis.title")} <strong className={`verdict-${a.verdict}`}>{t.code(`verdict_${a.verdict}`)}</strong>
        {identified.length > 0 &&
          ` — ${identified.map((n) => t("reason.nuclide", { name: n.name, facts: [t.code(n.category), t.percent(n.confidence)].join(t("common.listSeparator")) })).join(t("common.listSeparator"))}`}
        {a.alarms.length > 0 &&
          ` — ${t("analysis.alarms", { count: a.alarms.length, types: [...new Set(a.alarms.map((x) => t.code(x.type)))].join(", ") })}`}
      </div>
      {a.reachBack && (
        <div className="error" data-testid="reach-back">
          {t("analysis.reachBack")} {reachBackText(t, a.reachBack.reason)}
        </div>
      )}
      {natural.length > 0 && (
        <div className="muted">
          {t("analysis.natural")} {natural.map((n) => n.name).join(", ")}
        </div>
      )}
      {possible.length > 0 && (
        <div className="muted" data-testid="possible-nuclides">
          {t("analysis.possible")}{" "}
          {possible
            .map((n) =>
              t("reason.nuclide", {
                name: n.name,
                facts:
                  (n.notes ?? []).map((note) => noteText(t, note)).join(t("common.listSeparator")) ||
                  t("analysis.weak"),
              }),
            )
            .join(t("common.listSeparator"))}
        </div>
      )}
      {(a.unexplainedPeaks ?? []).length > 0 && (
        <div className="muted">
          {t("analysis.unexplained")}{" "}
          {(a.unexplainedPeaks ?? [])
            .flatMap((u) => u.energiesKeV)
            .map((e) => `${e} keV`)
            .join(", ")}
        </div>
      )}
      {scan.isInconsistent && (
        <div className="error" data-testid="inconsistent">
          {t("analysis.inconsistent")} {inconsistencyText(t, scan.inconsistency)}
        </div>
      )}
      {a.errors.map((e) => (
        <div key={e.code} className="muted">
          {analysisErrorText(t, e)}
        </div>
      ))}
    </div>
  );
}
