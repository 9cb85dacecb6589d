import type { ContainerEvent, Diagnostic, ManifestShipment, StowageRecord, TradeFormat } from "../../trade/index.ts";
import { addDiagnostics, addRejection, setAside, type FileReport } from "./report.ts";
import { onBoardEvent } from "./stowage.ts";
import { validateShipment, type CleanShipment, type Rejection } from "./validate.ts";

/**
 * A piece of parsed input (one EDIFACT message, one CSV bill, a slice of a whole file): its
 * records, the findings raised while reading it, and the way back to its source text.
 */
export interface ParsedPart {
  format: TradeFormat;
  /** Messages (UNH/ST) this part completes. */
  messages: number;
  diagnostics: readonly Diagnostic[];
  shipments: readonly ManifestShipment[];
  events: readonly ContainerEvent[];
  /** Bay-plan cells. */
  stowage: readonly StowageRecord[];
  /** The source text of one of its records, for the quarantine. */
  rawText: (record: ManifestShipment) => string;
  /** The reference of a record whose message has none. */
  fallbackRef: () => string;
}

/** A record held back, with why and where it came from. */
export interface Held {
  rejection: Rejection;
  raw: string;
  record: ManifestShipment | null;
}

/** Records waiting to be stored together in one transaction. */
export class PendingChunk {
  readonly accepted: CleanShipment[] = [];
  /** Source text of accepted records, in case storage refuses them. */
  readonly rawByKey = new Map<string, () => string>();
  readonly held: Held[] = [];
  /** Container events, bay-plan cells among them as "on-board" events. */
  readonly events: ContainerEvent[] = [];

  /** Records and events waiting. */
  get size(): number {
    return this.accepted.length + this.held.length + this.events.length;
  }
}

/**
 * Validates a part into the chunk and counts it in the report: every record read, and whether it
 * is to land (shipments accepted, events and cells with a valid container), wait in quarantine
 * (shipments refused) or be set aside (events and cells whose container id is not ISO 6346).
 */
export function takePart(report: FileReport, chunk: PendingChunk, part: ParsedPart): void {
  if (report.format === "unknown" && part.format !== "unknown") {
    report.format = part.format;
  }
  report.messages += part.messages;
  addDiagnostics(report, part.diagnostics);
  for (const record of part.shipments) {
    report.records.read++;
    const checked = validateShipment(record, { format: report.format, fallbackRef: part.fallbackRef });
    if (checked.ok) {
      chunk.accepted.push(checked.value);
      chunk.rawByKey.set(checked.value.messageKey, () => part.rawText(record));
      report.shipments++;
      report.containers += checked.value.containers.length;
      report.records.landed++;
    } else {
      chunk.held.push({ rejection: checked.rejection, raw: part.rawText(record), record });
      report.quarantined++;
      report.records.quarantined++;
      addRejection(report, checked.rejection);
    }
  }
  for (const event of part.events) {
    takeEvent(report, chunk, event, BAD_EVENT);
  }
  for (const cell of part.stowage) {
    if (takeEvent(report, chunk, onBoardEvent(cell), BAD_CELL)) {
      report.stowage++;
    }
  }
}

const BAD_EVENT = {
  code: "ingest.event_bad_container",
  message: "The event's container number fails the ISO 6346 check; the event is not recorded",
};
const BAD_CELL = {
  code: "ingest.stowage_bad_container",
  message: "The bay-plan cell's container number fails the ISO 6346 check; the cell is not recorded",
};

/** Takes an event (or a cell as its event) to land, or sets it aside when its container id is not valid. */
function takeEvent(
  report: FileReport,
  chunk: PendingChunk,
  event: ContainerEvent,
  invalid: { code: string; message: string },
): boolean {
  report.records.read++;
  if (!event.containerValid) {
    setAside(report, invalid.code, invalid.message);
    return false;
  }
  chunk.events.push(event);
  report.events++;
  report.records.landed++;
  return true;
}
