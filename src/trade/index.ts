/**
 * Public API of the pure trade library (reference codes). Imports nothing outside src/trade.
 */

// --- Reference codes: ISO 6346, IMO, SCAC, UN/LOCODE, HS (codes-* owner) ---
export * from "./iso6346.ts";
export * from "./imo.ts";
export * from "./scac.ts";
export * from "./unlocode.ts";
export * from "./hs.ts";
export * from "./hs-norm.ts";

export { locodeStore } from "./unlocode-store.ts";

// --- EDI parsers (edifact/, x12/, csv/, records.ts) ---
export type {
  ContainerEvent,
  ContainerEventType,
  ManifestShipment,
  MessageFunction,
  ParseResult,
  Party,
  RecordSource,
  StowageRecord,
  TradeFormat,
} from "./records.ts";
export { assignDefined, emptyParseResult, FILE_FORMATS } from "./records.ts";
export type { Diagnostic, Severity, SourcePosition } from "./diagnostics.ts";
export { DiagnosticCollector } from "./diagnostics.ts";
export { detectFormat, parseMessageText, type ParseMessageOptions } from "./detect.ts";
export { parseCsvMapping, type CsvLayout } from "./csv/layout.ts";
export { streamManifestCsv } from "./csv/manifest-csv-stream.ts";
export { EdifactMessageAssembler, type EdifactMessage } from "./edifact/envelope.ts";
export { EdifactLexer, type EdifactSegment } from "./edifact/lexer.ts";
export { piecesOf, READ_PIECE } from "./text.ts";
export { dedupeDiagnostics, mapEdifactMessage } from "./edifact/parse.ts";
export type { ChunkSource } from "./edifact/tokenize.ts";

// --- EDI writers (write-* owner): CUSCAR, default-layout CSV, X12 315 ---
export { writeCuscar } from "./edifact/write-cuscar.ts";
export type { CuscarWriteOptions } from "./edifact/write-cuscar.ts";
export { writeManifestCsv } from "./csv/write-manifest-csv.ts";
export { write315 } from "./x12/write-315.ts";
export type { X12WriteOptions } from "./x12/write-x12.ts";
