/**
 * CODECO (container gate-in/gate-out report) → ContainerEvent per EQD group.
 * BGM+34 gate-in, BGM+36 gate-out; place LOC+165 (terminal), time DTM+7 (effective).
 */

import type { MapContext, MappedRecords } from "./context.ts";
import { noRecords } from "./context.ts";
import { buildEquipmentEvents } from "./equipment-events.ts";
import type { EventRule } from "./equipment-events.ts";
import { scanEquipmentGroups } from "./equipment-groups.ts";
import { at, val } from "./segment.ts";

const TIMES = ["7", "203", "178", "186", "132", "133"];
const PLACES = ["165", "5", "9", "11"];

/** Map one CODECO message; never throws. */
export function mapCodeco(context: MapContext): MappedRecords {
  const message = scanEquipmentGroups(context.message.body, context.out);
  const code = message.bgm ? val(message.bgm, 1) : undefined;
  const eventType = code === "34" ? "gate-in" : code === "36" ? "gate-out" : "other";
  if (eventType === "other") {
    context.out.warning(
      "codeco.unknown_report_type",
      `CODECO document code "${code ?? ""}" is neither 34 (gate-in) nor 36 (gate-out)`,
      message.bgm ? at(message.bgm, 1) : at(context.message.unh),
    );
  }
  const rule: EventRule = {
    eventType,
    isPlanned: false,
    statusCode: code,
    placeQualifiers: PLACES,
    timeQualifiers: TIMES,
  };
  return { ...noRecords(), containerEvents: buildEquipmentEvents(context, message, () => rule) };
}
