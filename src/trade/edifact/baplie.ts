/**
 * BAPLIE (bayplan/stowage plan) → StowageRecord per occupied cell. Handles SMDG 2.x (D.95B:
 * `LOC+147+0050302::5`, `EQD+CN+id+22G1+…+5`, MEA+WT/VGM, NAD+CA) and SMDG 3.x (D.13B:
 * `LOC+147+0200688:9711:5`, `EQD+CN+id:6346:5+42U0:6346:5`, MEA+AAE+AET, NAD+CF). A cell without
 * EQD but with RFF+EQ (SMDG 3 "lost" cells) still yields a record for that id. Every record
 * carries the port the plan describes the vessel leaving and the time the plan speaks for.
 */

import { checkContainer, checkLocation, isPlaceholder } from "../diagnostics.ts";
import type { CheckedContainer } from "../diagnostics.ts";
import { assignDefined } from "../records.ts";
import type { StowageRecord } from "../records.ts";
import { readEquipment, readWeight } from "./common.ts";
import type { Equipment } from "./common.ts";
import type { MapContext, MappedRecords } from "./context.ts";
import { noRecords, sourceOf } from "./context.ts";
import { addToLevel, firstOf, newLevel } from "./equipment-groups.ts";
import type { Level } from "./equipment-groups.ts";
import type { EdifactSegment } from "./lexer.ts";
import { at, joinText, val } from "./segment.ts";

interface Cell extends Level {
  loc: EdifactSegment;
}

/** Map one BAPLIE message; never throws. */
export function mapBaplie(context: MapContext): MappedRecords {
  const { header, cells } = splitCells(context);
  const plan = readPlan(context, header);
  const stowage: StowageRecord[] = [];
  for (const cell of cells) {
    for (const container of cellContainers(context, cell)) {
      stowage.push(assignDefined(buildRecord(context, header, cell, container), plan));
    }
  }
  return { ...noRecords(), stowage };
}

function splitCells(context: MapContext): { header: Level; cells: Cell[] } {
  const header = newLevel();
  const cells: Cell[] = [];
  let level: Level = header;
  for (const segment of context.message.body) {
    if (segment.tag === "LOC" && val(segment, 1) === "147") {
      const cell: Cell = { ...newLevel(), loc: segment };
      cells.push(cell);
      level = cell;
      continue;
    }
    addToLevel(level, segment, context.out);
  }
  return { header, cells };
}

/** What the header says of every cell: the port of departure and the time the plan speaks for. */
function readPlan(context: MapContext, header: Level): Pick<StowageRecord, "placeOfDeparture" | "reportedAt"> {
  const ports = new Map<string, string | undefined>();
  for (const [qualifier, what] of [
    ["5", "place of departure"],
    ["61", "next port of call"],
  ] as const) {
    const segment = header.places.get(qualifier);
    if (segment) {
      ports.set(qualifier, checkLocation(val(segment, 2), what, at(segment, 2, 1), context.out));
    }
  }
  const reportedAt = planTime(context, header);
  if (!reportedAt) {
    const message =
      "the bay plan states no date (DTM+137, 136 or 178, or the interchange's); its cells cannot be placed in time";
    context.out.warning("baplie.no_time", message, at(context.message.unh));
  }
  return { placeOfDeparture: ports.get("5"), reportedAt };
}

/**
 * The plan's preparation time (DTM+137), taken from the interchange when DTM+137 gives the day
 * only and the interchange was prepared that day; else the actual departure or arrival.
 */
function planTime(context: MapContext, header: Level): string | undefined {
  const prepared = header.dates.get("137");
  const interchange = context.message.interchange?.preparedAt;
  if (prepared && !prepared.includes("T") && interchange?.startsWith(`${prepared}T`)) {
    return interchange;
  }
  return prepared ?? header.dates.get("136") ?? header.dates.get("178") ?? interchange;
}

type CellContainer = CheckedContainer & Partial<Equipment> & { segment: EdifactSegment };

function cellContainers(context: MapContext, cell: Cell): CellContainer[] {
  const eqds = cell.segments.filter((s) => s.tag === "EQD");
  if (eqds.length > 0) {
    return eqds.map((segment) => ({ ...readEquipment(segment, context.out), segment }));
  }
  const ref = cell.segments.find((s) => s.tag === "RFF" && val(s, 1) === "EQ");
  if (ref) {
    return [{ ...checkContainer(val(ref, 1, 2), at(ref, 1, 2), context.out), segment: ref }];
  }
  context.out.dropped(
    "warning",
    "baplie.cell_without_equipment",
    `cell ${val(cell.loc, 2) ?? "?"} names no equipment; no stowage recorded`,
    at(cell.loc, 2),
  );
  return [];
}

function buildRecord(context: MapContext, header: Level, cell: Cell, container: CellContainer): StowageRecord {
  const { out } = context;
  const cellCode = val(cell.loc, 2) ?? "";
  const port = (qualifiers: readonly string[], what: string): string | undefined => {
    const segment = firstOf([cell.places], qualifiers);
    return segment ? checkLocation(val(segment, 2), what, at(segment, 2, 1), out) : undefined;
  };
  const record: StowageRecord = {
    source: sourceOf(context, cell.loc),
    container: container.number,
    containerValid: container.isValid,
    cell: cellCode,
    vessel: { ...(header.transport?.vessel ?? {}) },
  };
  const weights = cell.segments.filter((s) => s.tag === "MEA").map(readWeight);
  const operator = cell.parties.get("CA") ?? cell.parties.get("CF");
  assignDefined(record, {
    ...splitCell(cellCode, context, cell.loc),
    portOfLoading: port(["9", "76"], "port of loading"),
    portOfDischarge: port(["11", "12"], "port of discharge"),
    placeOfDelivery: port(["83", "7"], "place of delivery"),
    weightKg: weights.find((w) => w?.kind === "gross")?.kg,
    vgmKg: weights.find((w) => w?.kind === "vgm")?.kg,
    sizeType: container.sizeType,
    fullEmpty: container.fullEmpty,
    movement: container.movement,
    movementCode: container.movementCode,
    operator: operator ? val(operator, 2) : undefined,
    voyage: voyage(context, header),
    billOfLading: cell.refs.get("BM"),
    bookingNumber: cell.refs.get("BN"),
  });
  const remarks = cell.segments
    .filter((s) => s.tag === "FTX")
    .map(remark)
    .filter((r) => r !== undefined);
  if (remarks.length > 0) {
    record.remarks = remarks;
  }
  return record;
}

function voyage(context: MapContext, header: Level): string | undefined {
  const value = header.transport?.voyage ?? header.refs.get("VON");
  if (value && isPlaceholder(value)) {
    context.out.error("value.placeholder", `voyage "${value}" is a placeholder, ignored`, at(context.message.unh));
    return undefined;
  }
  return value;
}

function splitCell(
  cell: string,
  context: MapContext,
  loc: EdifactSegment,
): { bay?: string; row?: string; tier?: string } {
  const digits = /^\d{6}$/.test(cell) ? `0${cell}` : cell;
  const match = /^(\d{3})(\d{2})(\d{2})$/.exec(digits);
  if (!match) {
    context.out.warning("baplie.cell_format", `stowage cell "${cell}" is not BBBRRTT`, at(loc, 2, 1));
    return {};
  }
  return { bay: match[1], row: match[2], tier: match[3] };
}

function remark(segment: EdifactSegment): string | undefined {
  const text = joinText(segment, 4) ?? val(segment, 3);
  return text ? `${val(segment, 1) ?? ""}: ${text}` : undefined;
}
