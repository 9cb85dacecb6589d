/**
 * COARRI (container discharge/loading report) → ContainerEvent loaded/discharged per EQD group.
 * Report type from BGM (SMDG usage [memory]: 98/44 discharge, 270/46/45 loading), else from the
 * EQD movement status (2 export → loaded, 3 import → discharged). Time DTM+203 (execution).
 */

import type { MapContext, MappedRecords } from "./context.ts";
import { noRecords } from "./context.ts";
import type { Equipment } from "./common.ts";
import { buildEquipmentEvents } from "./equipment-events.ts";
import type { EventRule } from "./equipment-events.ts";
import { scanEquipmentGroups } from "./equipment-groups.ts";
import { at, val } from "./segment.ts";

const DISCHARGE_REPORTS = new Set(["44", "98"]);
const LOADING_REPORTS = new Set(["45", "46", "270"]);
const TIMES = ["203", "178", "186", "7", "132", "133"];

/** Map one COARRI message; never throws. */
export function mapCoarri(context: MapContext): MappedRecords {
  const message = scanEquipmentGroups(context.message.body, context.out);
  const code = message.bgm ? val(message.bgm, 1) : undefined;
  let warned = false;
  const ruleFor = (_group: unknown, equipment: Equipment): EventRule => {
    const type = reportType(code, equipment.movementCode);
    if (type === "other" && !warned) {
      warned = true;
      context.out.warning(
        "coarri.unknown_report_type",
        `COARRI report type "${code ?? ""}" not recognised; events typed "other"`,
        message.bgm ? at(message.bgm, 1) : at(context.message.unh),
      );
    }
    const placeQualifiers = type === "discharged" ? ["11", "147", "165", "5"] : ["9", "165", "5"];
    return { eventType: type, isPlanned: false, statusCode: code, placeQualifiers, timeQualifiers: TIMES };
  };
  return { ...noRecords(), containerEvents: buildEquipmentEvents(context, message, ruleFor) };
}

function reportType(code: string | undefined, movement: string | undefined): "loaded" | "discharged" | "other" {
  if (code && DISCHARGE_REPORTS.has(code)) {
    return "discharged";
  }
  if (code && LOADING_REPORTS.has(code)) {
    return "loaded";
  }
  if (movement === "2") {
    return "loaded";
  }
  return movement === "3" ? "discharged" : "other";
}
