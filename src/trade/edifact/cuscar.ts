/**
 * CUSCAR (customs cargo report) → ManifestShipment, one per CNI consignment.
 * Header: BGM, TDT+20 (voyage, carrier, vessel :146 IMO / :103 call sign), LOC, NAD+CA, EQD/SEL.
 * Consignment: CNI, RFF+BM, LOC 9/11/7/76, NAD CZ/CN/N1, GID/PAC/FTX/PIA/MEA/SGP, EQD/SEL.
 */

import { buildShipments } from "./consignment-build.ts";
import { scanConsignments } from "./consignment-scan.ts";
import type { MapContext, MappedRecords } from "./context.ts";
import { noRecords } from "./context.ts";
import { at } from "./segment.ts";

/** Map one CUSCAR message; never throws. */
export function mapCuscar(context: MapContext): MappedRecords {
  const { message, out } = context;
  const scan = scanConsignments(message.unh, message.body, out);
  if (scan.consignments.length === 0) {
    out.warning(
      "cuscar.no_consignment",
      "CUSCAR has no CNI consignment; header data mapped as one shipment",
      at(message.unh),
    );
  }
  return { ...noRecords(), shipments: buildShipments(context, scan) };
}
