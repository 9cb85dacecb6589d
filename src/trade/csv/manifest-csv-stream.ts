/**
 * Streaming CSV manifest reader: rows arrive in chunks and each bill of lading is handed out as
 * soon as its rows end, so memory holds one bill at a time.
 *
 * Assumption: the rows of one bill are contiguous, as our default layout and writer produce them.
 * A bill that reappears after other bills comes out as a second shipment with the same bill
 * (ingest then refuses the second part as a reused reference instead of merging it silently).
 */

import type { Diagnostic } from "../diagnostics.ts";
import { DiagnosticCollector } from "../diagnostics.ts";
import { dedupeDiagnostics } from "../edifact/parse.ts";
import type { ManifestShipment } from "../records.ts";
import { CsvRecordReader, formatCsvRecord } from "./csv-stream.ts";
import type { CsvChunkSource } from "./csv-stream.ts";
import { DEFAULT_LAYOUT } from "./layout.ts";
import { piecesOf } from "../text.ts";
import type { CsvLayout } from "./layout.ts";
import { addCsvDataRow, readCsvHeader } from "./manifest-csv.ts";
import type { CsvHeaderContext } from "./manifest-csv.ts";
import type { CsvRecord } from "./csv-stream.ts";

/** One bill read from the stream, the CSV text of its rows (with the header), and findings since the previous one. */
export interface StreamedCsvShipment {
  /** Absent on the final item when only diagnostics remain. */
  shipment?: ManifestShipment;
  raw: string;
  diagnostics: Diagnostic[];
}

interface OpenBill {
  bill: string;
  byBill: Map<string, ManifestShipment>;
  rows: string[][];
}

/** Groups data rows into bills as they come: a bill is complete when the next one starts. */
class BillGrouper {
  private context: CsvHeaderContext | undefined;
  private open: OpenBill | undefined;
  private rowNumber = 0;

  constructor(
    private readonly layout: CsvLayout,
    private readonly out: DiagnosticCollector,
    private readonly file?: string,
  ) {}

  /** Take one record; returns the bill it completed, if any. */
  add(record: CsvRecord): StreamedCsvShipment | undefined {
    if (!this.context) {
      this.context = readCsvHeader(record, this.layout, this.out, this.file);
      return undefined;
    }
    this.rowNumber++;
    const bill = billOf(this.context, record.fields);
    const done = this.open && bill !== undefined && bill !== this.open.bill ? this.close() : undefined;
    const current: OpenBill = this.open ?? { bill: bill ?? "", byBill: new Map(), rows: [] };
    addCsvDataRow(this.context, record, this.rowNumber, current.byBill, this.out);
    if (bill !== undefined) {
      current.rows.push(record.fields);
      this.open = current;
    }
    return done;
  }

  /** Close the last bill; an input without a header is reported. */
  end(): StreamedCsvShipment | undefined {
    if (!this.context) {
      this.out.error("csv.empty", "CSV has no header row");
    }
    return this.close();
  }

  private close(): StreamedCsvShipment | undefined {
    const open = this.open;
    this.open = undefined;
    const shipment = open?.byBill.get(open.bill);
    if (!open || !shipment || !this.context) {
      return undefined;
    }
    const raw =
      [this.context.header, ...open.rows].map((r) => formatCsvRecord(r, this.layout.delimiter)).join("\n") + "\n";
    return { shipment, raw, diagnostics: drain(this.out) };
  }
}

/**
 * Read a CSV manifest from chunks, one bill of lading at a time; never throws on bad input.
 * Each chunk is split into records in one go, so there is no promise per row.
 */
export async function* streamManifestCsv(
  source: CsvChunkSource,
  options: { file?: string; layout?: CsvLayout } = {},
): AsyncGenerator<StreamedCsvShipment, void, undefined> {
  const layout = options.layout ?? DEFAULT_LAYOUT;
  const out = new DiagnosticCollector(options.file);
  const reader = new CsvRecordReader(layout.delimiter, out);
  const grouper = new BillGrouper(layout, out, options.file);
  const billsOf = (records: CsvRecord[]): StreamedCsvShipment[] =>
    records.map((r) => grouper.add(r)).filter((b) => b !== undefined);
  const decoder = new TextDecoder("utf-8");
  for await (const chunk of source) {
    for (const piece of piecesOf(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }))) {
      yield* billsOf(reader.push(piece));
    }
  }
  yield* billsOf([...reader.push(decoder.decode()), ...reader.end()]);
  const last = grouper.end();
  if (last) {
    yield last;
  }
  if (out.list.length > 0) {
    yield { raw: "", diagnostics: drain(out) };
  }
}

function billOf(context: CsvHeaderContext, fields: readonly string[]): string | undefined {
  const index = context.columns.get("bill_of_lading");
  const value = index === undefined ? undefined : fields[index]?.trim();
  return value ? value : undefined;
}

function drain(out: DiagnosticCollector): Diagnostic[] {
  return dedupeDiagnostics(out.list.splice(0));
}
