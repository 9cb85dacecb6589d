import { useState, type FormEvent } from "react";
import {
  DECLINE_CODES,
  DISPOSITIONS,
  SCAN_TYPES,
  type Disposition,
  type ScanType,
} from "../../../src/domain/vocabulary.ts";
import type { DeviceView } from "../../../src/domain/devices.ts";
import { api, type InspectionRequest, type Me } from "../api.ts";
import { translate, useT, type Translator } from "../i18n/index.tsx";
import type { MessageId } from "../i18n/en.ts";
import { findingText } from "../i18n/reasons.ts";
import { ConfirmDialog, type Confirmation, type ConfirmedReason } from "../components/ConfirmDialog.tsx";
import { useApi } from "../components/useApi.ts";
import { DISPOSITION_CONSEQUENCES, SCAN_FINDINGS } from "../vocab.ts";

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === "string" ? reader.result.replace(/^data:[^,]*,/, "") : "");
    reader.onerror = () => reject(reader.error ?? new Error(translate("scanForm.unreadable")));
    reader.readAsDataURL(file);
  });
}

type Change = (r: InspectionRequest) => void;

/** Posts one lifecycle action and hands back the updated request, or shows the server's reason. */
function useAction(request: InspectionRequest, onChange: Change) {
  const t = useT();
  const [error, setError] = useState<string | null>(null);
  const run = async (path: string, body?: unknown) => {
    setError(null);
    try {
      onChange(
        await api<InspectionRequest>(`/inspection-requests/${request.id}/${path}`, {
          method: "POST",
          body: body ?? {},
        }),
      );
    } catch (err) {
      setError(err instanceof Error ? err.message : t("action.failed"));
    }
  };
  return { error, run };
}

/** The lifecycle actions that cannot be taken back, each asked for in a confirmation first. */
type Pending = { path: string; confirmation: Confirmation; body: (answer: ConfirmedReason) => unknown };

function withdrawal(t: Translator, request: InspectionRequest): Pending {
  return {
    path: "withdrawal",
    confirmation: {
      title: t("withdraw.title", { reference: request.reference }),
      consequence: t("withdraw.consequence", { host: request.hostAgency, container: request.containerNo }),
      confirmLabel: t("withdraw.confirm"),
      reasonLabel: t("confirm.reasonSharedWith", { agency: request.hostAgency }),
      reasonMinLength: 3,
    },
    body: (a) => ({ reason: a.reason }),
  };
}

function holdRelease(t: Translator, request: InspectionRequest): Pending {
  return {
    path: "hold-release",
    confirmation: {
      title: t("liftHold.title", { container: request.containerNo }),
      consequence: t("liftHold.consequence", { requester: request.requestingAgency }),
      confirmLabel: t("liftHold.confirm"),
      reasonLabel: t("confirm.reasonSharedWith", { agency: request.requestingAgency }),
      reasonMinLength: 3,
    },
    body: (a) => ({ reason: a.reason }),
  };
}

function dispositionOf(t: Translator, request: InspectionRequest, disposition: Disposition): Pending {
  return {
    path: "disposition",
    confirmation: {
      title: t("disposition.title", { container: request.containerNo, disposition: t.code(disposition) }),
      consequence: t(DISPOSITION_CONSEQUENCES[disposition]),
      confirmLabel: t("disposition.button", { disposition: t.code(disposition) }),
      reasonLabel: t("confirm.noteSharedWith", { agency: request.requestingAgency }),
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
export function RequestActions({
  request,
  me,
  onChange,
  scanForm,
}: {
  request: InspectionRequest;
  me: Me;
  onChange: Change;
  scanForm?: ScanFormToggle;
}) {
  const t = useT();
  const isHost = request.hostAgency === me.agency.code;
  const is = (...roles: Me["roles"]) => roles.some((r) => me.roles.includes(r));
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
        onChange(
          await api<InspectionRequest>(`/inspection-requests/${request.id}/${pending.path}`, {
            method: "POST",
            body: pending.body(answer),
          }),
        );
        setPending(null);
      }}
    />
  );
  if (!isHost) {
    const canWithdraw = ["requested", "accepted", "scheduled"].includes(request.status) && is("targeter", "supervisor");
    return canWithdraw ? (
      <div className="actions">
        <button type="button" className="danger-outline" onClick={() => setPending(withdrawal(t, request))}>
          {t("withdraw.button")}
        </button>
        {dialog}
      </div>
    ) : null;
  }
  if (request.status === "requested" && is("supervisor")) {
    return <DecisionForm request={request} onChange={onChange} />;
  }
  const canScan =
    ["accepted", "scheduled", "scanning", "results_recorded"].includes(request.status) &&
    is("scan_officer", "supervisor");
  return (
    <>
      <div className="actions">
        {["accepted"].includes(request.status) && is("scan_officer", "supervisor") && (
          <button type="button" onClick={() => void run("scanning")}>
            {t("actions.startScanning")}
          </button>
        )}
        {canScan && (
          <button type="button" aria-expanded={form.isOpen} onClick={form.toggle}>
            {form.isOpen
              ? t("actions.hideScanForm")
              : request.requestType === "information"
                ? t("actions.answer")
                : t("actions.recordScan")}
          </button>
        )}
        {request.status === "results_recorded" &&
          is("scan_officer", "supervisor") &&
          DISPOSITIONS.map((d) =>
            // Clearing against the scans' findings is an adjudication, not a click: it opens the findings first.
            d === "cleared" && request.clearanceFindings.length > 0 ? (
              <button key={d} type="button" aria-expanded={isClearing} onClick={() => setClearing(true)}>
                {t("disposition.buttonMore", { disposition: t.code(d) })}
              </button>
            ) : (
              <button key={d} type="button" onClick={() => setPending(dispositionOf(t, request, d))}>
                {t("disposition.buttonMore", { disposition: t.code(d) })}
              </button>
            ),
          )}
        {request.holdActive && is("supervisor") && (
          <button type="button" onClick={() => setPending(holdRelease(t, request))}>
            {t("liftHold.button")}
          </button>
        )}
        {["results_recorded", "dispositioned"].includes(request.status) && !request.holdActive && is("supervisor") && (
          <button type="button" onClick={() => void run("closure")}>
            {t("actions.close")}
          </button>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {dialog}
      {isClearing && request.status === "results_recorded" && request.clearanceFindings.length > 0 && (
        <ClearanceOverrideForm
          request={request}
          isSupervisor={is("supervisor")}
          onChange={onChange}
          onCancel={() => setClearing(false)}
        />
      )}
      {canScan && form.isOpen && request.requestType !== "information" && (
        <ScanForm request={request} onChange={onChange} />
      )}
      {canScan && form.isOpen && request.requestType === "information" && (
        <AnswerForm request={request} onChange={onChange} />
      )}
    </>
  );
}

/**
 * What the scans found that stands in the way of clearing; a host supervisor clears against it with
 * a reason both agencies will read, a scan officer is told to call one.
 */
function ClearanceOverrideForm({
  request,
  isSupervisor,
  onChange,
  onCancel,
}: {
  request: InspectionRequest;
  isSupervisor: boolean;
  onChange: Change;
  onCancel: () => void;
}) {
  const t = useT();
  const [reason, setReason] = useState("");
  const { error, run } = useAction(request, onChange);
  return (
    <div className="panel" aria-label={t("override.label")} data-testid="clearance-guard">
      <h3>{t("override.title")}</h3>
      <ul className="error" data-testid="clearance-findings">
        {request.clearanceFindings.map((f) => (
          <li key={f.scanId}>{findingText(t, f)}</li>
        ))}
      </ul>
      {isSupervisor ? (
        <label>
          {t("override.reason", { agency: request.requestingAgency })}
          <textarea
            name="overrideReason"
            value={reason}
            maxLength={2000}
            rows={3}
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
      ) : (
        <p data-testid="override-needed">{t("override.needed")}</p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        {isSupervisor && (
          <button
            type="button"
            className="danger"
            disabled={reason.trim().length === 0}
            onClick={() => void run("disposition", { disposition: "cleared", override: { reason } })}
          >
            {t("override.confirm")}
          </button>
        )}
        <button type="button" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </div>
  );
}

function DecisionForm({ request, onChange }: { request: InspectionRequest; onChange: Change }) {
  const t = useT();
  const { error, run } = useAction(request, onChange);
  const [isDeclining, setDeclining] = useState(false);
  return (
    <div className="actions" aria-label={t("decision.label")}>
      <button type="button" onClick={() => void run("decision", { decision: "accept" })}>
        {t("decision.accept")}
      </button>
      <button type="button" className="danger-outline" onClick={() => setDeclining(true)}>
        {t("decision.decline")}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {isDeclining && (
        <ConfirmDialog
          confirmation={{
            title: t("decline.title", { reference: request.reference }),
            consequence: t("decline.consequence", {
              requester: request.requestingAgency,
              container: request.containerNo,
            }),
            confirmLabel: t("decline.confirm"),
            reasonCodes: DECLINE_CODES,
            reasonLabel: t("confirm.reasonSharedWith", { agency: request.requestingAgency }),
            reasonMinLength: 3,
          }}
          onCancel={() => setDeclining(false)}
          onConfirm={async (answer) => {
            onChange(
              await api<InspectionRequest>(`/inspection-requests/${request.id}/decision`, {
                method: "POST",
                body: { decision: "decline", reasonCode: answer.reasonCode, reason: answer.reason },
              }),
            );
            setDeclining(false);
          }}
        />
      )}
    </div>
  );
}

function AnswerForm({ request, onChange }: { request: InspectionRequest; onChange: Change }) {
  const t = useT();
  const [text, setText] = useState("");
  const { error, run } = useAction(request, onChange);
  return (
    <div className="panel">
      <label>
        {t("answer.label")}
        <textarea name="answer" value={text} onChange={(e) => setText(e.target.value)} rows={3} />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="button" onClick={() => void run("answer", { response: text })}>
        {t("answer.send")}
      </button>
    </div>
  );
}

function ScanForm({ request, onChange }: { request: InspectionRequest; onChange: Change }) {
  const t = useT();
  const [scanType, setScanType] = useState<ScanType>(request.scansRequested[0] ?? "radiation_portal");
  const [finding, setFinding] = useState("");
  const [notes, setNotes] = useState("");
  const [deviceId, setDeviceId] = useState("");
  const registry = useApi<DeviceView[]>("/devices");
  const [disposition, setDisposition] = useState<Disposition | "">("");
  const [file, setFile] = useState<File | null>(null);
  // Remounts the file input, which React cannot clear.
  const [fileKey, setFileKey] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [recorded, setRecorded] = useState<string | null>(null);
  const [isConfirming, setConfirming] = useState(false);
  const [isBusy, setBusy] = useState(false);
  const findings = SCAN_FINDINGS[scanType];
  const findingText = (value: string) => t(`finding.${value}` as MessageId);
  const chosen = findings.find((f) => f.value === finding);
  // Devices in service that make this kind of scan; one must be named when any is registered.
  const devices = (registry.data ?? []).filter((d) => d.isActive && d.type === scanType);
  const needsDevice = scanType !== "physical_exam" && devices.length > 0;

  /** Clears the form for the next scan, of the next type asked for and not yet recorded. */
  function reset(updated: InspectionRequest) {
    const done = new Set(updated.scans.map((x) => x.scanType));
    setScanType(updated.scansRequested.find((t) => !done.has(t)) ?? updated.scansRequested[0] ?? "radiation_portal");
    setFinding("");
    setNotes("");
    setDeviceId("");
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
      const attachment = file
        ? {
            fileName: file.name,
            mediaType: file.type || "application/octet-stream",
            contentBase64: await readBase64(file),
          }
        : undefined;
      const text = [t("scanForm.findingSentence", { finding: findingText(chosen.value) }), notes.trim()]
        .filter(Boolean)
        .join(" ");
      const updated = await api<InspectionRequest>(`/inspection-requests/${request.id}/scans`, {
        method: "POST",
        body: {
          scanType,
          outcome: chosen.outcome,
          notes: text,
          deviceId: deviceId || undefined,
          attachment,
          disposition: disposition || undefined,
        },
      });
      setRecorded(
        disposition
          ? t("scanForm.recordedWithDisposition", {
              scan: t.code(scanType),
              finding: findingText(chosen.value),
              disposition: t.code(disposition),
            })
          : t("scanForm.recorded", { scan: t.code(scanType), finding: findingText(chosen.value) }),
      );
      reset(updated);
      onChange(updated);
    } catch (err) {
      setError(err instanceof Error ? err.message : t("scanForm.failed"));
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
      <form className="panel" aria-label={t("scanForm.title")} onSubmit={handleSubmit}>
        <h3>{t("scanForm.title")}</h3>
        <p className="muted">{t("scanForm.hint")}</p>
        {recorded && (
          <p className="ok" role="status" data-testid="scan-recorded">
            {recorded}
          </p>
        )}
        <label>
          {t("scanForm.type")}
          <select
            name="scanType"
            value={scanType}
            onChange={(e) => {
              setScanType(e.target.value as ScanType);
              setFinding("");
              setDeviceId("");
            }}
          >
            {SCAN_TYPES.map((type) => (
              <option key={type} value={type}>
                {t.code(type)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("scanForm.result")}
          <select name="finding" value={finding} required onChange={(e) => setFinding(e.target.value)}>
            <option value="">{t("scanForm.chooseResult")}</option>
            {findings.map((f) => (
              <option key={f.value} value={f.value}>
                {findingText(f.value)}
              </option>
            ))}
          </select>
        </label>
        {scanType !== "physical_exam" && (
          <label>
            {t("scanForm.device")}
            <select
              name="deviceId"
              value={deviceId}
              required={needsDevice}
              disabled={devices.length === 0}
              onChange={(e) => setDeviceId(e.target.value)}
            >
              <option value="">{devices.length === 0 ? t("devices.noneOfType") : t("devices.choose")}</option>
              {devices.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.site ? `${d.label} (${d.site.locode})` : d.label}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t("scanForm.notes")}
          <textarea name="notes" value={notes} maxLength={4000} onChange={(e) => setNotes(e.target.value)} rows={3} />
        </label>
        <label>
          {t("scanForm.file")}
          <input key={fileKey} name="attachment" type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        <label>
          {t("scanForm.disposition")}
          <select
            name="disposition"
            value={disposition}
            onChange={(e) => setDisposition(e.target.value as Disposition | "")}
          >
            <option value="">{t("scanForm.noneYet")}</option>
            {DISPOSITIONS.map((d) => (
              <option key={d} value={d}>
                {t.code(d)}
              </option>
            ))}
          </select>
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={isBusy || !chosen || (needsDevice && !deviceId)}>
          {t("scanForm.title")}
        </button>
      </form>
      {isConfirming && disposition && (
        <ConfirmDialog
          confirmation={{
            title: t("scanForm.confirmTitle", { container: request.containerNo, disposition: t.code(disposition) }),
            consequence: t(DISPOSITION_CONSEQUENCES[disposition]),
            confirmLabel: t("scanForm.confirmButton", { disposition: t.code(disposition) }),
          }}
          onCancel={() => setConfirming(false)}
          onConfirm={record}
        />
      )}
    </>
  );
}
