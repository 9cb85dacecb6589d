import type { CsvLayout, TradeFormat } from "../../trade/index.ts";
import type { ParsedPart } from "./parts.ts";

/** How the parsing thread reads its input: EDIFACT or CSV as it streams, anything else as one text. */
export type ParseMode = "edifact" | "csv" | "whole";

/** What the parsing thread is started with (its workerData). */
export interface ParseJob {
  mode: ParseMode;
  file: string;
  format?: TradeFormat;
  csvLayout?: CsvLayout;
  /** Records (shipments, events, cells) after which a batch of parts is sent back. */
  batchRecords: number;
  /** Batches sent and not yet taken before the thread waits. */
  maxInFlight: number;
  /** Input chunks asked for ahead of need. */
  readAhead: number;
  /** For the tests of what a failing thread does: end (exit) or throw once this many batches were sent. */
  fault?: { after: number; how: "exit" | "throw" };
}

/**
 * A parsed part as it crosses between threads: plain data. The source text of a streamed part
 * comes with it; the parts of a whole text find theirs in the text the caller still holds.
 */
export interface WirePart {
  format: TradeFormat;
  messages: number;
  diagnostics: ParsedPart["diagnostics"];
  shipments: ParsedPart["shipments"];
  events: ParsedPart["events"];
  stowage: ParsedPart["stowage"];
  /** The source text of the part (an EDIFACT message, a CSV bill). */
  raw?: string;
  /** The reference given to a record whose message has none, when known ahead. */
  ref?: string;
}

/** Into the thread. */
export type ToParser =
  { t: "chunk"; data: ArrayBuffer | string } | { t: "text"; text: string } | { t: "end" } | { t: "ack" };

/** Out of the thread. */
export type FromParser =
  { t: "need" } | { t: "parts"; parts: WirePart[]; sha256?: string } | { t: "done" } | { t: "failed"; message: string };

/** A part as sent: its records and findings, and its source text when it has its own. */
export function toWire(part: ParsedPart, withRaw: boolean): WirePart {
  const wire: WirePart = {
    format: part.format,
    messages: part.messages,
    diagnostics: part.diagnostics,
    shipments: part.shipments,
    events: part.events,
    stowage: part.stowage,
  };
  if (withRaw) {
    wire.raw = part.shipments.length > 0 ? part.rawText(part.shipments[0] as ParsedPart["shipments"][number]) : "";
    if (part.shipments.length === 0) {
      wire.ref = "";
    }
  }
  return wire;
}
