import { type ManifestShipment, type TradeFormat, writeCuscar, writeManifestCsv } from "../../trade/index.ts";
import type { DemoShipment, DemoVoyage, DemoWorld } from "./world.ts";

// The demo world reaches the database the way real manifests do: as carrier files through the
// ingest pipeline. Most carriers file UN/EDIFACT CUSCAR; a few send CSV exports.

const CSV_CARRIERS = new Set(["ZIMU", "YMLU", "HDMU"]);
const FILE_WINDOW_MS = 48 * 60 * 60 * 1000;

/** One carrier file of the demo feed and the moment it arrives. */
export interface DemoFile {
  fileName: string;
  format: TradeFormat;
  text: string;
  receivedAt: Date;
}

function minuteIso(date: Date): string {
  return date.toISOString().slice(0, 16);
}

function toRecord(
  s: DemoShipment,
  voyage: DemoVoyage,
  vesselName: string,
  fileName: string,
  messageRef: string,
): ManifestShipment {
  const [street, city] = [s.shipper.address.split(", ")[0] ?? "", s.shipper.address.split(", ").slice(1).join(", ")];
  return {
    source: { format: "cuscar", file: fileName, messageRef },
    messageRef,
    function: "original",
    billOfLading: s.billOfLading,
    carrierScac: s.carrierScac,
    vessel: { name: vesselName, imo: voyage.vesselImo },
    voyage: voyage.voyageNo,
    portOfLoading: s.portOfLoading,
    portOfDischarge: s.portOfDischarge,
    ...(s.finalDestination ? { finalDestination: s.finalDestination } : {}),
    etd: minuteIso(voyage.etd),
    parties: {
      shipper: { name: s.shipper.name, address: [street, city].filter(Boolean), country: s.shipper.country },
      consignee: {
        name: s.consignee.name,
        ...(s.consignee.nativeName ? { nativeName: s.consignee.nativeName } : {}),
        address: [s.consignee.address],
        country: s.consignee.country,
      },
      ...(s.notifyName
        ? {
            notify: {
              name: s.notifyName,
              ...(s.notifyName === s.consignee.name && s.consignee.nativeName
                ? { nativeName: s.consignee.nativeName }
                : {}),
              address: [],
              country: s.consignee.country,
            },
          }
        : {}),
    },
    goods: s.goods.map((g) => ({
      lineNumber: g.lineNo,
      hsCode: g.hsCode,
      description: g.description,
      packages: g.packages,
      packageType: g.packageType,
      grossWeightKg: g.grossWeightKg,
      containerNumbers: [g.containerNo],
    })),
    containers: s.containers.map((c) => ({
      number: c.containerNo,
      isValid: true,
      equipmentType: "CN",
      sizeType: c.sizeType,
      seals: [c.sealNo],
      fullEmpty: "full",
    })),
  };
}

/**
 * Cuts the world's shipments into carrier files: per voyage, one for each two days of filings and
 * one for the few filed after the cut-off, each arriving when its last shipment was filed.
 */
export function demoManifestFiles(world: DemoWorld): DemoFile[] {
  const voyages = new Map(world.voyages.map((v) => [v.id, v]));
  const vesselNames = new Map(world.vessels.map((v) => [v.imo, v.name]));
  const groups = new Map<string, DemoShipment[]>();
  for (const s of world.shipments) {
    const voyage = voyages.get(s.voyageId) as DemoVoyage;
    // Carriers file a sailing's bookings as they come: one file per two days of filings.
    const key = `${s.voyageId}|${s.filedAt > voyage.loadingCutoff ? "late" : "on-time"}|${Math.floor(s.filedAt.getTime() / FILE_WINDOW_MS)}`;
    const list = groups.get(key) ?? [];
    list.push(s);
    groups.set(key, list);
  }
  const files: DemoFile[] = [];
  let serial = 0;
  for (const shipments of groups.values()) {
    const first = shipments[0] as DemoShipment;
    const voyage = voyages.get(first.voyageId) as DemoVoyage;
    const receivedAt = new Date(Math.max(...shipments.map((s) => s.filedAt.getTime())));
    const isCsv = CSV_CARRIERS.has(voyage.carrierScac);
    serial++;
    const stem = `${voyage.carrierScac}-${voyage.voyageNo}-${receivedAt.toISOString().slice(0, 10)}-${serial}`;
    const fileName = `${stem}.${isCsv ? "csv" : "edi"}`;
    const records = shipments.map((s, i) =>
      toRecord(s, voyage, vesselNames.get(voyage.vesselImo) ?? "", fileName, `${serial}-${i + 1}`),
    );
    const text = isCsv
      ? writeManifestCsv(records)
      : writeCuscar(records, {
          sender: voyage.carrierScac,
          recipient: "USCBP",
          interchangeRef: String(serial).padStart(9, "0"),
          preparedAt: receivedAt,
          messageRefPrefix: `M${serial}-`,
        });
    files.push({ fileName, format: isCsv ? "csv" : "cuscar", text, receivedAt });
  }
  return files.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
}
