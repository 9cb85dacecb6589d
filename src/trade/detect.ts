/**
 * Format detection from the first bytes of a file, and the single entry point that parses any
 * supported trade message text (EDIFACT, X12, CSV) into records and diagnostics.
 */

import type { CsvLayout } from "./csv/layout.ts";
import { parseManifestCsv } from "./csv/manifest-csv.ts";
import { DiagnosticCollector } from "./diagnostics.ts";
import { edifactFormat, parseEdifact } from "./edifact/parse.ts";
import { DEFAULT_DELIMITERS, parseUna } from "./edifact/syntax.ts";
import { emptyParseResult } from "./records.ts";
import type { ParseResult, TradeFormat } from "./records.ts";
import { parseX12, x12Format } from "./x12/parse.ts";

const EDIFACT_FORMATS: ReadonlySet<TradeFormat> = new Set([
  "cuscar",
  "iftmin",
  "baplie",
  "coarri",
  "codeco",
  "coprar",
  "iftsta",
]);
const X12_FORMATS: ReadonlySet<TradeFormat> = new Set(["x12-309", "x12-315", "x12-310"]);

/** Guess the format from the start of a file (a few KB is enough); "unknown" when unsure. */
export function detectFormat(firstBytes: string): TradeFormat {
  const text = firstBytes.replace(/^[\uFEFF\s]+/, "");
  const head = text.slice(0, 3).toUpperCase();
  if (head === "UNA" || head === "UNB" || head === "UNH" || head === "UNG") {
    return detectEdifact(text);
  }
  if (head === "ISA") {
    return detectX12(text);
  }
  if (text.startsWith("{") || text.startsWith("[")) {
    return "json";
  }
  const firstLine = text.split(/\r?\n/, 1)[0] ?? "";
  return /[,;\t]/.test(firstLine) ? "csv" : "unknown";
}

function detectEdifact(text: string): TradeFormat {
  const una = text.slice(0, 3).toUpperCase() === "UNA" ? parseUna(text.slice(0, 9)) : undefined;
  const { element, component } = una?.ok ? una.delimiters : DEFAULT_DELIMITERS;
  const upper = text.toUpperCase();
  const start = upper.indexOf(`UNH${element}`);
  if (start < 0) {
    return "unknown";
  }
  const [, composite = ""] = text.slice(start + 4).split(element, 3);
  const type = composite.split(component, 1)[0] ?? "";
  return edifactFormat(type.trim());
}

function detectX12(text: string): TradeFormat {
  const separator = text.charAt(3);
  if (!separator) {
    return "unknown";
  }
  const escaped = separator.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`(?:^|[^A-Z0-9])ST${escaped}(\\d{3})`, "i").exec(text.slice(106));
  return match?.[1] ? x12Format(match[1]) : "unknown";
}

/** Options for parseMessageText. */
export interface ParseMessageOptions {
  /** Skip detection and parse as this format. */
  format?: TradeFormat;
  /** File name stamped on records and diagnostics. */
  file?: string;
  /** Column mapping for CSV input (default layout otherwise). */
  csvLayout?: CsvLayout;
}

/** Parse any supported trade message text into records and diagnostics; never throws. */
export function parseMessageText(text: string, options: ParseMessageOptions = {}): ParseResult {
  const format = options.format ?? detectFormat(text.slice(0, 8192));
  try {
    if (EDIFACT_FORMATS.has(format)) {
      const result = parseEdifact(text, { file: options.file });
      return { ...result, format: result.format === "unknown" ? format : result.format };
    }
    if (X12_FORMATS.has(format)) {
      const result = parseX12(text, { file: options.file });
      return { ...result, format: result.format === "unknown" ? format : result.format };
    }
    if (format === "csv") {
      return parseManifestCsv(text, { file: options.file, layout: options.csvLayout });
    }
    return unsupported(
      format,
      options.file,
      `${format === "json" ? "JSON" : "this"} input is not a supported message format`,
    );
  } catch (error) {
    // Parsers are written not to throw; this is the last line of defence for an ingest run.
    const reason = error instanceof Error ? error.message : String(error);
    return unsupported(format, options.file, `parser failed: ${reason}`, "parse.failed");
  }
}

function unsupported(
  format: TradeFormat,
  file: string | undefined,
  message: string,
  code = "detect.unsupported_format",
): ParseResult {
  const out = new DiagnosticCollector(file);
  out.dropped("error", code, message);
  return { ...emptyParseResult(format), diagnostics: out.list };
}
