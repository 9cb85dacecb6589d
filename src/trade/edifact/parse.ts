/**
 * EDIFACT entry points: parse a whole text, or stream messages from chunks, into trade records.
 */

import { DiagnosticCollector } from "../diagnostics.ts";
import type { Diagnostic } from "../diagnostics.ts";
import { emptyParseResult } from "../records.ts";
import type { ParseResult, TradeFormat } from "../records.ts";
import { mapBaplie } from "./baplie.ts";
import { mapCoarri } from "./coarri.ts";
import { mapCodeco } from "./codeco.ts";
import type { MappedRecords, MessageMapper } from "./context.ts";
import { noRecords } from "./context.ts";
import { mapCoprar } from "./coprar.ts";
import { mapCuscar } from "./cuscar.ts";
import type { EdifactMessage } from "./envelope.ts";
import { EdifactMessageAssembler } from "./envelope.ts";
import { mapIftmin } from "./iftmin.ts";
import { mapIftsta } from "./iftsta.ts";
import { at } from "./segment.ts";
import { streamEdifactSegments, tokenizeEdifact } from "./tokenize.ts";
import type { ChunkSource, TokenizeOptions } from "./tokenize.ts";

const MAPPERS: Readonly<Record<string, { format: TradeFormat; map: MessageMapper }>> = {
  CUSCAR: { format: "cuscar", map: mapCuscar },
  IFTMIN: { format: "iftmin", map: mapIftmin },
  BAPLIE: { format: "baplie", map: mapBaplie },
  COARRI: { format: "coarri", map: mapCoarri },
  CODECO: { format: "codeco", map: mapCodeco },
  COPRAR: { format: "coprar", map: mapCoprar },
  IFTSTA: { format: "iftsta", map: mapIftsta },
};

/** Our format name for an EDIFACT message type ("BAPLIE" → "baplie"); "unknown" if unsupported. */
export function edifactFormat(messageType: string): TradeFormat {
  return MAPPERS[messageType.toUpperCase()]?.format ?? "unknown";
}

/** Records from one message, with the format it was mapped as. */
export interface MessageRecords extends MappedRecords {
  format: TradeFormat;
  message: EdifactMessage;
}

/** Map one assembled message with the mapper for its type; unsupported types yield a warning. */
export function mapEdifactMessage(message: EdifactMessage, out: DiagnosticCollector): MessageRecords {
  const entry = MAPPERS[message.type];
  if (!entry) {
    out.dropped(
      "warning",
      "edifact.unsupported_message",
      `message type "${message.type}" is not mapped`,
      at(message.unh, 2, 1),
    );
    return { ...noRecords(), format: "unknown", message };
  }
  try {
    return { ...entry.map({ message, format: entry.format, file: out.file, out }), format: entry.format, message };
  } catch (error) {
    // A mapper bug must not take down an ingest run; report it against the message instead.
    const reason = error instanceof Error ? error.message : String(error);
    out.dropped(
      "error",
      "edifact.mapper_failed",
      `could not map ${message.type} ${message.ref}: ${reason}`,
      at(message.unh),
    );
    return { ...noRecords(), format: entry.format, message };
  }
}

/** Parse a complete EDIFACT interchange into records and diagnostics; never throws. */
export function parseEdifact(text: string, options: { file?: string } = {}): ParseResult {
  const out = new DiagnosticCollector(options.file);
  const { segments } = tokenizeEdifact(text, { file: options.file, diagnostics: out });
  const assembler = new EdifactMessageAssembler(out);
  const result = emptyParseResult("unknown");
  const add = (message: EdifactMessage | undefined): void => {
    if (!message) {
      return;
    }
    const records = mapEdifactMessage(message, out);
    if (result.format === "unknown") {
      result.format = records.format;
    }
    result.shipments.push(...records.shipments);
    result.containerEvents.push(...records.containerEvents);
    result.stowage.push(...records.stowage);
  };
  for (const segment of segments) {
    add(assembler.push(segment));
  }
  add(assembler.end());
  result.messages = assembler.messageCount;
  result.diagnostics = dedupeDiagnostics(out.list);
  return result;
}

/** Assemble messages from a chunk stream, one at a time (memory bounded by the largest message). */
export async function* streamEdifactMessages(
  source: ChunkSource,
  options: TokenizeOptions = {},
): AsyncGenerator<EdifactMessage, void, undefined> {
  const out = options.diagnostics ?? new DiagnosticCollector(options.file);
  const assembler = new EdifactMessageAssembler(out);
  for await (const segment of streamEdifactSegments(source, { ...options, diagnostics: out })) {
    const message = assembler.push(segment);
    if (message) {
      yield message;
    }
  }
  const last = assembler.end();
  if (last) {
    yield last;
  }
}

/** Records of one streamed message plus the diagnostics raised since the previous one. */
export interface StreamedRecords extends MessageRecords {
  diagnostics: Diagnostic[];
}

/** Stream chunks in, get mapped records out per message; diagnostics arrive with the message they precede. */
export async function* parseEdifactStream(
  source: ChunkSource,
  options: Omit<TokenizeOptions, "diagnostics"> = {},
): AsyncGenerator<StreamedRecords, void, undefined> {
  const out = new DiagnosticCollector(options.file);
  let reported = 0;
  for await (const message of streamEdifactMessages(source, { ...options, diagnostics: out })) {
    const records = mapEdifactMessage(message, out);
    yield { ...records, diagnostics: out.list.slice(reported) };
    reported = out.list.length;
  }
  if (out.list.length > reported) {
    // Trailer problems (missing UNZ) surface after the last message.
    yield { ...noRecords(), format: "unknown", message: emptyMessage(), diagnostics: out.list.slice(reported) };
  }
}

function emptyMessage(): EdifactMessage {
  return { ref: "", type: "", unh: { tag: "UNH", elements: [], index: 0, line: 0 }, body: [] };
}

/** Drop repeated identical findings (the same header LOC checked once per consignment, say). */
export function dedupeDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = JSON.stringify([
      d.severity,
      d.code,
      d.segment,
      d.element,
      d.component,
      d.line,
      d.row,
      d.column,
      d.message,
    ]);
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}
