/**
 * Incremental RFC 4180 reader: the same rules as parseCsv (quoted fields with delimiters, "" and
 * line breaks; CRLF/LF/CR; a leading BOM; blank lines skipped), fed text in pieces of any size.
 * Stray quotes are reported once per run of text rather than once per character.
 */

import { DiagnosticCollector } from "../diagnostics.ts";
import { countNewlines } from "../text.ts";

/** One CSV record and the 1-based line it starts on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

const QUOTE = '"';

/** Feed text with push(), take the records completed so far; end() flushes the last one. */
export class CsvRecordReader {
  private fields: string[] = [];
  private field = "";
  private isQuoted = false;
  private wasQuoted = false;
  private isQuotePending = false;
  private isCrPending = false;
  private isStarted = false;
  private line = 1;
  private recordLine = 1;
  private records: CsvRecord[] = [];
  /** The next delimiter, quote or line end. */
  private readonly special: RegExp;

  constructor(
    private readonly delimiter: string,
    private readonly out: DiagnosticCollector,
  ) {
    this.special = new RegExp(`[\\u${delimiter.charCodeAt(0).toString(16).padStart(4, "0")}"\\r\\n]`, "g");
  }

  /** Consume a piece of text; returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    let text = chunk;
    if (!this.isStarted && text.length > 0) {
      this.isStarted = true;
      text = text.startsWith("\uFEFF") ? text.slice(1) : text;
    }
    let i = this.resumePending(text);
    while (i < text.length) {
      i = this.isQuoted ? this.readQuoted(text, i) : this.readPlain(text, i);
    }
    return this.take();
  }

  /** Signal the end of input; returns the last record if one is open. */
  end(): CsvRecord[] {
    if (this.isQuotePending) {
      this.isQuotePending = false;
      this.isQuoted = false;
    }
    if (this.isQuoted) {
      this.out.error("csv.unterminated_quote", "input ends inside a quoted field", { line: this.recordLine });
    }
    this.endRecord();
    return this.take();
  }

  private take(): CsvRecord[] {
    const done = this.records;
    this.records = [];
    return done;
  }

  /** Finish a CRLF or a quote pair split across two chunks; returns where to continue. */
  private resumePending(text: string): number {
    if (text.length === 0) {
      return 0;
    }
    if (this.isCrPending) {
      this.isCrPending = false;
      return text.charAt(0) === "\n" ? 1 : 0;
    }
    if (!this.isQuotePending) {
      return 0;
    }
    this.isQuotePending = false;
    if (text.charAt(0) === QUOTE) {
      this.field += QUOTE;
      return 1;
    }
    this.isQuoted = false;
    return 0;
  }

  private readQuoted(text: string, from: number): number {
    const quote = text.indexOf(QUOTE, from);
    const end = quote < 0 ? text.length : quote;
    const piece = text.slice(from, end);
    this.field += piece;
    this.line += countNewlines(piece);
    if (quote < 0) {
      return text.length;
    }
    if (quote + 1 >= text.length) {
      this.isQuotePending = true;
      return text.length;
    }
    if (text.charAt(quote + 1) === QUOTE) {
      this.field += QUOTE;
      return quote + 2;
    }
    this.isQuoted = false;
    return quote + 1;
  }

  private readPlain(text: string, i: number): number {
    const ch = text.charAt(i);
    if (ch === QUOTE && this.field === "" && !this.wasQuoted) {
      this.isQuoted = true;
      this.wasQuoted = true;
      return i + 1;
    }
    if (ch === this.delimiter) {
      this.endField();
      return i + 1;
    }
    if (ch === "\n" || ch === "\r") {
      return this.readLineEnd(text, i);
    }
    this.special.lastIndex = i;
    const j = this.special.exec(text)?.index ?? text.length;
    if (j === i) {
      this.out.warning("csv.stray_quote", "quote inside an unquoted field kept as text", { line: this.line });
      this.field += QUOTE;
      return i + 1;
    }
    if (this.wasQuoted) {
      this.out.warning("csv.text_after_quote", "text after a closing quote kept", { line: this.line });
    }
    this.field += text.slice(i, j);
    return j;
  }

  private readLineEnd(text: string, i: number): number {
    let next = i + 1;
    if (text.charAt(i) === "\r") {
      if (next >= text.length) {
        this.isCrPending = true;
      } else if (text.charAt(next) === "\n") {
        next++;
      }
    }
    this.endRecord();
    this.line++;
    this.recordLine = this.line;
    return next;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = "";
    this.wasQuoted = false;
  }

  private endRecord(): void {
    this.endField();
    if (this.fields.length > 1 || this.fields[0] !== "") {
      this.records.push({ fields: this.fields, line: this.recordLine });
    }
    this.fields = [];
  }
}

/** Text or bytes arriving in pieces (a file stream, an HTTP body, an array of strings). */
export type CsvChunkSource = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/** Stream CSV records from chunks (UTF-8 bytes or text), one at a time; never throws on bad input. */
export async function* streamCsvRecords(
  source: CsvChunkSource,
  options: { delimiter?: string; diagnostics: DiagnosticCollector },
): AsyncGenerator<CsvRecord, void, undefined> {
  const reader = new CsvRecordReader(options.delimiter ?? ",", options.diagnostics);
  const decoder = new TextDecoder("utf-8");
  for await (const chunk of source) {
    yield* reader.push(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
  }
  yield* reader.push(decoder.decode());
  yield* reader.end();
}

/** One record as CSV text in the given delimiter, quoting what needs it (RFC 4180). */
export function formatCsvRecord(fields: readonly string[], delimiter = ","): string {
  return fields
    .map((f) => (f.includes(delimiter) || /["\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f))
    .join(delimiter);
}
