/**
 * Shared ContainerEvent builder for the terminal messages (COARRI, CODECO, COPRAR): one event per
 * EQD group, with place, time, references and ports taken from the group or else the header.
 */

import { checkLocation } from "../diagnostics.ts";
import type { DiagnosticCollector } from "../diagnostics.ts";
import { assignDefined } from "../records.ts";
import type { ContainerEvent, ContainerEventType } from "../records.ts";
import { parseLocode } from "../unlocode.ts";
import { readEquipment } from "./common.ts";
import type { Equipment } from "./common.ts";
import type { MapContext } from "./context.ts";
import { sourceOf } from "./context.ts";
import type { EquipmentGroup, EquipmentMessage } from "./equipment-groups.ts";
import { firstOf } from "./equipment-groups.ts";
import type { EdifactSegment } from "./lexer.ts";
import { at, val } from "./segment.ts";

/** How a message type turns an equipment group into an event. */
export interface EventRule {
  eventType: ContainerEventType;
  isPlanned: boolean;
  statusCode?: string;
  /** LOC qualifiers for the event place, in order of preference. */
  placeQualifiers: readonly string[];
  /** DTM qualifiers for the event time, in order of preference. */
  timeQualifiers: readonly string[];
}

/** Build one event per EQD group; groups without a container id are reported and skipped. */
export function buildEquipmentEvents(
  context: MapContext,
  message: EquipmentMessage,
  ruleFor: (group: EquipmentGroup, equipment: Equipment) => EventRule,
): ContainerEvent[] {
  const events: ContainerEvent[] = [];
  for (const group of message.groups) {
    const equipment = readEquipment(group.eqd, context.out);
    if (!equipment.number) {
      context.out.dropped(
        "error",
        "event.no_equipment",
        "equipment group names no container id; no event recorded",
        at(group.eqd, 2),
      );
      continue;
    }
    events.push(buildEvent(context, message, group, equipment, ruleFor(group, equipment)));
  }
  return events;
}

function buildEvent(
  context: MapContext,
  message: EquipmentMessage,
  group: EquipmentGroup,
  equipment: Equipment,
  rule: EventRule,
): ContainerEvent {
  const { out } = context;
  const levels = [group, message.header];
  const transport = message.header.transport;
  const port = (qualifiers: readonly string[], what: string): string | undefined => {
    const segment = firstOf(
      levels.map((l) => l.places),
      qualifiers,
    );
    return segment ? checkLocation(val(segment, 2), what, at(segment, 2, 1), out) : undefined;
  };
  const placeSegment = firstOf(
    levels.map((l) => l.places),
    rule.placeQualifiers,
  );
  const event: ContainerEvent = {
    source: sourceOf(context, group.eqd),
    container: equipment.number,
    containerValid: equipment.isValid,
    eventType: rule.eventType,
    isPlanned: rule.isPlanned,
    vessel: { ...(transport?.vessel ?? {}) },
  };
  assignDefined(event, {
    statusCode: rule.statusCode,
    time: firstOf(
      levels.map((l) => l.dates),
      rule.timeQualifiers,
    ),
    ...(placeSegment ? eventPlace(placeSegment, out) : {}),
    voyage: transport?.voyage ?? message.header.refs.get("VON"),
    billOfLading: firstOf(
      levels.map((l) => l.refs),
      ["BM"],
    ),
    bookingNumber: firstOf(
      levels.map((l) => l.refs),
      ["BN"],
    ),
    sizeType: equipment.sizeType,
    fullEmpty: equipment.fullEmpty,
    portOfLoading: port(["9"], "port of loading"),
    portOfDischarge: port(["11"], "port of discharge"),
    finalDestination: port(["7", "83"], "final destination"),
    cell: cellOf(group),
  });
  return event;
}

function cellOf(group: EquipmentGroup): string | undefined {
  const segment = group.places.get("147");
  return segment ? val(segment, 2) : undefined;
}

/** Event place: a UN/LOCODE goes to `place`, anything else (terminal codes, names) to `placeName`. */
export function eventPlace(segment: EdifactSegment, out: DiagnosticCollector): { place?: string; placeName?: string } {
  const code = checkLocation(val(segment, 2), "event place", at(segment, 2, 1), out);
  const name = val(segment, 2, 4) ?? val(segment, 3, 4) ?? val(segment, 3);
  const result: { place?: string; placeName?: string } = {};
  if (code && parseLocode(code).ok) {
    return assignDefined(result, { place: code, placeName: name });
  }
  return assignDefined(result, { placeName: name ?? code });
}
