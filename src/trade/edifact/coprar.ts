/**
 * COPRAR (container discharge/loading order to a terminal) → planned ContainerEvents.
 * BGM+45 loading order (place LOC+9, time DTM+133 ETD), BGM+44 discharge order (LOC+11, DTM+132 ETA)
 * [SMDG usage, memory]. Orders are not facts, so every event has isPlanned = true.
 */

import type { MapContext, MappedRecords } from "./context.ts";
import { noRecords } from "./context.ts";
import { buildEquipmentEvents } from "./equipment-events.ts";
import type { EventRule } from "./equipment-events.ts";
import { scanEquipmentGroups } from "./equipment-groups.ts";
import { at, val } from "./segment.ts";

/** Map one COPRAR message; never throws. */
export function mapCoprar(context: MapContext): MappedRecords {
  const message = scanEquipmentGroups(context.message.body, context.out);
  const code = message.bgm ? val(message.bgm, 1) : undefined;
  const rule = orderRule(code);
  if (rule.eventType === "other") {
    context.out.warning(
      "coprar.unknown_order_type",
      `COPRAR document code "${code ?? ""}" is neither 45 (loading) nor 44 (discharge)`,
      message.bgm ? at(message.bgm, 1) : at(context.message.unh),
    );
  }
  return { ...noRecords(), containerEvents: buildEquipmentEvents(context, message, () => rule) };
}

function orderRule(code: string | undefined): EventRule {
  if (code === "45") {
    return {
      eventType: "loaded",
      isPlanned: true,
      statusCode: code,
      placeQualifiers: ["9", "5"],
      timeQualifiers: ["133", "132"],
    };
  }
  if (code === "44") {
    return {
      eventType: "discharged",
      isPlanned: true,
      statusCode: code,
      placeQualifiers: ["11", "61"],
      timeQualifiers: ["132", "133"],
    };
  }
  return {
    eventType: "other",
    isPlanned: true,
    statusCode: code,
    placeQualifiers: ["9", "11"],
    timeQualifiers: ["133", "132"],
  };
}
