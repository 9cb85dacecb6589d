import { sql } from "kysely";
import type { Tx } from "../../db/database.ts";
import type { ShipmentFacts } from "../../targeting/index.ts";

/** Facts the stored shipment does not hold. */
const NOT_STORED = ["itn"];

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list) {
      list.push(item);
    } else {
      groups.set(key(item), [item]);
    }
  }
  return groups;
}

/** Builds the rule engine's facts for shipments the transaction's agency can see. */
export async function loadFacts(tx: Tx, shipmentIds: string[]): Promise<(ShipmentFacts & { version: number })[]> {
  if (shipmentIds.length === 0) {
    return [];
  }
  const rows = await tx
    .selectFrom("shipment as s")
    .leftJoin("voyage as v", "v.id", "s.voyage_id")
    .leftJoin("vessel as vs", "vs.imo", "v.vessel_imo")
    .select([
      "s.id",
      "s.version",
      "s.bill_of_lading",
      "s.carrier_scac",
      "v.vessel_imo",
      "vs.name as vessel_name",
      "v.voyage_no",
      "s.port_of_loading",
      "s.port_of_discharge",
      "s.final_destination",
      "s.etd",
      "v.loading_cutoff",
      "s.filed_at",
      "s.shipper_name",
      "s.shipper_country",
      "s.shipper_address",
      "s.consignee_name",
      "s.consignee_country",
      "s.consignee_address",
      "s.notify_name",
      // First filing by this party among the shipments this agency can see.
      sql<boolean>`not exists (select 1 from shipment p where p.shipper_name = s.shipper_name and p.filed_at < s.filed_at)`.as(
        "first_shipper",
      ),
      sql<boolean>`not exists (select 1 from shipment p where p.consignee_name = s.consignee_name and p.filed_at < s.filed_at)`.as(
        "first_consignee",
      ),
    ])
    .where("s.id", "in", shipmentIds)
    .execute();
  const goods = await tx
    .selectFrom("shipment_goods")
    .selectAll()
    .where("shipment_id", "in", shipmentIds)
    .orderBy("line_no")
    .execute();
  const containers = await tx
    .selectFrom("shipment_container")
    .selectAll()
    .where("shipment_id", "in", shipmentIds)
    .execute();
  const goodsOf = groupBy(goods, (g) => g.shipment_id);
  const containersOf = groupBy(containers, (c) => c.shipment_id);
  return rows.map((s) => {
    const transshipment =
      s.final_destination && s.final_destination !== s.port_of_discharge ? [s.port_of_discharge] : [];
    return {
      version: s.version,
      shipmentKey: s.id,
      billOfLading: s.bill_of_lading,
      ...(s.carrier_scac ? { carrierScac: s.carrier_scac } : {}),
      ...(s.vessel_imo ? { vesselImo: s.vessel_imo } : {}),
      ...(s.vessel_name ? { vesselName: s.vessel_name } : {}),
      ...(s.voyage_no ? { voyage: s.voyage_no } : {}),
      portOfLoading: s.port_of_loading,
      portOfDischarge: s.port_of_discharge,
      ...(s.final_destination ? { finalDestination: s.final_destination } : {}),
      transshipmentPorts: transshipment,
      ...(s.etd ? { etd: s.etd.toISOString() } : {}),
      ...(s.loading_cutoff ? { loadingCutoff: s.loading_cutoff.toISOString() } : {}),
      filedAt: s.filed_at.toISOString(),
      parties: [
        {
          role: "shipper" as const,
          name: s.shipper_name,
          ...(s.shipper_country ? { country: s.shipper_country } : {}),
          ...(s.shipper_address ? { address: s.shipper_address } : {}),
        },
        {
          role: "consignee" as const,
          name: s.consignee_name,
          ...(s.consignee_country ? { country: s.consignee_country } : {}),
          ...(s.consignee_address ? { address: s.consignee_address } : {}),
        },
        ...(s.notify_name ? [{ role: "notify" as const, name: s.notify_name }] : []),
      ],
      goods: (goodsOf.get(s.id) ?? []).map((g) => ({
        ...(g.hs_code ? { hsCode: g.hs_code } : {}),
        description: g.description,
        ...(g.packages !== null ? { packages: g.packages } : {}),
        ...(g.package_type ? { packageType: g.package_type } : {}),
        ...(g.gross_weight_kg !== null ? { grossWeightKg: Number(g.gross_weight_kg) } : {}),
        ...(g.container_no ? { containerNo: g.container_no } : {}),
      })),
      containers: (containersOf.get(s.id) ?? []).map((c) => ({
        containerNo: c.container_no,
        ...(c.size_type ? { sizeType: c.size_type } : {}),
        ...(c.seal_no ? { sealNo: c.seal_no } : {}),
      })),
      flags: { firstSeenShipper: s.first_shipper, firstSeenConsignee: s.first_consignee },
      fields: {},
      // Ocean manifests carry no AES ITN (it is on the exporter's EEI), so no rule may read its absence as a finding.
      unknown: NOT_STORED,
    };
  });
}
