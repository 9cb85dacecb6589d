/**
 * RFC 4180 CSV reader: quoted fields with embedded delimiters, quotes ("") and line breaks,
 * CRLF/LF/CR line ends, a leading BOM. Lenient about stray quotes (warnings), never throws.
 */

import { DiagnosticCollector } from "../diagnostics.ts";
import type { Diagnostic } from "../diagnostics.ts";

/** One CSV record and the 1-based line it starts on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

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
  const delimiter = options.delimiter ?? ",";
  const input = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let wasQuoted = false;
  let line = 1;
  let recordLine = 1;
  const endField = (): void => {
    fields.push(field);
    field = "";
    wasQuoted = false;
  };
  const endRecord = (): void => {
    endField();
    if (fields.length > 1 || fields[0] !== "") {
      records.push({ fields, line: recordLine });
    }
    fields = [];
  };
  for (let i = 0; i < input.length; i++) {
    const ch = input.charAt(i);
    if (quoted) {
      if (ch === '"' && input.charAt(i + 1) === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        if (ch === "\n") {
          line++;
        }
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === "" && !wasQuoted) {
      quoted = true;
      wasQuoted = true;
    } else if (ch === delimiter) {
      endField();
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && input.charAt(i + 1) === "\n") {
        i++;
      }
      endRecord();
      line++;
      recordLine = line;
    } else {
      if (ch === '"') {
        out.warning("csv.stray_quote", "quote inside an unquoted field kept as text", { line });
      } else if (wasQuoted) {
        out.warning("csv.text_after_quote", "text after a closing quote kept", { line });
      }
      field += ch;
    }
  }
  if (quoted) {
    out.error("csv.unterminated_quote", "input ends inside a quoted field", { line: recordLine });
  }
  endRecord();
  return { records, diagnostics: out.list };
}
