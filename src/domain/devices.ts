import type { Kysely } from "kysely";
import { withAgency, type Tx } from "../db/database.ts";
import type { DB } from "../db/schema.ts";
import { conflict, invalid, notFound } from "../errors.ts";
import { requireRole } from "./access.ts";
import type { Actor } from "./actor.ts";
import { recordAudit } from "./audit.ts";
import type { Clock } from "./clock.ts";
import type { ScanType } from "./inspection-requests/vocabulary.ts";
import type { DeviceType } from "./vocabulary.ts";
import type { DeviceView } from "../contract/devices.ts";

// The agency's registry of inspection equipment. A scan names the device that made it from here, so
// equipment figures count devices, not spellings.

export { DEVICE_TYPES, type DeviceType } from "./vocabulary.ts";

export type { DeviceView } from "../contract/devices.ts";

/** What an admin registers or changes. */
export interface DeviceInput {
  type: DeviceType;
  model: string;
  serial: string;
  siteId: string | null;
}

/** How a device is named on a scan and on the dashboard. */
export function deviceLabel(d: { model: string; serial: string }): string {
  return d.model === d.serial ? d.model : `${d.model} · ${d.serial}`;
}

type DeviceRow = {
  id: string;
  device_type: DeviceType;
  model: string;
  serial: string;
  site_id: string | null;
  is_active: boolean;
  created_at: Date;
  locode: string | null;
  site_name: string | null;
};

function present(r: DeviceRow): DeviceView {
  return {
    id: r.id,
    type: r.device_type,
    model: r.model,
    serial: r.serial,
    site: r.site_id && r.locode && r.site_name ? { id: r.site_id, locode: r.locode, name: r.site_name } : null,
    isActive: r.is_active,
    createdAt: r.created_at.toISOString(),
    label: deviceLabel(r),
  };
}

function selectDevices(tx: Tx, agencyId: string) {
  return tx
    .selectFrom("device as d")
    .leftJoin("site as s", "s.id", "d.site_id")
    .select([
      "d.id",
      "d.device_type",
      "d.model",
      "d.serial",
      "d.site_id",
      "d.is_active",
      "d.created_at",
      "s.locode",
      "s.name as site_name",
    ])
    .where("d.agency_id", "=", agencyId);
}

async function checkSite(tx: Tx, actor: Actor, siteId: string | null): Promise<void> {
  if (siteId === null) {
    return;
  }
  const site = await tx
    .selectFrom("site")
    .select("id")
    .where("id", "=", siteId)
    .where("agency_id", "=", actor.agencyId)
    .executeTakeFirst();
  if (!site) {
    throw invalid("device.unknown_site", "The site is not one of your agency's sites");
  }
}

async function serialTaken(tx: Tx, actor: Actor, serial: string, exceptId?: string): Promise<boolean> {
  let query = tx
    .selectFrom("device")
    .select("id")
    .where("agency_id", "=", actor.agencyId)
    .where((eb) => eb(eb.fn("lower", ["serial"]), "=", serial.toLowerCase()));
  if (exceptId) {
    query = query.where("id", "<>", exceptId);
  }
  return (await query.executeTakeFirst()) !== undefined;
}

/** The agency's devices (retired ones too, last), for officers choosing one and for the admin. */
export async function listDevices(db: Kysely<DB>, actor: Actor): Promise<DeviceView[]> {
  requireRole(actor, ["scan_officer", "supervisor", "admin", "auditor"], "read the device registry");
  return withAgency(db, actor.agencyId, async (tx) => {
    const rows = await selectDevices(tx, actor.agencyId)
      .orderBy("d.is_active", "desc")
      .orderBy("d.device_type")
      .orderBy("d.model")
      .orderBy("d.serial")
      .execute();
    return rows.map(present);
  });
}

/** Registers a device; its serial is unique within the agency (whatever its case). */
export async function createDevice(
  db: Kysely<DB>,
  clock: Clock,
  actor: Actor,
  input: DeviceInput,
): Promise<DeviceView> {
  requireRole(actor, ["admin"], "register devices");
  return withAgency(db, actor.agencyId, async (tx) => {
    await checkSite(tx, actor, input.siteId);
    if (await serialTaken(tx, actor, input.serial)) {
      throw conflict("device.serial_taken", `A device with serial ${input.serial} is already registered`);
    }
    const row = await tx
      .insertInto("device")
      .values({
        agency_id: actor.agencyId,
        device_type: input.type,
        model: input.model,
        serial: input.serial,
        site_id: input.siteId,
        created_at: clock.now(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(tx, actor, {
      action: "device.registered",
      entityType: "device",
      entityId: row.id,
      payload: { type: input.type, model: input.model, serial: input.serial, siteId: input.siteId },
    });
    return present(await selectDevices(tx, actor.agencyId).where("d.id", "=", row.id).executeTakeFirstOrThrow());
  });
}

/** Changes a device's model, serial, site or whether it is in service; another agency's is not found. */
export async function updateDevice(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
  patch: Partial<DeviceInput> & { isActive?: boolean },
): Promise<DeviceView> {
  requireRole(actor, ["admin"], "change devices");
  return withAgency(db, actor.agencyId, async (tx) => {
    const found = await tx
      .selectFrom("device")
      .select(["id", "device_type", "model", "serial", "site_id", "is_active"])
      .where("id", "=", id)
      .where("agency_id", "=", actor.agencyId)
      .forUpdate()
      .executeTakeFirst();
    if (!found) {
      throw notFound("device");
    }
    if (patch.siteId !== undefined) {
      await checkSite(tx, actor, patch.siteId);
    }
    if (patch.serial !== undefined && (await serialTaken(tx, actor, patch.serial, id))) {
      throw conflict("device.serial_taken", `A device with serial ${patch.serial} is already registered`);
    }
    if (patch.type !== undefined && patch.type !== found.device_type) {
      const used = await tx.selectFrom("scan").select("id").where("device_id", "=", id).limit(1).executeTakeFirst();
      if (used) {
        throw conflict(
          "device.type_in_use",
          "The device has recorded scans; its type cannot change. Retire it and register a new one instead",
        );
      }
    }
    const changes = {
      ...(patch.type !== undefined ? { device_type: patch.type } : {}),
      ...(patch.model !== undefined ? { model: patch.model } : {}),
      ...(patch.serial !== undefined ? { serial: patch.serial } : {}),
      ...(patch.siteId !== undefined ? { site_id: patch.siteId } : {}),
      ...(patch.isActive !== undefined ? { is_active: patch.isActive } : {}),
    };
    if (Object.keys(changes).length > 0) {
      await tx.updateTable("device").set(changes).where("id", "=", id).execute();
      const before = {
        type: found.device_type,
        model: found.model,
        serial: found.serial,
        siteId: found.site_id,
        isActive: found.is_active,
      };
      const after = {
        type: patch.type,
        model: patch.model,
        serial: patch.serial,
        siteId: patch.siteId,
        isActive: patch.isActive,
      };
      await recordAudit(tx, actor, {
        action:
          patch.isActive === false
            ? "device.retired"
            : patch.isActive === true && !found.is_active
              ? "device.returned"
              : "device.changed",
        entityType: "device",
        entityId: id,
        payload: { before, after: Object.fromEntries(Object.entries(after).filter(([, v]) => v !== undefined)) },
      });
    }
    return present(await selectDevices(tx, actor.agencyId).where("d.id", "=", id).executeTakeFirstOrThrow());
  });
}

/**
 * The device a scan names, inside the recording transaction: by id (it must be the agency's, in
 * service, and made for this kind of scan), or for clients that send text, by serial or label when
 * one registered device matches; otherwise the text stays as it was written, unlinked.
 */
export async function resolveScanDevice(
  tx: Tx,
  agencyId: string,
  scanType: ScanType,
  input: { deviceId?: string; device?: string },
): Promise<{ deviceId: string | null; device: string | null }> {
  if (input.deviceId) {
    const d = await tx
      .selectFrom("device")
      .select(["id", "device_type", "model", "serial", "is_active"])
      .where("id", "=", input.deviceId)
      .where("agency_id", "=", agencyId)
      .executeTakeFirst();
    if (!d || !d.is_active) {
      throw invalid("scan.unknown_device", "The device is not one of your agency's devices in service");
    }
    if (d.device_type !== scanType) {
      throw invalid(
        "scan.device_mismatch",
        `A ${d.device_type.replaceAll("_", " ")} device cannot record a ${scanType.replaceAll("_", " ")} scan`,
      );
    }
    return { deviceId: d.id, device: deviceLabel(d) };
  }
  const text = input.device?.trim();
  if (!text) {
    return { deviceId: null, device: null };
  }
  const candidates = await tx
    .selectFrom("device")
    .select(["id", "model", "serial"])
    .where("agency_id", "=", agencyId)
    .where((eb) =>
      eb.or([
        eb(eb.fn("lower", ["serial"]), "=", text.toLowerCase()),
        eb(eb.fn("lower", ["model"]), "=", text.toLowerCase()),
      ]),
    )
    .limit(2)
    .execute();
  const match = candidates.length === 1 ? candidates[0] : undefined;
  return match ? { deviceId: match.id, device: deviceLabel(match) } : { deviceId: null, device: text };
}

/** The demo agencies' equipment: the models the demo's scans name, with serials and sites. */
export const DEMO_DEVICES: { agency: string; type: DeviceType; model: string; serial: string; site: string }[] = [
  {
    agency: "USCBP",
    type: "radiation_portal",
    model: "RPM lane 3 (4 PVT panels, 4 He-3 tubes)",
    serial: "LAX-RPM-03",
    site: "USLAX",
  },
  {
    agency: "USCBP",
    type: "radiation_portal",
    model: "RPM lane 1 (4 PVT panels, 4 He-3 tubes)",
    serial: "LGB-RPM-01",
    site: "USLGB",
  },
  {
    agency: "USCBP",
    type: "isotope_id",
    model: "identiFINDER-NG handheld (NaI)",
    serial: "IDF-NG-20417",
    site: "USLAX",
  },
  { agency: "USCBP", type: "xray_image", model: "VACIS M6500 gamma imager", serial: "VACIS-6500-0112", site: "USLAX" },
  { agency: "JPCUS", type: "radiation_portal", model: "RPM Honmoku D-4", serial: "YOK-RPM-D4", site: "JPYOK" },
];

/** Registers the demo agencies' devices at their sites (a new demo world only). */
export async function seedDemoDevices(db: Kysely<DB>, agencies: Map<string, string>, at: Date): Promise<void> {
  const sites = await db.selectFrom("site").select(["id", "locode", "agency_id"]).execute();
  const rows = DEMO_DEVICES.flatMap((d) => {
    const agencyId = agencies.get(d.agency);
    const site = sites.find((s) => s.locode === d.site && s.agency_id === agencyId);
    return agencyId
      ? [
          {
            agency_id: agencyId,
            device_type: d.type,
            model: d.model,
            serial: d.serial,
            site_id: site?.id ?? null,
            created_at: at,
          },
        ]
      : [];
  });
  if (rows.length > 0) {
    await db
      .insertInto("device")
      .values(rows)
      .onConflict((oc) => oc.columns(["agency_id", "serial"]).doNothing())
      .execute();
  }
}

/** The agency's sites, where its devices stand. */
export async function listSites(db: Kysely<DB>, actor: Actor): Promise<{ id: string; locode: string; name: string }[]> {
  requireRole(actor, ["scan_officer", "supervisor", "admin", "auditor"], "read the agency's sites");
  return withAgency(db, actor.agencyId, (tx) =>
    tx
      .selectFrom("site")
      .select(["id", "locode", "name"])
      .where("agency_id", "=", actor.agencyId)
      .orderBy("locode")
      .execute(),
  );
}
