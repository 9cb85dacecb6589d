/**
 * Split COARRI/CODECO/COPRAR bodies into the message header (BGM, DTM, RFF, NAD, TDT group) and one
 * group per EQD with everything up to the next EQD (RFF, LOC, DTM, MEA, SEL, TDT, NAD …).
 */

import type { DiagnosticCollector } from "../diagnostics.ts";
import type { EdifactSegment } from "./lexer.ts";
import { readDate, readTransport } from "./common.ts";
import type { Transport } from "./common.ts";
import { val } from "./segment.ts";

/** Data read from the segments of one level (header or an equipment group). */
export interface Level {
  refs: Map<string, string>;
  /** LOC segments by qualifier (first wins). */
  places: Map<string, EdifactSegment>;
  /** DTM values by qualifier, ISO 8601. */
  dates: Map<string, string>;
  /** NAD segments by qualifier. */
  parties: Map<string, EdifactSegment>;
  transport?: Transport;
  segments: EdifactSegment[];
}

/** One EQD group. */
export interface EquipmentGroup extends Level {
  eqd: EdifactSegment;
}

/** Header plus equipment groups of one message. */
export interface EquipmentMessage {
  bgm?: EdifactSegment;
  header: Level;
  groups: EquipmentGroup[];
}

/** An empty level. */
export function newLevel(): Level {
  return { refs: new Map(), places: new Map(), dates: new Map(), parties: new Map(), segments: [] };
}

/** Walk the body once, assigning each segment to the header or the current EQD group. */
export function scanEquipmentGroups(body: readonly EdifactSegment[], out: DiagnosticCollector): EquipmentMessage {
  const message: EquipmentMessage = { header: newLevel(), groups: [] };
  let level: Level = message.header;
  for (const segment of body) {
    if (segment.tag === "BGM") {
      message.bgm ??= segment;
      continue;
    }
    if (segment.tag === "EQD") {
      const group: EquipmentGroup = { ...newLevel(), eqd: segment };
      message.groups.push(group);
      level = group;
      continue;
    }
    addToLevel(level, segment, out);
  }
  return message;
}

/** Record a segment on a level: RFF, LOC, NAD, DTM by qualifier (first wins); TDT+20 preferred. */
export function addToLevel(level: Level, segment: EdifactSegment, out: DiagnosticCollector): void {
  level.segments.push(segment);
  const qualifier = val(segment, 1);
  if (segment.tag === "TDT") {
    if (!level.transport || (level.transport.qualifier !== "20" && qualifier === "20")) {
      level.transport = readTransport(segment, out);
    }
    return;
  }
  if (!qualifier) {
    return;
  }
  if (segment.tag === "RFF" && val(segment, 1, 2) && !level.refs.has(qualifier)) {
    level.refs.set(qualifier, val(segment, 1, 2) ?? "");
  } else if (segment.tag === "LOC" && !level.places.has(qualifier)) {
    level.places.set(qualifier, segment);
  } else if (segment.tag === "NAD" && !level.parties.has(qualifier)) {
    level.parties.set(qualifier, segment);
  } else if (segment.tag === "DTM") {
    const { iso } = readDate(segment, out);
    if (iso && !level.dates.has(qualifier)) {
      level.dates.set(qualifier, iso);
    }
  }
}

/** First defined value among the qualifiers, looking in the group first and then the header. */
export function firstOf<T>(maps: ReadonlyArray<ReadonlyMap<string, T>>, qualifiers: readonly string[]): T | undefined {
  for (const map of maps) {
    for (const qualifier of qualifiers) {
      const value = map.get(qualifier);
      if (value !== undefined) {
        return value;
      }
    }
  }
  return undefined;
}
