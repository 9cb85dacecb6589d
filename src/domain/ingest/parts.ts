import type { Diagnostic } from "../../trade/diagnostics.ts";
import type { ContainerEvent, ManifestShipment, TradeFormat } from "../../trade/records.ts";
import { addDiagnostics, addRejection, type FileReport } from "./report.ts";
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
  readonly events: ContainerEvent[] = [];

  /** Records and events waiting. */
  get size(): number {
    return this.accepted.length + this.held.length + this.events.length;
  }
}

/** Validates a part into the chunk and counts it in the report (shipments accepted, records held, events). */
export function takePart(report: FileReport, chunk: PendingChunk, part: ParsedPart): void {
  if (report.format === "unknown" && part.format !== "unknown") {
    report.format = part.format;
  }
  report.messages += part.messages;
  addDiagnostics(report, part.diagnostics);
  for (const record of part.shipments) {
    const checked = validateShipment(record, { format: report.format, fallbackRef: part.fallbackRef });
    if (checked.ok) {
      chunk.accepted.push(checked.value);
      chunk.rawByKey.set(checked.value.messageKey, () => part.rawText(record));
      report.shipments++;
      report.containers += checked.value.containers.length;
    } else {
      chunk.held.push({ rejection: checked.rejection, raw: part.rawText(record), record });
      report.quarantined++;
      addRejection(report, checked.rejection);
    }
  }
  for (const event of part.events) {
    if (event.containerValid) {
      chunk.events.push(event);
      report.events++;
    }
  }
}
