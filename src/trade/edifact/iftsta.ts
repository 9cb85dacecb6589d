/**
 * IFTSTA (international multimodal status report) → ContainerEvent per STS and container.
 * Containers come from EQD or RFF+EQ in the status group, else from the consignment or header.
 * Event type is read from the status text (STS e2 component 4); codes alone are kept as "other".
 */

import { checkContainer, checkLocation } from "../diagnostics.ts";
import type { CheckedContainer } from "../diagnostics.ts";
import { assignDefined } from "../records.ts";
import type { ContainerEvent, ContainerEventType } from "../records.ts";
import { readEquipment } from "./common.ts";
import type { MapContext, MappedRecords } from "./context.ts";
import { noRecords, sourceOf } from "./context.ts";
import { eventPlace } from "./equipment-events.ts";
import { addToLevel, firstOf, newLevel } from "./equipment-groups.ts";
import type { Level } from "./equipment-groups.ts";
import type { EdifactSegment } from "./lexer.ts";
import { at, val } from "./segment.ts";

interface StatusGroup extends Level {
  sts: EdifactSegment;
  consignment: Level;
  containers: Array<CheckedContainer & { sizeType?: string; fullEmpty?: "full" | "empty" }>;
}

const KEYWORDS: ReadonlyArray<[RegExp, ContainerEventType]> = [
  [/gate[\s-]?in|in[\s-]?gate/i, "gate-in"],
  [/gate[\s-]?out|out[\s-]?gate/i, "gate-out"],
  [/discharg|unload/i, "discharged"],
  [/load/i, "loaded"],
  [/depart/i, "departed"],
  [/arriv/i, "arrived"],
];

/** Map one IFTSTA message; never throws. */
export function mapIftsta(context: MapContext): MappedRecords {
  const header = newLevel();
  const groups = scanStatuses(context, header);
  const containerEvents: ContainerEvent[] = [];
  for (const group of groups) {
    const containers = group.containers.length > 0 ? group.containers : fallbackContainers(context, group, header);
    if (containers.length === 0) {
      context.out.dropped(
        "warning",
        "iftsta.status_without_equipment",
        "status names no container; no event recorded",
        at(group.sts),
      );
    }
    for (const container of containers) {
      containerEvents.push(buildEvent(context, header, group, container));
    }
  }
  return { ...noRecords(), containerEvents };
}

function scanStatuses(context: MapContext, header: Level): StatusGroup[] {
  const groups: StatusGroup[] = [];
  let consignment: Level = header;
  let level: Level = header;
  for (const segment of context.message.body) {
    if (segment.tag === "CNI") {
      consignment = newLevel();
      consignment.refs.set("CNI", val(segment, 2) ?? "");
      level = consignment;
    } else if (segment.tag === "STS") {
      const group: StatusGroup = { ...newLevel(), sts: segment, consignment, containers: [] };
      groups.push(group);
      level = group;
    } else if (segment.tag === "EQD" && level !== header && level !== consignment) {
      const equipment = readEquipment(segment, context.out);
      addContainer((level as StatusGroup).containers, equipment);
    } else {
      addToLevel(level, segment, context.out);
    }
  }
  for (const group of groups) {
    const ref = group.segments.find((s) => s.tag === "RFF" && val(s, 1) === "EQ");
    if (ref) {
      addContainer(group.containers, checkContainer(val(ref, 1, 2), at(ref, 1, 2), context.out));
    }
  }
  return groups;
}

function addContainer(list: StatusGroup["containers"], container: StatusGroup["containers"][number]): void {
  if (container.number && !list.some((c) => c.number === container.number)) {
    list.push(container);
  }
}

function fallbackContainers(context: MapContext, group: StatusGroup, header: Level): StatusGroup["containers"] {
  for (const level of [group.consignment, header]) {
    const ref = level.segments.find((s) => s.tag === "RFF" && val(s, 1) === "EQ");
    if (ref) {
      return [checkContainer(val(ref, 1, 2), at(ref, 1, 2), context.out)];
    }
  }
  return [];
}

function buildEvent(
  context: MapContext,
  header: Level,
  group: StatusGroup,
  container: StatusGroup["containers"][number],
): ContainerEvent {
  const levels = [group, group.consignment, header];
  const statusText = val(group.sts, 2, 4);
  const placeSegment = firstOf([group.places], ["175", "5"]);
  const transport = group.transport ?? header.transport;
  const maritime = transport !== undefined && isMaritime(group, header);
  const event: ContainerEvent = {
    source: sourceOf(context, group.sts),
    container: container.number,
    containerValid: container.isValid,
    eventType: eventType(statusText),
    isPlanned: false,
    vessel: maritime && transport ? { ...transport.vessel } : {},
  };
  const port = (qualifiers: readonly string[], what: string): string | undefined => {
    const segment = firstOf(
      levels.map((l) => l.places),
      qualifiers,
    );
    return segment ? checkLocation(val(segment, 2), what, at(segment, 2, 1), context.out) : undefined;
  };
  assignDefined(event, {
    statusCode: val(group.sts, 2),
    statusText,
    time: firstOf([group.dates], ["334", "7"]),
    ...(placeSegment ? eventPlace(placeSegment, context.out) : {}),
    voyage: maritime ? transport?.voyage : undefined,
    billOfLading:
      firstOf(
        levels.map((l) => l.refs),
        ["BM", "CNI"],
      ) || undefined,
    bookingNumber: firstOf(
      levels.map((l) => l.refs),
      ["BN"],
    ),
    sizeType: container.sizeType,
    fullEmpty: container.fullEmpty,
    portOfLoading: port(["9"], "port of loading"),
    portOfDischarge: port(["11"], "port of discharge"),
    finalDestination: port(["7", "83"], "final destination"),
  });
  return event;
}

/** The TDT mode (e3) says whether the carrier is a vessel: 1 maritime, or no mode given. */
function isMaritime(group: StatusGroup, header: Level): boolean {
  const tdt = group.segments.find((s) => s.tag === "TDT") ?? header.segments.find((s) => s.tag === "TDT");
  const mode = tdt ? val(tdt, 3) : undefined;
  return mode === undefined || mode === "1";
}

function eventType(text: string | undefined): ContainerEventType {
  if (!text) {
    return "other";
  }
  return KEYWORDS.find(([pattern]) => pattern.test(text))?.[1] ?? "other";
}
