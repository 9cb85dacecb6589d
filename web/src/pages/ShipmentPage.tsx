import { useCallback, useEffect, useState, type FormEvent } from "react";
import { Link } from "wouter";
import { api, type InspectionRequest, type Me, type ShipmentDetail, type ShipmentVersion } from "../api.ts";
import { PartyName } from "../components/PartyName.tsx";
import { Time } from "../components/Time.tsx";
import { useLiveReload } from "../live.ts";
import { RequestCard } from "./RequestCard.tsx";
import { useT } from "../i18n/index.tsx";

const SCAN_CHOICES = ["radiation_portal", "isotope_id", "xray_image", "physical_exam"];
const REASON_CODES = [
  "radiological",
  "watchlist_party",
  "manifest_discrepancy",
  "high_risk_route",
  "intelligence",
  "random_selection",
  "other",
];

/** One shipment: voyage, parties, goods, containers, and the inspection requests on it. */
export function ShipmentPage({ id, me }: { id: string; me: Me }) {
  const t = useT();
  const [shipment, setShipment] = useState<ShipmentDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [requesting, setRequesting] = useState<string | null>(null);

  const load = useCallback(() => {
    api<ShipmentDetail>(`/shipments/${id}`).then(setShipment, (err: Error) => setError(err.message));
  }, [id]);
  useEffect(load, [load]);
  useLiveReload(load);

  if (error) {
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  }
  if (!shipment) {
    return <p className="loading">{t("common.loading")}</p>;
  }
  const canRequest = shipment.isShared && (me.roles.includes("targeter") || me.roles.includes("supervisor"));
  return (
    <section>
      <p>
        <Link href="/">{t("shipment.back")}</Link>
      </p>
      <h1>
        {t("shipment.title", { bl: shipment.billOfLading })}{" "}
        <span className="badge">{shipment.isShared ? t("shipments.shared") : t("shipment.own")}</span>
      </h1>
      <dl className="facts">
        <dt>{t("shipment.carrier")}</dt>
        <dd>{shipment.carrierScac}</dd>
        <dt>{t("shipment.vessel")}</dt>
        <dd>
          {t("shipment.vesselLine", {
            vessel: shipment.vesselName,
            imo: shipment.vesselImo,
            voyage: shipment.voyageNo,
          })}
        </dd>
        <dt>{t("shipment.route")}</dt>
        <dd>
          {shipment.portOfLoading} → {shipment.portOfDischarge}
          {shipment.finalDestination ? ` → ${shipment.finalDestination}` : ""}
        </dd>
        <dt>{t("shipment.etd")}</dt>
        <dd>
          <Time iso={shipment.etd} />
        </dd>
        <dt>{t("shipment.cutoff")}</dt>
        <dd>
          <Time iso={shipment.loadingCutoff} />
        </dd>
        <dt>{t("shipment.filed")}</dt>
        <dd>
          <Time iso={shipment.filedAt} />
        </dd>
        <dt>{t("shipment.shipper")}</dt>
        <dd>
          <PartyName name={shipment.shipperName} nativeName={shipment.shipperNameNative} />
          {shipment.shipperAddress ? `, ${shipment.shipperAddress}` : ""}
        </dd>
        <dt>{t("shipment.consignee")}</dt>
        <dd data-testid="consignee">
          <PartyName name={shipment.consigneeName} nativeName={shipment.consigneeNameNative} />
          {shipment.consigneeAddress ? `, ${shipment.consigneeAddress}` : ""}
        </dd>
        {shipment.notifyName && (
          <>
            <dt>{t("shipment.notify")}</dt>
            <dd>
              <PartyName name={shipment.notifyName} nativeName={shipment.notifyNameNative} />
            </dd>
          </>
        )}
      </dl>
      <h2>
        {t("shipment.risk", { score: shipment.score ?? "—" })}{" "}
        <span className={`risk risk-${shipment.level ?? "none"}`}>
          {shipment.level ? t.code(shipment.level) : t("shipment.notScored")}
        </span>
      </h2>
      {shipment.hits.length === 0 ? (
        <p className="muted">{t("shipment.noHits")}</p>
      ) : (
        <table className="grid" data-testid="hits">
          <thead>
            <tr>
              <th>{t("shipment.hit.rule")}</th>
              <th>{t("shipment.hit.points")}</th>
              <th>{t("shipment.hit.why")}</th>
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
      <h2>{t("shipment.goods")}</h2>
      <table className="grid">
        <thead>
          <tr>
            <th>{t("shipment.goods.line")}</th>
            <th>{t("shipment.goods.hs")}</th>
            <th>{t("shipment.goods.description")}</th>
            <th>{t("shipment.goods.packages")}</th>
            <th>{t("shipment.goods.grossKg")}</th>
            <th>{t("shipment.goods.container")}</th>
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
              <td>{g.grossWeightKg === null || g.grossWeightKg === undefined ? null : t.number(g.grossWeightKg)}</td>
              <td>{g.containerNo}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t("shipment.containers")}</h2>
      <table className="grid">
        <thead>
          <tr>
            <th>{t("shipment.containers.no")}</th>
            <th>{t("shipment.containers.sizeType")}</th>
            <th>{t("shipment.containers.seal")}</th>
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
                    {t("shipment.requestInspection")}
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
      <h2>{t("shipment.requests")}</h2>
      {shipment.inspectionRequests.length === 0 && <p className="muted">{t("shipment.noRequests")}</p>}
      {shipment.inspectionRequests.map((r) => (
        <RequestCard key={r.id} request={r} />
      ))}
    </section>
  );
}

function RequestForm({
  shipmentId,
  containerNo,
  onDone,
}: {
  shipmentId: string;
  containerNo: string;
  onDone: () => void;
}) {
  const [reason, setReason] = useState("");
  const [priority, setPriority] = useState("routine");
  const [scans, setScans] = useState<string[]>(["radiation_portal"]);
  const [requestType, setRequestType] = useState("inspection");
  const [reasonCodes, setReasonCodes] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const t = useT();

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    try {
      await api<InspectionRequest>("/inspection-requests", {
        method: "POST",
        body: { shipmentId, containerNo, reason, priority, scansRequested: scans, requestType, reasonCodes },
      });
      onDone();
    } catch (err) {
      setError(err instanceof Error ? err.message : t("request.failed"));
    }
  }

  return (
    <form className="panel" aria-label={t("shipment.requestInspection")} onSubmit={(e) => void handleSubmit(e)}>
      <h3>{t("requestForm.title", { container: containerNo })}</h3>
      <label>
        {t("requestForm.type")}
        <select name="requestType" value={requestType} onChange={(e) => setRequestType(e.target.value)}>
          <option value="inspection">{t("requestForm.type.inspection")}</option>
          <option value="information">{t("requestForm.type.information")}</option>
          <option value="hold">{t("requestForm.type.hold")}</option>
        </select>
      </label>
      <fieldset>
        <legend>{t("requestForm.reasonCodes")}</legend>
        {REASON_CODES.map((c) => (
          <label key={c} className="inline">
            <input
              type="checkbox"
              checked={reasonCodes.includes(c)}
              onChange={(e) =>
                setReasonCodes(e.target.checked ? [...reasonCodes, c] : reasonCodes.filter((x) => x !== c))
              }
            />
            {t.code(c)}
          </label>
        ))}
      </fieldset>
      <label>
        {t("requestForm.reason")}
        <textarea
          name="reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          required
          minLength={3}
          rows={3}
        />
      </label>
      <label>
        {t("requestForm.priority")}
        <select name="priority" value={priority} onChange={(e) => setPriority(e.target.value)}>
          <option value="routine">{t.code("routine")}</option>
          <option value="high">{t.code("high")}</option>
          <option value="urgent">{t.code("urgent")}</option>
        </select>
      </label>
      <fieldset>
        <legend>{t("requestForm.scans")}</legend>
        {SCAN_CHOICES.map((s) => (
          <label key={s} className="inline">
            <input
              type="checkbox"
              checked={scans.includes(s)}
              onChange={(e) => setScans(e.target.checked ? [...scans, s] : scans.filter((x) => x !== s))}
            />
            {t.code(s)}
          </label>
        ))}
      </fieldset>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit">{t("requestForm.send")}</button>
    </form>
  );
}

function VersionHistory({ shipmentId }: { shipmentId: string }) {
  const t = useT();
  const [versions, setVersions] = useState<ShipmentVersion[]>([]);
  useEffect(() => {
    api<ShipmentVersion[]>(`/shipments/${shipmentId}/versions`).then(setVersions, () => setVersions([]));
  }, [shipmentId]);
  if (versions.length === 0) {
    return null;
  }
  return (
    <>
      <h2>{t("versions.title")}</h2>
      <table className="grid" data-testid="versions">
        <thead>
          <tr>
            <th>{t("versions.version")}</th>
            <th>{t("versions.message")}</th>
            <th>{t("versions.recorded")}</th>
            <th>{t("versions.changes")}</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version}>
              <td>
                {v.version} ({t.code(`function_${v.function}`)})
              </td>
              <td>{v.messageRef}</td>
              <td>
                <Time iso={v.recordedAt} />
              </td>
              <td className="diff">
                {v.version === 1 && v.diff.length === 0
                  ? t("versions.first")
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
