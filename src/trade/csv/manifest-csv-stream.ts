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
import { formatCsvRecord, streamCsvRecords } from "./csv-stream.ts";
import type { CsvChunkSource } from "./csv-stream.ts";
import { DEFAULT_LAYOUT } from "./layout.ts";
import type { CsvLayout } from "./layout.ts";
import { addCsvDataRow, readCsvHeader } from "./manifest-csv.ts";
import type { CsvHeaderContext } from "./manifest-csv.ts";

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

/** Read a CSV manifest from chunks, one bill of lading at a time; never throws on bad input. */
export async function* streamManifestCsv(
  source: CsvChunkSource,
  options: { file?: string; layout?: CsvLayout } = {},
): AsyncGenerator<StreamedCsvShipment, void, undefined> {
  const layout = options.layout ?? DEFAULT_LAYOUT;
  const out = new DiagnosticCollector(options.file);
  let context: CsvHeaderContext | undefined;
  let open: OpenBill | undefined;
  let rowNumber = 0;
  const close = (): StreamedCsvShipment | undefined => {
    const shipment = open?.byBill.get(open.bill);
    const raw = open && context ? [context.header, ...open.rows].map((r) => formatCsvRecord(r, layout.delimiter)).join("\n") + "\n" : "";
    open = undefined;
    return shipment ? { shipment, raw, diagnostics: drain(out) } : undefined;
  };
  for await (const record of streamCsvRecords(source, { delimiter: layout.delimiter, diagnostics: out })) {
    if (!context) {
      context = readCsvHeader(record, layout, out, options.file);
      continue;
    }
    rowNumber++;
    const bill = billOf(context, record.fields);
    if (open && bill !== undefined && bill !== open.bill) {
      const done = close();
      if (done) {
        yield done;
      }
    }
    const current: OpenBill = open ?? { bill: bill ?? "", byBill: new Map(), rows: [] };
    addCsvDataRow(context, record, rowNumber, current.byBill, out);
    if (bill !== undefined) {
      current.rows.push(record.fields);
      open = current;
    }
  }
  const last = close();
  if (last) {
    yield last;
  }
  if (!context) {
    out.error("csv.empty", "CSV has no header row");
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
