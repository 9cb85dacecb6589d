import type { Tx } from "../../db/database.ts";
import { shipmentIsVisible } from "../access.ts";
import type { Actor } from "../actor.ts";
import { presentContainer, presentGoodsLine } from "../shipments.ts";

/** manifest.json: the shipment as filed, as far as the actor's agency may see it. */
export interface ManifestExtract {
  /** False when the shipment is no longer shared with the actor's agency (the agreement ended). */
  isAvailable: boolean;
  billOfLading: string;
  containerNo: string;
  shipment: {
    carrierScac: string;
    filedAt: string;
    version: number;
    voyage: {
      vesselImo: string;
      vesselName: string | null;
      voyageNo: string;
      portOfLoading: string;
      etd: string;
      loadingCutoff: string;
    } | null;
    ports: { loading: string; discharge: string; finalDestination: string | null; etd: string | null };
    parties: {
      shipper: { name: string; address: string | null; country: string | null };
      consignee: { name: string; address: string | null; country: string | null };
      notify: { name: string | null };
    };
    goods: {
      lineNo: number;
      hsCode: string;
      description: string;
      packages: number | null;
      packageType: string | null;
      grossWeightKg: number | null;
      containerNo: string | null;
    }[];
    containers: { containerNo: string; sizeType: string; sealNo: string | null; isFull: boolean }[];
  } | null;
}

/** Reads the shipment extract for a bundle inside the caller's agency transaction. */
export async function loadManifestExtract(
  tx: Tx,
  actor: Actor,
  shipmentId: string,
  billOfLading: string,
  containerNo: string,
): Promise<ManifestExtract> {
  const s = await tx
    .selectFrom("shipment as s")
    .leftJoin("voyage as v", "v.id", "s.voyage_id")
    .leftJoin("vessel as vs", "vs.imo", "v.vessel_imo")
    .where(shipmentIsVisible(actor))
    .where("s.id", "=", shipmentId)
    .select([
      "s.carrier_scac",
      "s.filed_at",
      "s.version",
      "s.port_of_loading",
      "s.port_of_discharge",
      "s.final_destination",
      "s.etd",
      "s.shipper_name",
      "s.shipper_address",
      "s.shipper_country",
      "s.consignee_name",
      "s.consignee_address",
      "s.consignee_country",
      "s.notify_name",
      "v.vessel_imo",
      "vs.name as vessel_name",
      "v.voyage_no",
      "v.port_of_loading as voyage_port",
      "v.etd as voyage_etd",
      "v.loading_cutoff",
    ])
    .executeTakeFirst();
  if (!s) {
    return { isAvailable: false, billOfLading, containerNo, shipment: null };
  }
  const [goods, containers] = await Promise.all([
    tx.selectFrom("shipment_goods").selectAll().where("shipment_id", "=", shipmentId).orderBy("line_no").execute(),
    tx
      .selectFrom("shipment_container")
      .selectAll()
      .where("shipment_id", "=", shipmentId)
      .orderBy("container_no")
      .execute(),
  ]);
  const voyage =
    s.vessel_imo && s.voyage_no && s.voyage_port && s.voyage_etd && s.loading_cutoff
      ? {
          vesselImo: s.vessel_imo,
          vesselName: s.vessel_name,
          voyageNo: s.voyage_no,
          portOfLoading: s.voyage_port,
          etd: s.voyage_etd.toISOString(),
          loadingCutoff: s.loading_cutoff.toISOString(),
        }
      : null;
  return {
    isAvailable: true,
    billOfLading,
    containerNo,
    shipment: {
      carrierScac: s.carrier_scac,
      filedAt: s.filed_at.toISOString(),
      version: s.version,
      voyage,
      ports: {
        loading: s.port_of_loading,
        discharge: s.port_of_discharge,
        finalDestination: s.final_destination,
        etd: s.etd?.toISOString() ?? null,
      },
      parties: {
        shipper: { name: s.shipper_name, address: s.shipper_address, country: s.shipper_country },
        consignee: { name: s.consignee_name, address: s.consignee_address, country: s.consignee_country },
        notify: { name: s.notify_name },
      },
      goods: goods.map(presentGoodsLine),
      containers: containers.map(presentContainer),
    },
  };
}
