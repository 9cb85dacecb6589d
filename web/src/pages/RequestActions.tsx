import { useState, type FormEvent } from "react";
import { DECLINE_CODES, DISPOSITIONS, SCAN_TYPES, type Disposition, type ScanType } from "../../../src/domain/vocabulary.ts";
import { api, label, type InspectionRequest, type Me } from "../api.ts";
import { ConfirmDialog, type Confirmation, type ConfirmedReason } from "../components/ConfirmDialog.tsx";
import { DISPOSITION_CONSEQUENCES, SCAN_FINDINGS } from "../vocab.ts";

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === "string" ? reader.result.replace(/^data:[^,]*,/, "") : "");
    reader.onerror = () => reject(reader.error ?? new Error("could not read the file"));
    reader.readAsDataURL(file);
  });
}

type Change = (r: InspectionRequest) => void;

/** Posts one lifecycle action and hands back the updated request, or shows the server's reason. */
function useAction(request: InspectionRequest, onChange: Change) {
  const [error, setError] = useState<string | null>(null);
  const run = async (path: string, body?: unknown) => {
    setError(null);
    try {
      onChange(await api<InspectionRequest>(`/inspection-requests/${request.id}/${path}`, { method: "POST", body: body ?? {} }));
    } catch (err) {
      setError(err instanceof Error ? err.message : "The action failed");
    }
  };
  return { error, run };
}

/** The lifecycle actions that cannot be taken back, each asked for in a confirmation first. */
type Pending = { path: string; confirmation: Confirmation; body: (answer: ConfirmedReason) => unknown };

function withdrawal(request: InspectionRequest): Pending {
  return {
    path: "withdrawal",
    confirmation: {
      title: `Withdraw ${request.reference}?`,
      consequence: `${request.hostAgency} stops work on container ${request.containerNo} and no result will come. A withdrawn request cannot be reopened; a new one would have to be sent.`,
      confirmLabel: "Withdraw request",
      reasonLabel: `Reason, shared with ${request.hostAgency}`,
      reasonMinLength: 3,
    },
    body: (a) => ({ reason: a.reason }),
  };
}

function holdRelease(request: InspectionRequest): Pending {
  return {
    path: "hold-release",
    confirmation: {
      title: `Lift the hold on ${request.containerNo}?`,
      consequence: `The container may then be loaded. ${request.requestingAgency} is told the hold was lifted and why.`,
      confirmLabel: "Lift hold",
      reasonLabel: `Reason, shared with ${request.requestingAgency}`,
      reasonMinLength: 3,
    },
    body: (a) => ({ reason: a.reason }),
  };
}

function dispositionOf(request: InspectionRequest, disposition: Disposition): Pending {
  return {
    path: "disposition",
    confirmation: {
      title: `Disposition ${request.containerNo} as ${label(disposition)}?`,
      consequence: DISPOSITION_CONSEQUENCES[disposition],
      confirmLabel: `Disposition: ${label(disposition)}`,
      reasonLabel: `Note, shared with ${request.requestingAgency}`,
      reasonMinLength: 0,
    },
    body: (a) => ({ disposition, note: a.reason || undefined }),
  };
}

/** Whether the request's scan form is open; the work queue keeps one open at a time. */
export interface ScanFormToggle {
  isOpen: boolean;
  toggle: () => void;
}

/** What the viewer's role may do next with the request; the server checks it again. */
export function RequestActions({ request, me, onChange, scanForm }: { request: InspectionRequest; me: Me; onChange: Change; scanForm?: ScanFormToggle }) {
  const isHost = request.hostAgency === me.agency.code;
  const is = (...roles: string[]) => roles.some((r) => me.roles.includes(r));
  const { error, run } = useAction(request, onChange);
  const [isClearing, setClearing] = useState(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const [isOwnFormOpen, setOwnFormOpen] = useState(false);
  const form = scanForm ?? { isOpen: isOwnFormOpen, toggle: () => setOwnFormOpen((o) => !o) };
  const dialog = pending && (
    <ConfirmDialog
      confirmation={pending.confirmation}
      onCancel={() => setPending(null)}
      onConfirm={async (answer) => {
        onChange(await api<InspectionRequest>(`/inspection-requests/${request.id}/${pending.path}`, { method: "POST", body: pending.body(answer) }));
        setPending(null);
      }}
    />
  );
  if (!isHost) {
    const canWithdraw = ["requested", "accepted", "scheduled"].includes(request.status) && is("targeter", "supervisor");
    return canWithdraw ? (
      <div className="actions">
        <button type="button" className="danger-outline" onClick={() => setPending(withdrawal(request))}>
          Withdraw request…
        </button>
        {dialog}
      </div>
    ) : null;
  }
  if (request.status === "requested" && is("supervisor")) {
    return <DecisionForm request={request} onChange={onChange} />;
  }
  const canScan = ["accepted", "scheduled", "scanning", "results_recorded"].includes(request.status) && is("scan_officer", "supervisor");
  return (
    <>
      <div className="actions">
        {["accepted"].includes(request.status) && is("scan_officer", "supervisor") && (
          <button type="button" onClick={() => void run("scanning")}>
            Start scanning
          </button>
        )}
        {canScan && (
          <button type="button" aria-expanded={form.isOpen} onClick={form.toggle}>
            {form.isOpen ? "Hide scan form" : request.requestType === "information" ? "Answer…" : "Record scan…"}
          </button>
        )}
        {request.status === "results_recorded" && is("scan_officer", "supervisor") &&
          DISPOSITIONS.map((d) =>
            // Clearing against the scans' findings is an adjudication, not a click: it opens the findings first.
            d === "cleared" && request.clearanceFindings.length > 0 ? (
              <button key={d} type="button" aria-expanded={isClearing} onClick={() => setClearing(true)}>
                Disposition: {label(d)}…
              </button>
            ) : (
              <button key={d} type="button" onClick={() => setPending(dispositionOf(request, d))}>
                Disposition: {label(d)}…
              </button>
            ),
          )}
        {request.holdActive && is("supervisor") && (
          <button type="button" onClick={() => setPending(holdRelease(request))}>
            Lift hold…
          </button>
        )}
        {["results_recorded", "dispositioned"].includes(request.status) && !request.holdActive && is("supervisor") && (
          <button type="button" onClick={() => void run("closure")}>
            Close request
          </button>
        )}
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {dialog}
      {isClearing && request.status === "results_recorded" && request.clearanceFindings.length > 0 && (
        <ClearanceOverrideForm request={request} isSupervisor={is("supervisor")} onChange={onChange} onCancel={() => setClearing(false)} />
      )}
      {canScan && form.isOpen && request.requestType !== "information" && <ScanForm request={request} onChange={onChange} />}
      {canScan && form.isOpen && request.requestType === "information" && <AnswerForm request={request} onChange={onChange} />}
    </>
  );
}

/**
 * What the scans found that stands in the way of clearing; a host supervisor clears against it with
 * a reason both agencies will read, a scan officer is told to call one.
 */
function ClearanceOverrideForm({ request, isSupervisor, onChange, onCancel }: { request: InspectionRequest; isSupervisor: boolean; onChange: Change; onCancel: () => void }) {
  const [reason, setReason] = useState("");
  const { error, run } = useAction(request, onChange);
  return (
    <div className="panel" aria-label="Clear against findings" data-testid="clearance-guard">
      <h3>Clearing needs a supervisor&apos;s override</h3>
      <ul className="error" data-testid="clearance-findings">
        {request.clearanceFindings.map((f) => (
          <li key={f.scanId}>{f.summary}</li>
        ))}
      </ul>
      {isSupervisor ? (
        <label>
          Override reason — how the findings were adjudicated (shared with {request.requestingAgency})
          <textarea name="overrideReason" value={reason} maxLength={2000} rows={3} onChange={(e) => setReason(e.target.value)} />
        </label>
      ) : (
        <p data-testid="override-needed">
          A host supervisor must review these findings and override them, with a reason, to clear this container. Hold or refer it in the meantime.
        </p>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      <div className="actions">
        {isSupervisor && (
          <button type="button" className="danger" disabled={reason.trim().length === 0} onClick={() => void run("disposition", { disposition: "cleared", override: { reason } })}>
            Clear with override
          </button>
        )}
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function DecisionForm({ request, onChange }: { request: InspectionRequest; onChange: Change }) {
  const { error, run } = useAction(request, onChange);
  const [isDeclining, setDeclining] = useState(false);
  return (
    <div className="actions" aria-label="Decision">
      <button type="button" onClick={() => void run("decision", { decision: "accept" })}>
        Accept
      </button>
      <button type="button" className="danger-outline" onClick={() => setDeclining(true)}>
        Decline…
      </button>
      {error && <p className="error" role="alert">{error}</p>}
      {isDeclining && (
        <ConfirmDialog
          confirmation={{
            title: `Decline ${request.reference}?`,
            consequence: `${request.requestingAgency} is told that container ${request.containerNo} will not be inspected at its request, with your reason. A declined request cannot be reopened.`,
            confirmLabel: "Decline request",
            reasonCodes: DECLINE_CODES,
            reasonLabel: `Reason, shared with ${request.requestingAgency}`,
            reasonMinLength: 3,
          }}
          onCancel={() => setDeclining(false)}
          onConfirm={async (answer) => {
            onChange(await api<InspectionRequest>(`/inspection-requests/${request.id}/decision`, { method: "POST", body: { decision: "decline", reasonCode: answer.reasonCode, reason: answer.reason } }));
            setDeclining(false);
          }}
        />
      )}
    </div>
  );
}

function AnswerForm({ request, onChange }: { request: InspectionRequest; onChange: Change }) {
  const [text, setText] = useState("");
  const { error, run } = useAction(request, onChange);
  return (
    <div className="panel">
      <label>
        Answer to the request for information
        <textarea name="answer" value={text} onChange={(e) => setText(e.target.value)} rows={3} />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <button type="button" onClick={() => void run("answer", { response: text })}>
        Send answer
      </button>
    </div>
  );
}

function ScanForm({ request, onChange }: { request: InspectionRequest; onChange: Change }) {
  const [scanType, setScanType] = useState<ScanType>(request.scansRequested[0] ?? "radiation_portal");
  const [finding, setFinding] = useState("");
  const [notes, setNotes] = useState("");
  const [device, setDevice] = useState("");
  const [disposition, setDisposition] = useState<Disposition | "">("");
  const [file, setFile] = useState<File | null>(null);
  // Remounts the file input, which React cannot clear.
  const [fileKey, setFileKey] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [recorded, setRecorded] = useState<string | null>(null);
  const [isConfirming, setConfirming] = useState(false);
  const [isBusy, setBusy] = useState(false);
  const findings = SCAN_FINDINGS[scanType];
  const chosen = findings.find((f) => f.value === finding);

  /** Clears the form for the next scan, of the next type asked for and not yet recorded. */
  function reset(updated: InspectionRequest) {
    const done = new Set(updated.scans.map((x) => x.scanType));
    setScanType(updated.scansRequested.find((t) => !done.has(t)) ?? updated.scansRequested[0] ?? "radiation_portal");
    setFinding("");
    setNotes("");
    setDevice("");
    setDisposition("");
    setFile(null);
    setFileKey((k) => k + 1);
  }

  async function record() {
    if (!chosen) {
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const attachment = file ? { fileName: file.name, mediaType: file.type || "application/octet-stream", contentBase64: await readBase64(file) } : undefined;
      const text = [`${chosen.label}.`, notes.trim()].filter(Boolean).join(" ");
      const updated = await api<InspectionRequest>(`/inspection-requests/${request.id}/scans`, {
        method: "POST",
        body: { scanType, outcome: chosen.outcome, notes: text, device: device || undefined, attachment, disposition: disposition || undefined },
      });
      setRecorded(`Recorded: ${label(scanType)} — ${chosen.label}${disposition ? `, disposition ${label(disposition)}` : ""}.`);
      reset(updated);
      onChange(updated);
    } catch (err) {
      setError(err instanceof Error ? err.message : "Recording the scan failed");
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  }

  function handleSubmit(event: FormEvent) {
    event.preventDefault();
    if (disposition) {
      setConfirming(true);
      return;
    }
    void record();
  }

  return (
    <>
    <form className="panel" aria-label="Record scan" onSubmit={handleSubmit}>
      <h3>Record scan</h3>
      <p className="muted">Portal alarm → handheld identification → categorise → disposition. Attach the instrument file (N42, SPE, SPC, CNF) to have it analysed.</p>
      {recorded && (
        <p className="ok" role="status" data-testid="scan-recorded">
          {recorded}
        </p>
      )}
      <label>
        Scan type
        <select
          name="scanType"
          value={scanType}
          onChange={(e) => {
            setScanType(e.target.value as ScanType);
            setFinding("");
          }}
        >
          {SCAN_TYPES.map((t) => (
            <option key={t} value={t}>
              {label(t)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Result
        <select name="finding" value={finding} required onChange={(e) => setFinding(e.target.value)}>
          <option value="">— choose the result —</option>
          {findings.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Device
        <input name="device" value={device} maxLength={200} onChange={(e) => setDevice(e.target.value)} placeholder="e.g. RPM lane 4, identiFINDER SN 1234" />
      </label>
      <label>
        Notes
        <textarea name="notes" value={notes} maxLength={4000} onChange={(e) => setNotes(e.target.value)} rows={3} />
      </label>
      <label>
        Instrument file or image
        <input key={fileKey} name="attachment" type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </label>
      <label>
        Disposition
        <select name="disposition" value={disposition} onChange={(e) => setDisposition(e.target.value as Disposition | "")}>
          <option value="">— none yet —</option>
          {DISPOSITIONS.map((d) => (
            <option key={d} value={d}>
              {label(d)}
            </option>
          ))}
        </select>
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" disabled={isBusy || !chosen}>
        Record scan
      </button>
    </form>
    {isConfirming && disposition && (
        <ConfirmDialog
          confirmation={{
            title: `Record the scan and disposition ${request.containerNo} as ${label(disposition)}?`,
            consequence: DISPOSITION_CONSEQUENCES[disposition],
            confirmLabel: `Record and disposition: ${label(disposition)}`,
          }}
          onCancel={() => setConfirming(false)}
          onConfirm={record}
        />
      )}
    </>
  );
}
