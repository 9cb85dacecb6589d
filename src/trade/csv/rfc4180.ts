/**
 * RFC 4180 CSV reader: quoted fields with embedded delimiters, quotes ("") and line breaks,
 * CRLF/LF/CR line ends, a leading BOM. Lenient about stray quotes (warnings, once per run of
 * text), never throws.
 */

import { DiagnosticCollector } from "../diagnostics.ts";
import { CsvRecordReader, type CsvRecord } from "./csv-stream.ts";
import type { Diagnostic } from "../diagnostics.ts";

export type { CsvRecord } from "./csv-stream.ts";

/** Records and diagnostics of one CSV text. */
export interface CsvParseResult {
  records: CsvRecord[];
  diagnostics: Diagnostic[];
}

/** Options for parseCsv. */
export interface CsvOptions {
  delimiter?: string;
  file?: string;
  diagnostics?: DiagnosticCollector;
}

/** Split CSV text into records; blank lines are skipped. */
export function parseCsv(text: string, options: CsvOptions = {}): CsvParseResult {
  const out = options.diagnostics ?? new DiagnosticCollector(options.file);
  // The incremental reader takes the text between quotes and separators a run at a time.
  const reader = new CsvRecordReader(options.delimiter ?? ",", out);
  const records = reader.push(text);
  records.push(...reader.end());
  return { records, diagnostics: out.list };
}
