import type { ManifestShipment } from "../trade/index.ts";
import type { ShipmentFacts } from "./facts.ts";

// Manifest times rarely carry a zone; they are read as UTC, as the ingest pipeline does.
function iso(raw: string | undefined): string | undefined {
  if (!raw) {
    return undefined;
  }
  const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(raw) ? raw : `${raw}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * What a carrier's manifest file does not carry: the filing time (it is when the agency receives the file), the AES
 * ITN (it is on the exporter's EEI) and the agency's history of the parties. Rules on them are not assessed.
 */
export const NOT_IN_MANIFEST_FILES = [
  "filedAt",
  "itn",
  "flags.firstSeenShipper",
  "flags.firstSeenConsignee",
  "flags.knownExporter",
];

/** Facts for the rule engine straight from a parsed manifest record (no history: no first-seen flags). */
export function factsFromManifest(record: ManifestShipment, key: string): ShipmentFacts {
  const party = (role: "shipper" | "consignee" | "notify", p: ManifestShipment["parties"]["shipper"]) =>
    p?.name
      ? [
          {
            role,
            name: p.name,
            ...(p.country ? { country: p.country } : {}),
            ...(p.address.length > 0 ? { address: p.address.join(", ") } : {}),
          },
        ]
      : [];
  const relay =
    record.finalDestination && record.portOfDischarge && record.finalDestination !== record.portOfDischarge
      ? [record.portOfDischarge]
      : [];
  const etd = iso(record.etd);
  return {
    shipmentKey: key,
    billOfLading: record.billOfLading ?? key,
    ...(record.carrierScac ? { carrierScac: record.carrierScac } : {}),
    ...(record.vessel.imo ? { vesselImo: record.vessel.imo } : {}),
    ...(record.vessel.name ? { vesselName: record.vessel.name } : {}),
    ...(record.voyage ? { voyage: record.voyage } : {}),
    ...(record.placeOfReceipt ? { placeOfReceipt: record.placeOfReceipt } : {}),
    portOfLoading: record.portOfLoading ?? "",
    portOfDischarge: record.portOfDischarge ?? "",
    ...(record.finalDestination ? { finalDestination: record.finalDestination } : {}),
    transshipmentPorts: relay,
    ...(etd ? { etd } : {}),
    parties: [
      ...party("shipper", record.parties.shipper),
      ...party("consignee", record.parties.consignee),
      ...party("notify", record.parties.notify),
    ],
    goods: record.goods.map((g) => ({
      ...(g.hsCode ? { hsCode: g.hsCode } : {}),
      description: g.description ?? "",
      ...(g.packages !== undefined ? { packages: g.packages } : {}),
      ...(g.packageType ? { packageType: g.packageType } : {}),
      ...(g.grossWeightKg !== undefined ? { grossWeightKg: g.grossWeightKg } : {}),
      ...(g.containerNumbers[0] ? { containerNo: g.containerNumbers[0] } : {}),
    })),
    containers: record.containers.map((c) => ({
      containerNo: c.number,
      ...(c.sizeType ? { sizeType: c.sizeType } : {}),
      ...(c.seals[0] ? { sealNo: c.seals[0] } : {}),
    })),
    flags: {},
    fields: {},
    unknown: NOT_IN_MANIFEST_FILES,
  };
}
