import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { Role } from "../actor.ts";
import { recordAudit } from "../audit.ts";
import { hashPassword } from "../auth.ts";
import { shipmentSearchText } from "../shipment-text.ts";
import { generateWorld, type DemoShipment, type DemoWorld } from "./world.ts";

/** The two agencies of the demo and their ports. */
export const DEMO_AGENCIES = [
  { code: "USCBP", name: "U.S. Customs and Border Protection", country: "US", sites: [["USLAX", "Port of Los Angeles"], ["USLGB", "Port of Long Beach"]] },
  { code: "JPCUS", name: "Japan Customs", country: "JP", sites: [["JPTYO", "Tokyo Customs — Port of Tokyo"], ["JPYOK", "Yokohama Customs — Port of Yokohama"]] },
] as const;

/** One demo account per role, on each side of the agreement. */
export const DEMO_USERS: { username: string; displayName: string; agency: string; roles: Role[]; site?: string }[] = [
  { username: "host.targeter", displayName: "Dana Whitfield", agency: "USCBP", roles: ["targeter"] },
  { username: "host.supervisor", displayName: "Marcus Ortega", agency: "USCBP", roles: ["supervisor"], site: "USLAX" },
  { username: "scan.officer", displayName: "Priya Raman", agency: "USCBP", roles: ["scan_officer"], site: "USLAX" },
  { username: "host.admin", displayName: "Glen Haskins", agency: "USCBP", roles: ["admin"] },
  { username: "host.auditor", displayName: "Ruth Adeyemi", agency: "USCBP", roles: ["auditor"] },
  { username: "partner.targeter", displayName: "Kenji Morita", agency: "JPCUS", roles: ["targeter"] },
  { username: "partner.supervisor", displayName: "Aiko Sato", agency: "JPCUS", roles: ["supervisor"] },
  { username: "partner.auditor", displayName: "Hiroshi Tanaka", agency: "JPCUS", roles: ["auditor"] },
];

/** Options for creating the demo world. */
export interface DemoOptions {
  seed: number;
  anchor: Date;
  shipments: number;
  /** Password for every demo account; a random one is made when absent. */
  password?: string;
}

/** What was created, for printing. */
export interface DemoResult {
  isNew: boolean;
  password: string | null;
  shipments: number;
}

/** Midnight UTC of the given day. */
export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** Creates the agencies, agreements, accounts and shipments of the demo, once. */
export async function ensureDemoWorld(db: Kysely<DB>, options: DemoOptions): Promise<DemoResult> {
  const existing = await db.selectFrom("agency").select("id").where("code", "=", "USCBP").executeTakeFirst();
  if (existing) {
    const count = await db.selectFrom("shipment").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    return { isNew: false, password: null, shipments: Number(count.n) };
  }
  const password = options.password ?? randomBytes(9).toString("base64url");
  const passwordHash = await hashPassword(password);
  const world = generateWorld(options);
  await db.transaction().execute(async (tx) => {
    const agencies = await seedAgencies(tx);
    await seedUsers(tx, agencies, passwordHash);
    await seedWorld(tx, agencies.get("USCBP") as string, world);
    await recordAudit(tx, null, {
      action: "demo.created",
      entityType: "system",
      otherAgencyIds: [...agencies.values()],
      payload: { seed: options.seed, anchor: options.anchor.toISOString(), shipments: world.shipments.length },
    });
  });
  return { isNew: true, password: options.password ? null : password, shipments: world.shipments.length };
}

async function seedAgencies(db: Kysely<DB>): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const agency of DEMO_AGENCIES) {
    const row = await db
      .insertInto("agency")
      .values({ code: agency.code, name: agency.name, country: agency.country })
      .returning("id")
      .executeTakeFirstOrThrow();
    ids.set(agency.code, row.id);
    await db
      .insertInto("site")
      .values(agency.sites.map(([locode, name]) => ({ agency_id: row.id, locode, name })))
      .execute();
  }
  const us = ids.get("USCBP") as string;
  const jp = ids.get("JPCUS") as string;
  const basis = "Container Security Initiative Declaration of Principles (US–Japan, 2002); Customs Mutual Assistance Agreement (1997)";
  await db
    .insertInto("agreement")
    .values([
      { code: "CSI-USCBP-JPCUS", provider_agency_id: us, recipient_agency_id: jp, destination_countries: ["JP"], legal_basis: basis, valid_from: "2002-08-01" },
      { code: "CSI-JPCUS-USCBP", provider_agency_id: jp, recipient_agency_id: us, destination_countries: ["US"], legal_basis: basis, valid_from: "2002-08-01" },
    ])
    .execute();
  return ids;
}

async function seedUsers(db: Kysely<DB>, agencies: Map<string, string>, passwordHash: string): Promise<void> {
  const sites = await db.selectFrom("site").select(["id", "locode"]).execute();
  await db
    .insertInto("app_user")
    .values(
      DEMO_USERS.map((u) => ({
        agency_id: agencies.get(u.agency) as string,
        username: u.username,
        display_name: u.displayName,
        password_hash: passwordHash,
        roles: u.roles,
        site_id: sites.find((s) => s.locode === u.site)?.id ?? null,
        is_demo: true,
      })),
    )
    .execute();
}

function searchText(s: DemoShipment): string {
  return shipmentSearchText({
    billOfLading: s.billOfLading,
    shipperName: s.shipper.name,
    consigneeName: s.consignee.name,
    containerNos: s.containers.map((c) => c.containerNo),
    goods: s.goods,
  });
}

const BATCH = 500;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

async function seedWorld(db: Kysely<DB>, ownerAgencyId: string, world: DemoWorld): Promise<void> {
  await db.insertInto("vessel").values(world.vessels.map((v) => ({ imo: v.imo, name: v.name, flag: v.flag }))).execute();
  await db
    .insertInto("voyage")
    .values(
      world.voyages.map((v) => ({
        id: v.id,
        vessel_imo: v.vesselImo,
        voyage_no: v.voyageNo,
        carrier_scac: v.carrierScac,
        port_of_loading: v.portOfLoading,
        etd: v.etd,
        loading_cutoff: v.loadingCutoff,
      })),
    )
    .execute();
  for (const batch of chunks(world.shipments, BATCH)) {
    await db
      .insertInto("shipment")
      .values(
        batch.map((s) => ({
          id: s.id,
          owner_agency_id: ownerAgencyId,
          bill_of_lading: s.billOfLading,
          carrier_scac: s.carrierScac,
          voyage_id: s.voyageId,
          port_of_loading: s.portOfLoading,
          port_of_discharge: s.portOfDischarge,
          final_destination: s.finalDestination,
          shipper_name: s.shipper.name,
          shipper_address: s.shipper.address,
          shipper_country: s.shipper.country,
          consignee_name: s.consignee.name,
          consignee_address: s.consignee.address,
          consignee_country: s.consignee.country,
          notify_name: s.notifyName,
          etd: s.etd,
          filed_at: s.filedAt,
          search_text: searchText(s),
        })),
      )
      .execute();
    await db
      .insertInto("shipment_container")
      .values(batch.flatMap((s) => s.containers.map((c) => ({ shipment_id: s.id, container_no: c.containerNo, size_type: c.sizeType, seal_no: c.sealNo, is_full: c.isFull }))))
      .execute();
    await db
      .insertInto("shipment_goods")
      .values(
        batch.flatMap((s) =>
          s.goods.map((g) => ({
            shipment_id: s.id,
            line_no: g.lineNo,
            hs_code: g.hsCode,
            description: g.description,
            packages: g.packages,
            package_type: g.packageType,
            gross_weight_kg: g.grossWeightKg,
            container_no: g.containerNo,
          })),
        ),
      )
      .execute();
  }
}
