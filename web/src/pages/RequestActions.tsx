import { useState, type FormEvent } from "react";
import { api, label, type InspectionRequest, type Me } from "../api.ts";

const SCAN_TYPES = ["radiation_portal", "isotope_id", "xray_image", "physical_exam"];
const OUTCOMES = ["no_alarm", "alarm", "anomaly", "no_anomaly", "inconclusive"];
const DISPOSITIONS = ["cleared", "hold", "do_not_load", "referred"];
const DECLINE_CODES = ["already_loaded", "insufficient_information", "outside_agreement", "no_capacity", "duplicate_request", "examined_domestically", "other"];

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

/** What the viewer's role may do next with the request; the server checks it again. */
export function RequestActions({ request, me, onChange }: { request: InspectionRequest; me: Me; onChange: Change }) {
  const isHost = request.hostAgency === me.agency.code;
  const is = (...roles: string[]) => roles.some((r) => me.roles.includes(r));
  const { error, run } = useAction(request, onChange);
  const [isClearing, setClearing] = useState(false);
  if (!isHost) {
    const canWithdraw = ["requested", "accepted", "scheduled"].includes(request.status) && is("targeter", "supervisor");
    return canWithdraw ? (
      <div className="panel">
        <button type="button" className="danger" onClick={() => void run("withdrawal", { reason: "Withdrawn by the requesting agency" })}>
          Withdraw request
        </button>
        {error && <p className="error" role="alert">{error}</p>}
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
        {request.status === "results_recorded" && is("scan_officer", "supervisor") &&
          DISPOSITIONS.map((d) =>
            // Clearing against the scans' findings is an adjudication, not a click: it opens the findings first.
            d === "cleared" && request.clearanceFindings.length > 0 ? (
              <button key={d} type="button" aria-expanded={isClearing} onClick={() => setClearing(true)}>
                Disposition: {label(d)}…
              </button>
            ) : (
              <button key={d} type="button" onClick={() => void run("disposition", { disposition: d })}>
                Disposition: {label(d)}
              </button>
            ),
          )}
        {request.holdActive && is("supervisor") && (
          <button type="button" onClick={() => void run("hold-release", { reason: "Hold lifted by the host supervisor" })}>
            Lift hold
          </button>
        )}
        {["results_recorded", "dispositioned"].includes(request.status) && !request.holdActive && is("supervisor") && (
          <button type="button" onClick={() => void run("closure")}>
            Close request
          </button>
        )}
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {isClearing && request.status === "results_recorded" && request.clearanceFindings.length > 0 && (
        <ClearanceOverrideForm request={request} isSupervisor={is("supervisor")} onChange={onChange} onCancel={() => setClearing(false)} />
      )}
      {canScan && request.requestType !== "information" && <ScanForm request={request} onChange={onChange} />}
      {canScan && request.requestType === "information" && <AnswerForm request={request} onChange={onChange} />}
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
  const [reason, setReason] = useState("");
  const [reasonCode, setReasonCode] = useState("");
  const { error, run } = useAction(request, onChange);
  return (
    <div className="panel" aria-label="Decision">
      <label>
        Decline reason code
        <select name="reasonCode" value={reasonCode} onChange={(e) => setReasonCode(e.target.value)}>
          <option value="">—</option>
          {DECLINE_CODES.map((c) => (
            <option key={c} value={c}>
              {label(c)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Reason (required to decline)
        <input name="decisionReason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <div className="actions">
        <button type="button" onClick={() => void run("decision", { decision: "accept" })}>
          Accept
        </button>
        <button type="button" className="danger" onClick={() => void run("decision", { decision: "decline", reason: reason || undefined, reasonCode: reasonCode || undefined })}>
          Decline
        </button>
      </div>
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
  const [scanType, setScanType] = useState<string>(request.scansRequested[0] ?? "radiation_portal");
  const [outcome, setOutcome] = useState("no_alarm");
  const [notes, setNotes] = useState("");
  const [device, setDevice] = useState("");
  const [disposition, setDisposition] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const attachment = file ? { fileName: file.name, mediaType: file.type || "application/octet-stream", contentBase64: await readBase64(file) } : undefined;
      onChange(
        await api<InspectionRequest>(`/inspection-requests/${request.id}/scans`, {
          method: "POST",
          body: { scanType, outcome, notes, device: device || undefined, attachment, disposition: disposition || undefined },
        }),
      );
    } catch (err) {
      setError(err instanceof Error ? err.message : "Recording the scan failed");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="panel" aria-label="Record scan" onSubmit={(e) => void handleSubmit(e)}>
      <h3>Record scan</h3>
      <p className="muted">Portal alarm → handheld identification → categorise → disposition. Attach the instrument file (N42, SPE, SPC, CNF) to have it analysed.</p>
      <label>
        Scan type
        <select name="scanType" value={scanType} onChange={(e) => setScanType(e.target.value)}>
          {SCAN_TYPES.map((t) => (
            <option key={t} value={t}>
              {label(t)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Outcome
        <select name="outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)}>
          {OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {label(o)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Device
        <input name="device" value={device} onChange={(e) => setDevice(e.target.value)} placeholder="RPM lane 4, identiFINDER SN…" />
      </label>
      <label>
        Notes
        <textarea name="notes" value={notes} onChange={(e) => setNotes(e.target.value)} rows={3} />
      </label>
      <label>
        Instrument file or image
        <input name="attachment" type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </label>
      <label>
        Disposition
        <select name="disposition" value={disposition} onChange={(e) => setDisposition(e.target.value)}>
          <option value="">— none yet —</option>
          {DISPOSITIONS.map((d) => (
            <option key={d} value={d}>
              {label(d)}
            </option>
          ))}
        </select>
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" disabled={isBusy}>
        Record scan
      </button>
    </form>
  );
}
