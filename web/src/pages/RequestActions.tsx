import { useState, type FormEvent } from "react";
import { api, label, type InspectionRequest, type Me } from "../api.ts";

const SCAN_TYPES = ["radiation_portal", "isotope_id", "xray_image", "physical_exam"];
const OUTCOMES = ["no_alarm", "alarm", "anomaly", "no_anomaly", "inconclusive"];
const DISPOSITIONS = ["", "cleared", "hold", "do_not_load", "referred"];

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === "string" ? reader.result.replace(/^data:[^,]*,/, "") : "");
    reader.onerror = () => reject(reader.error ?? new Error("could not read the file"));
    reader.readAsDataURL(file);
  });
}

/** What the viewer's role may do next with the request: decide it, or record a scan. */
export function RequestActions({ request, me, onChange }: { request: InspectionRequest; me: Me; onChange: (r: InspectionRequest) => void }) {
  const isHost = request.hostAgency === me.agency.code;
  if (isHost && request.status === "requested" && me.roles.includes("supervisor")) {
    return <DecisionForm request={request} onChange={onChange} />;
  }
  if (isHost && (request.status === "accepted" || request.status === "results_recorded") && me.roles.some((r) => r === "scan_officer" || r === "supervisor")) {
    return <ScanForm request={request} onChange={onChange} />;
  }
  return null;
}

function DecisionForm({ request, onChange }: { request: InspectionRequest; onChange: (r: InspectionRequest) => void }) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function decide(decision: "accept" | "decline") {
    setError(null);
    try {
      onChange(await api<InspectionRequest>(`/inspection-requests/${request.id}/decision`, { method: "POST", body: { decision, reason: reason || undefined } }));
    } catch (err) {
      setError(err instanceof Error ? err.message : "Decision failed");
    }
  }

  return (
    <div className="panel" aria-label="Decision">
      <label>
        Reason (required to decline)
        <input name="decisionReason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <button type="button" onClick={() => void decide("accept")}>
        Accept
      </button>{" "}
      <button type="button" className="danger" onClick={() => void decide("decline")}>
        Decline
      </button>
    </div>
  );
}

function ScanForm({ request, onChange }: { request: InspectionRequest; onChange: (r: InspectionRequest) => void }) {
  const [scanType, setScanType] = useState(request.scansRequested[0] ?? "radiation_portal");
  const [outcome, setOutcome] = useState("no_alarm");
  const [notes, setNotes] = useState("");
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
          body: { scanType, outcome, notes, attachment, disposition: disposition || undefined },
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
          {DISPOSITIONS.map((d) => (
            <option key={d} value={d}>
              {d ? label(d) : "— none yet —"}
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
