import { useState, type FormEvent } from "react";
import type { DeviceView } from "../../../src/domain/devices.ts";
import { api } from "../api.ts";
import { ConfirmDialog } from "../components/ConfirmDialog.tsx";
import { DataTable, type Column } from "../components/DataTable.tsx";
import { StatusLines } from "../components/StatusLines.tsx";
import { useApi } from "../components/useApi.ts";
import { useT } from "../i18n/index.tsx";

/** Kinds of device, each for one kind of scan. */
export const DEVICE_TYPES = ["radiation_portal", "isotope_id", "xray_image"] as const;

interface Site {
  id: string;
  locode: string;
  name: string;
}

/** The admin's registry of inspection devices: register, move to another site, take out of service and back. */
export function DevicesSection() {
  const t = useT();
  const devices = useApi<DeviceView[]>("/devices");
  const sites = useApi<Site[]>("/sites");
  const [retiring, setRetiring] = useState<DeviceView | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function change(d: DeviceView, patch: { siteId?: string | null; isActive?: boolean }, message: string) {
    setError(null);
    try {
      await api(`/devices/${d.id}`, { method: "PATCH", body: patch });
      setNotice(message);
      devices.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : t("devices.changeFailed"));
    }
  }

  const columns: Column<DeviceView>[] = [
    { key: "type", title: t("devices.type"), render: (d) => t.code(d.type) },
    { key: "model", title: t("devices.model"), render: (d) => d.model },
    { key: "serial", title: t("devices.serial"), render: (d) => <code>{d.serial}</code> },
    {
      key: "site",
      title: t("devices.site"),
      render: (d) => (
        <select
          aria-label={t("devices.siteOf", { serial: d.serial })}
          value={d.site?.id ?? ""}
          disabled={!d.isActive}
          onChange={(e) => {
            const site = sites.data?.find((s) => s.id === e.target.value);
            void change(
              d,
              { siteId: site?.id ?? null },
              t("devices.moved", { serial: d.serial, site: site?.name ?? t("devices.noSite") }),
            );
          }}
        >
          <option value="">{t("devices.noSite")}</option>
          {(sites.data ?? []).map((s) => (
            <option key={s.id} value={s.id}>
              {s.locode} — {s.name}
            </option>
          ))}
        </select>
      ),
    },
    {
      key: "state",
      title: t("admin.state"),
      render: (d) => (
        <span data-testid="device-state">{d.isActive ? t("devices.inService") : t("devices.retired")}</span>
      ),
    },
    {
      key: "actions",
      title: "",
      render: (d) =>
        d.isActive ? (
          <button type="button" className="danger-outline" onClick={() => setRetiring(d)}>
            {t("devices.retire")}
          </button>
        ) : (
          <button
            type="button"
            className="secondary"
            onClick={() => void change(d, { isActive: true }, t("devices.returnedNotice", { serial: d.serial }))}
          >
            {t("devices.return")}
          </button>
        ),
    },
  ];

  return (
    <>
      <h2>{t("devices.title")}</h2>
      <p className="muted">{t("devices.hint")}</p>
      <StatusLines notice={notice} error={error} testId="devices-notice" />
      <DataTable
        columns={columns}
        rows={devices.data}
        rowKey={(d) => d.id}
        isLoading={devices.isLoading}
        error={devices.error}
        empty={t("devices.none")}
        testId="devices"
      />
      <NewDeviceForm
        sites={sites.data ?? []}
        onCreated={(d) => {
          setNotice(t("devices.registered", { label: d.label }));
          devices.reload();
        }}
      />
      {retiring && (
        <ConfirmDialog
          confirmation={{
            title: t("devices.retireTitle", { label: retiring.label }),
            consequence: t("devices.retireConsequence"),
            confirmLabel: t("devices.retire"),
          }}
          onCancel={() => setRetiring(null)}
          onConfirm={async () => {
            await api(`/devices/${retiring.id}`, { method: "PATCH", body: { isActive: false } });
            setNotice(t("devices.retiredNotice", { serial: retiring.serial }));
            setRetiring(null);
            devices.reload();
          }}
        />
      )}
    </>
  );
}

function NewDeviceForm({ sites, onCreated }: { sites: Site[]; onCreated: (d: DeviceView) => void }) {
  const t = useT();
  const [type, setType] = useState<string>("");
  const [model, setModel] = useState("");
  const [serial, setSerial] = useState("");
  const [siteId, setSiteId] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      onCreated(
        await api<DeviceView>("/devices", { method: "POST", body: { type, model, serial, siteId: siteId || null } }),
      );
      setType("");
      setModel("");
      setSerial("");
      setSiteId("");
    } catch (err) {
      setError(err instanceof Error ? err.message : t("devices.registerFailed"));
    }
  }

  return (
    <form className="panel" aria-label={t("devices.new")} onSubmit={(e) => void handleSubmit(e)}>
      <h3>{t("devices.new")}</h3>
      <label>
        {t("devices.type")}
        <select name="deviceType" value={type} required onChange={(e) => setType(e.target.value)}>
          <option value="">{t("devices.chooseType")}</option>
          {DEVICE_TYPES.map((d) => (
            <option key={d} value={d}>
              {t.code(d)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("devices.model")}
        <input
          name="deviceModel"
          value={model}
          maxLength={200}
          required
          placeholder={t("devices.modelExample")}
          onChange={(e) => setModel(e.target.value)}
        />
      </label>
      <label>
        {t("devices.serial")}
        <input
          name="deviceSerial"
          value={serial}
          maxLength={100}
          required
          placeholder={t("devices.serialExample")}
          onChange={(e) => setSerial(e.target.value)}
        />
      </label>
      <label>
        {t("devices.site")}
        <select name="deviceSite" value={siteId} onChange={(e) => setSiteId(e.target.value)}>
          <option value="">{t("devices.noSite")}</option>
          {sites.map((s) => (
            <option key={s.id} value={s.id}>
              {s.locode} — {s.name}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit">{t("devices.register")}</button>
    </form>
  );
}
