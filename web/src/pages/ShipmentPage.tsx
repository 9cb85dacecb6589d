import { useCallback, useEffect, useState, type FormEvent } from "react";
import { Link } from "wouter";
import { api, label, type InspectionRequest, type Me, type ShipmentDetail } from "../api.ts";
import { Time } from "../components/Time.tsx";
import { useLiveReload } from "../live.ts";
import { RequestCard } from "./RequestCard.tsx";

const SCAN_CHOICES = ["radiation_portal", "isotope_id", "xray_image", "physical_exam"];
const REASON_CODES = ["radiological", "watchlist_party", "manifest_discrepancy", "high_risk_route", "intelligence", "random_selection", "other"];

/** One shipment: voyage, parties, goods, containers, and the inspection requests on it. */
export function ShipmentPage({ id, me }: { id: string; me: Me }) {
  const [shipment, setShipment] = useState<ShipmentDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [requesting, setRequesting] = useState<string | null>(null);

  const load = useCallback(() => {
    api<ShipmentDetail>(`/shipments/${id}`).then(setShipment, (err: Error) => setError(err.message));
  }, [id]);
  useEffect(load, [load]);
  useLiveReload(load);

  if (error) {
    return <p className="error" role="alert">{error}</p>;
  }
  if (!shipment) {
    return <p className="loading">Loading…</p>;
  }
  const canRequest = shipment.isShared && (me.roles.includes("targeter") || me.roles.includes("supervisor"));
  return (
    <section>
      <p>
        <Link href="/">← Shipments</Link>
      </p>
      <h1>
        B/L {shipment.billOfLading} <span className="badge">{shipment.isShared ? "shared with you" : "own data"}</span>
      </h1>
      <dl className="facts">
        <dt>Carrier</dt>
        <dd>{shipment.carrierScac}</dd>
        <dt>Vessel</dt>
        <dd>
          {shipment.vesselName} (IMO {shipment.vesselImo}) voyage {shipment.voyageNo}
        </dd>
        <dt>Route</dt>
        <dd>
          {shipment.portOfLoading} → {shipment.portOfDischarge}
          {shipment.finalDestination ? ` → ${shipment.finalDestination}` : ""}
        </dd>
        <dt>ETD</dt>
        <dd><Time iso={shipment.etd} /></dd>
        <dt>Loading cut-off</dt>
        <dd><Time iso={shipment.loadingCutoff} /></dd>
        <dt>Filed</dt>
        <dd><Time iso={shipment.filedAt} /></dd>
        <dt>Shipper</dt>
        <dd>
          {shipment.shipperName}, {shipment.shipperAddress}
        </dd>
        <dt>Consignee</dt>
        <dd>
          {shipment.consigneeName}, {shipment.consigneeAddress}
        </dd>
      </dl>
      <h2>
        Risk {shipment.score ?? "—"} <span className={`risk risk-${shipment.level ?? "none"}`}>{shipment.level ?? "not scored"}</span>
      </h2>
      {shipment.hits.length === 0 ? (
        <p className="muted">No rule fired.</p>
      ) : (
        <table className="grid" data-testid="hits">
          <thead>
            <tr>
              <th>Rule</th>
              <th>Points</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {shipment.hits.map((h) => (
              <tr key={h.ruleId}>
                <td>
                  <code>{h.ruleId}</code>
                </td>
                <td>{h.weight}</td>
                <td>{h.explanation}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Goods</h2>
      <table className="grid">
        <thead>
          <tr>
            <th>Line</th>
            <th>HS</th>
            <th>Description</th>
            <th>Packages</th>
            <th>Gross kg</th>
            <th>Container</th>
          </tr>
        </thead>
        <tbody>
          {shipment.goods.map((g) => (
            <tr key={g.lineNo}>
              <td>{g.lineNo}</td>
              <td>{g.hsCode}</td>
              <td>{g.description}</td>
              <td>
                {g.packages} {g.packageType}
              </td>
              <td>{g.grossWeightKg?.toLocaleString("en-US")}</td>
              <td>{g.containerNo}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Containers</h2>
      <table className="grid">
        <thead>
          <tr>
            <th>Container</th>
            <th>Size/type</th>
            <th>Seal</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {shipment.containers.map((c) => (
            <tr key={c.containerNo}>
              <td>{c.containerNo}</td>
              <td>{c.sizeType}</td>
              <td>{c.sealNo}</td>
              <td>
                {canRequest && (
                  <button type="button" onClick={() => setRequesting(c.containerNo)}>
                    Request inspection
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {requesting && (
        <RequestForm
          shipmentId={shipment.id}
          containerNo={requesting}
          onDone={() => {
            setRequesting(null);
            load();
          }}
        />
      )}
      <VersionHistory shipmentId={shipment.id} />
      <h2>Inspection requests</h2>
      {shipment.inspectionRequests.length === 0 && <p className="muted">None.</p>}
      {shipment.inspectionRequests.map((r) => (
        <RequestCard key={r.id} request={r} />
      ))}
    </section>
  );
}

function RequestForm({ shipmentId, containerNo, onDone }: { shipmentId: string; containerNo: string; onDone: () => void }) {
  const [reason, setReason] = useState("");
  const [priority, setPriority] = useState("routine");
  const [scans, setScans] = useState<string[]>(["radiation_portal"]);
  const [requestType, setRequestType] = useState("inspection");
  const [reasonCodes, setReasonCodes] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    try {
      await api<InspectionRequest>("/inspection-requests", { method: "POST", body: { shipmentId, containerNo, reason, priority, scansRequested: scans, requestType, reasonCodes } });
      onDone();
    } catch (err) {
      setError(err instanceof Error ? err.message : "Request failed");
    }
  }

  return (
    <form className="panel" aria-label="Request inspection" onSubmit={(e) => void handleSubmit(e)}>
      <h3>Request inspection of {containerNo}</h3>
      <label>
        Request type
        <select name="requestType" value={requestType} onChange={(e) => setRequestType(e.target.value)}>
          <option value="inspection">inspection</option>
          <option value="information">request for information</option>
          <option value="hold">hold — do not load until cleared</option>
        </select>
      </label>
      <fieldset>
        <legend>Reason codes</legend>
        {REASON_CODES.map((c) => (
          <label key={c} className="inline">
            <input type="checkbox" checked={reasonCodes.includes(c)} onChange={(e) => setReasonCodes(e.target.checked ? [...reasonCodes, c] : reasonCodes.filter((x) => x !== c))} />
            {label(c)}
          </label>
        ))}
      </fieldset>
      <label>
        Reason
        <textarea name="reason" value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} rows={3} />
      </label>
      <label>
        Priority
        <select name="priority" value={priority} onChange={(e) => setPriority(e.target.value)}>
          <option value="routine">routine</option>
          <option value="high">high</option>
          <option value="urgent">urgent</option>
        </select>
      </label>
      <fieldset>
        <legend>Scans asked for</legend>
        {SCAN_CHOICES.map((s) => (
          <label key={s} className="inline">
            <input type="checkbox" checked={scans.includes(s)} onChange={(e) => setScans(e.target.checked ? [...scans, s] : scans.filter((x) => x !== s))} />
            {label(s)}
          </label>
        ))}
      </fieldset>
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit">Send request</button>
    </form>
  );
}

interface Version {
  version: number;
  function: string;
  messageRef: string | null;
  recordedAt: string;
  diff: { field: string; from: unknown; to: unknown }[];
}

function VersionHistory({ shipmentId }: { shipmentId: string }) {
  const [versions, setVersions] = useState<Version[]>([]);
  useEffect(() => {
    api<Version[]>(`/shipments/${shipmentId}/versions`).then(setVersions, () => setVersions([]));
  }, [shipmentId]);
  if (versions.length === 0) {
    return null;
  }
  return (
    <>
      <h2>Manifest versions</h2>
      <table className="grid" data-testid="versions">
        <thead>
          <tr>
            <th>Version</th>
            <th>Message</th>
            <th>Recorded</th>
            <th>Changes</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version}>
              <td>
                {v.version} ({v.function})
              </td>
              <td>{v.messageRef}</td>
              <td><Time iso={v.recordedAt} /></td>
              <td className="diff">
                {v.version === 1 && v.diff.length === 0
                  ? "first filing"
                  : v.diff.map((d) => (
                      <div key={d.field}>
                        {d.field}: {JSON.stringify(d.from)} → {JSON.stringify(d.to)}
                      </div>
                    ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
