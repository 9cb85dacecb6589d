/**
 * ManifestShipment[] → CSV in the default layout (README.md): a header, then one row per goods
 * line (with its first container) or per container without goods, RFC 4180 quoting, CRLF.
 * The layout has no columns for marks, party ids/cities, call signs, place of receipt or
 * container weights, and links a goods line to one container only; those are not written.
 */

import type { ContainerRef, GoodsLine, ManifestShipment, Party } from "../records.ts";
import { CSV_FIELDS, NATIVE_NAME_FIELDS } from "./layout.ts";
import type { CsvField } from "./layout.ts";

type RowValues = Partial<Record<CsvField, string>>;

interface PlannedRow {
  container?: ContainerRef;
  goods?: GoodsLine;
}

/** Write shipments as a default-layout CSV manifest that parseManifestCsv reads back. */
export function writeManifestCsv(shipments: readonly ManifestShipment[]): string {
  const rows = shipments.flatMap((shipment) => {
    const base = shipmentValues(shipment);
    return planRows(shipment).map(({ container, goods }) => ({
      ...base,
      ...containerValues(container),
      ...goodsValues(goods),
    }));
  });
  // The native-name columns only when some party has a native name: other files keep the layout they always had.
  const withNative = shipments.some((s) => Object.values(s.parties).some((p) => p?.nativeName));
  const fields = withNative ? CSV_FIELDS : CSV_FIELDS.filter((f) => !NATIVE_NAME_FIELDS.includes(f));
  const lines = [fields.join(","), ...rows.map((row) => fields.map((field) => quoteCsv(row[field] ?? "")).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}

/** Quote a field when it holds a comma, a quote or a line break (RFC 4180), doubling quotes. */
export function quoteCsv(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Rows in an order that keeps both lists intact on reading: goods lines in order, and before a
 * goods line whose container is not yet written, the containers listed ahead of it as rows of their own.
 */
function planRows(shipment: ManifestShipment): PlannedRow[] {
  const { containers } = shipment;
  const rows: PlannedRow[] = [];
  const written = new Set<string>();
  let next = 0;
  const writeContainersBefore = (end: number): void => {
    for (; next < end; next++) {
      const container = containers[next];
      if (container && !written.has(container.number)) {
        rows.push({ container });
        written.add(container.number);
      }
    }
  };
  for (const goods of shipment.goods) {
    const number = goods.containerNumbers[0];
    const index = containers.findIndex((c) => c.number === number);
    writeContainersBefore(index);
    const container =
      containers[index] ?? (number ? { number, isValid: false, equipmentType: "CN", seals: [] } : undefined);
    rows.push({ container, goods });
    if (container) {
      written.add(container.number);
    }
  }
  writeContainersBefore(containers.length);
  return rows.length > 0 ? rows : [{}];
}

function shipmentValues(shipment: ManifestShipment): RowValues {
  const { vessel, parties } = shipment;
  return {
    bill_of_lading: shipment.billOfLading,
    message_ref: shipment.messageRef,
    function: shipment.function,
    booking_number: shipment.bookingNumber,
    carrier_scac: shipment.carrierScac,
    vessel_name: vessel.name,
    vessel_imo: vessel.imo ?? vessel.otherId,
    voyage: shipment.voyage,
    port_of_loading: shipment.portOfLoading,
    port_of_discharge: shipment.portOfDischarge,
    final_destination: shipment.finalDestination,
    etd: shipment.etd,
    ...partyValues(parties.shipper, "shipper_name", "shipper_address", "shipper_country", "shipper_name_native"),
    ...partyValues(
      parties.consignee,
      "consignee_name",
      "consignee_address",
      "consignee_country",
      "consignee_name_native",
    ),
    ...partyValues(parties.notify, "notify_name", "notify_address", "notify_country", "notify_name_native"),
  };
}

function partyValues(
  party: Party | undefined,
  name: CsvField,
  address: CsvField,
  country: CsvField,
  nativeName: CsvField,
): RowValues {
  if (!party) {
    return {};
  }
  return {
    [name]: party.name,
    [address]: party.address.join("|"),
    [country]: party.country,
    [nativeName]: party.nativeName,
  };
}

function containerValues(container: ContainerRef | undefined): RowValues {
  if (!container) {
    return {};
  }
  return {
    container_number: container.number,
    size_type: container.sizeType,
    seal: container.seals.join(";"),
    full_empty: container.fullEmpty,
  };
}

function goodsValues(goods: GoodsLine | undefined): RowValues {
  if (!goods) {
    return {};
  }
  return {
    hs_code: goods.hsCode,
    description: goods.description,
    packages: goods.packages === undefined ? undefined : String(goods.packages),
    package_type: goods.packageType,
    gross_weight_kg: goods.grossWeightKg === undefined ? undefined : String(goods.grossWeightKg),
  };
}
