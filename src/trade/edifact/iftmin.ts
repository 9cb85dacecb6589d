/**
 * IFTMIN (instruction message: shipping instruction) → one ManifestShipment per message.
 * Parties, TDT, LOC and GID groups sit at message level; CNI groups, when present, become shipments.
 */

import { buildShipments } from "./consignment-build.ts";
import { scanConsignments } from "./consignment-scan.ts";
import type { MapContext, MappedRecords } from "./context.ts";
import { noRecords } from "./context.ts";

/** Map one IFTMIN message; never throws. */
export function mapIftmin(context: MapContext): MappedRecords {
  const { message, out } = context;
  const scan = scanConsignments(message.unh, message.body, out);
  return { ...noRecords(), shipments: buildShipments(context, scan) };
}
