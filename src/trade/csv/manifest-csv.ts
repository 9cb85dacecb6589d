/**
 * CSV manifest → ManifestShipment records. One row per container/goods line; rows with the same
 * bill of lading are grouped into one shipment. Layout: README.md in this folder.
 */

import {
  checkContainer,
  checkHsCode,
  checkImo,
  checkLocation,
  checkScac,
  checkSizeType,
  DiagnosticCollector,
} from "../diagnostics.ts";
import { dedupeDiagnostics } from "../edifact/parse.ts";
import { isoDateTime } from "../edifact/values.ts";
import { assignDefined, emptyParseResult } from "../records.ts";
import type {
  ContainerRef,
  FullEmpty,
  GoodsLine,
  ManifestShipment,
  MessageFunction,
  ParseResult,
  Party,
  RecordSource,
  Vessel,
} from "../records.ts";
import { DEFAULT_LAYOUT, resolveColumns } from "./layout.ts";
import type { CsvField, CsvLayout } from "./layout.ts";
import { parseCsv } from "./rfc4180.ts";
import type { CsvRecord } from "./csv-stream.ts";
import { CsvRow } from "./row.ts";

/** Options for parseManifestCsv. */
export interface ManifestCsvOptions {
  file?: string;
  /** Column mapping (see parseCsvMapping); the default layout when omitted. */
  layout?: CsvLayout;
}

const FUNCTIONS: Readonly<Record<string, MessageFunction>> = {
  ORIGINAL: "original",
  O: "original",
  "9": "original",
  NEW: "original",
  REPLACE: "replace",
  R: "replace",
  "5": "replace",
  AMEND: "replace",
  AMENDMENT: "replace",
  CANCEL: "cancel",
  C: "cancel",
  "1": "cancel",
  DELETE: "cancel",
};

/** Parse a CSV manifest into shipments; bad rows are reported with row number and column, never thrown. */
export function parseManifestCsv(text: string, options: ManifestCsvOptions = {}): ParseResult {
  const out = new DiagnosticCollector(options.file);
  const layout = options.layout ?? DEFAULT_LAYOUT;
  const result = emptyParseResult("csv");
  const { records } = parseCsv(text, { delimiter: layout.delimiter, diagnostics: out });
  const [header, ...data] = records;
  if (!header) {
    out.error("csv.empty", "CSV has no header row");
    result.diagnostics = out.list;
    return result;
  }
  const context = readCsvHeader(header, layout, out, options.file);
  const byBill = new Map<string, ManifestShipment>();
  data.forEach((record, i) => {
    addCsvDataRow(context, record, i + 1, byBill, out);
  });
  result.shipments = [...byBill.values()];
  result.diagnostics = dedupeDiagnostics(out.list);
  return result;
}

/** A header row resolved against a layout: what the data rows are read through. */
export interface CsvHeaderContext {
  header: readonly string[];
  columns: ReadonlyMap<CsvField, number>;
  file?: string;
}

/** Resolve and check the header row (missing and unknown columns are reported). */
export function readCsvHeader(
  header: CsvRecord,
  layout: CsvLayout,
  out: DiagnosticCollector,
  file?: string,
): CsvHeaderContext {
  const columns = resolveColumns(header.fields, layout.mapping);
  checkHeader(header.fields, columns, layout, out);
  return { header: header.fields, columns, file };
}

/** Add one data row (1-based row number) to the shipment of its bill of lading in `byBill`; returns the bill, if any. */
export function addCsvDataRow(
  context: CsvHeaderContext,
  record: CsvRecord,
  rowNumber: number,
  byBill: Map<string, ManifestShipment>,
  out: DiagnosticCollector,
): string | undefined {
  const row = new CsvRow(record, rowNumber, context.columns, context.header, context.file);
  if (record.fields.length !== context.header.length) {
    out.warning(
      "csv.field_count",
      `row has ${record.fields.length} fields, header has ${context.header.length}`,
      row.at(),
    );
  }
  addRow(row, byBill, out);
  return row.get("bill_of_lading");
}

function checkHeader(
  header: readonly string[],
  columns: ReadonlyMap<CsvField, number>,
  layout: CsvLayout,
  out: DiagnosticCollector,
): void {
  if (!columns.has("bill_of_lading")) {
    const name = layout.mapping.bill_of_lading ?? "bill_of_lading";
    out.error("csv.missing_column", `required column "${name}" (bill_of_lading) is missing`, {
      row: 0,
      column: name,
      line: 1,
    });
  }
  for (const [field, name] of Object.entries(layout.mapping)) {
    if (!columns.has(field as CsvField)) {
      out.warning("csv.missing_column", `mapped column "${name}" (${field}) is not in the header`, {
        column: name,
        line: 1,
      });
    }
  }
  const used = new Set(columns.values());
  const unknown = header.filter((name, index) => !used.has(index) && name.trim() !== "");
  if (unknown.length > 0) {
    out.warning("csv.unknown_columns", `columns ignored: ${unknown.join(", ")}`, { line: 1 });
  }
}

function addRow(row: CsvRow, byBill: Map<string, ManifestShipment>, out: DiagnosticCollector): void {
  const bill = row.get("bill_of_lading");
  if (!bill) {
    out.dropped("error", "csv.missing_value", "row has no bill of lading; row skipped", row.at("bill_of_lading"));
    return;
  }
  let shipment = byBill.get(bill);
  if (!shipment) {
    shipment = newShipment(row, bill, out);
    byBill.set(bill, shipment);
  } else {
    checkConsistent(row, shipment, out);
  }
  const container = addContainer(row, shipment, out);
  addGoods(row, shipment, container, out);
}

function newShipment(row: CsvRow, bill: string, out: DiagnosticCollector): ManifestShipment {
  const position = row.at();
  const shipment: ManifestShipment = {
    source: assignDefined<RecordSource>(
      { format: "csv" },
      { file: position.file, messageRef: row.get("message_ref"), line: position.line },
    ),
    messageRef: row.get("message_ref") ?? bill,
    function: messageFunction(row, out),
    billOfLading: bill,
    vessel: assignDefined<Vessel>(
      { ...checkImo(row.get("vessel_imo"), row.at("vessel_imo"), out) },
      { name: row.get("vessel_name") },
    ),
    parties: {},
    goods: [],
    containers: [],
  };
  assignDefined(shipment, {
    bookingNumber: row.get("booking_number"),
    carrierScac: checkScac(row.get("carrier_scac"), row.at("carrier_scac"), out),
    voyage: row.get("voyage"),
    portOfLoading: checkLocation(row.get("port_of_loading"), "port of loading", row.at("port_of_loading"), out),
    portOfDischarge: checkLocation(row.get("port_of_discharge"), "port of discharge", row.at("port_of_discharge"), out),
    finalDestination: checkLocation(
      row.get("final_destination"),
      "final destination",
      row.at("final_destination"),
      out,
    ),
    etd: readDate(row, out),
  });
  assignDefined(shipment.parties, {
    shipper: readParty(row, "shipper_name", "shipper_address", "shipper_country", "shipper_name_native"),
    consignee: readParty(row, "consignee_name", "consignee_address", "consignee_country", "consignee_name_native"),
    notify: readParty(row, "notify_name", "notify_address", "notify_country", "notify_name_native"),
  });
  return shipment;
}

function messageFunction(row: CsvRow, out: DiagnosticCollector): MessageFunction {
  const raw = row.get("function");
  if (!raw) {
    return "original";
  }
  const fn = FUNCTIONS[raw.toUpperCase()];
  if (!fn) {
    out.warning(
      "csv.invalid_function",
      `function "${raw}" is not original/replace/cancel; assumed original`,
      row.at("function"),
    );
  }
  return fn ?? "original";
}

function readDate(row: CsvRow, out: DiagnosticCollector): string | undefined {
  const raw = row.get("etd");
  if (!raw) {
    return undefined;
  }
  const iso = isoDateTime(raw.replace(/[-:T\s]/g, "").replace(/Z$/, ""));
  if (!iso) {
    out.warning("csv.invalid_date", `etd "${raw}" is not a date (YYYY-MM-DD[THH:MM])`, row.at("etd"));
  }
  return iso;
}

/**
 * A party from its columns. The native-script column (`consignee_name_native`) is kept beside the
 * name; given without a name, it is the name, and the same text twice is kept once.
 */
function readParty(
  row: CsvRow,
  name: CsvField,
  address: CsvField,
  country: CsvField,
  nativeName: CsvField,
): Party | undefined {
  const native = row.get(nativeName)?.trim();
  if (!row.get(name) && !row.get(address) && !row.get(country) && !native) {
    return undefined;
  }
  const lines = (row.get(address) ?? "")
    .split(/\r?\n|\|/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const filed = row.get(name)?.trim() || undefined;
  return assignDefined<Party>(
    { address: lines },
    {
      name: filed ?? native,
      nativeName: filed && native !== filed ? native : undefined,
      country: row.get(country)?.toUpperCase(),
    },
  );
}

const SHIPMENT_FIELDS: readonly CsvField[] = [
  "vessel_name",
  "vessel_imo",
  "voyage",
  "port_of_loading",
  "port_of_discharge",
  "carrier_scac",
];

function checkConsistent(row: CsvRow, shipment: ManifestShipment, out: DiagnosticCollector): void {
  const current: Partial<Record<CsvField, string | undefined>> = {
    vessel_name: shipment.vessel.name,
    vessel_imo: shipment.vessel.imo ?? shipment.vessel.otherId,
    voyage: shipment.voyage,
    port_of_loading: shipment.portOfLoading,
    port_of_discharge: shipment.portOfDischarge,
    carrier_scac: shipment.carrierScac,
  };
  for (const field of SHIPMENT_FIELDS) {
    const value = row.get(field);
    const known = current[field];
    if (value && known && value.toUpperCase().replace(/\s+/g, "") !== known.toUpperCase().replace(/\s+/g, "")) {
      out.warning(
        "csv.conflicting_value",
        `${field} "${value}" differs from "${known}" earlier in this bill; first kept`,
        row.at(field),
      );
    }
  }
}

function addContainer(row: CsvRow, shipment: ManifestShipment, out: DiagnosticCollector): ContainerRef | undefined {
  const raw = row.get("container_number");
  if (!raw) {
    return undefined;
  }
  const checked = checkContainer(raw, row.at("container_number"), out);
  let container = shipment.containers.find((c) => c.number === checked.number);
  if (!container) {
    container = assignDefined<ContainerRef>(
      { ...checked, equipmentType: "CN", seals: [] },
      {
        sizeType: checkSizeType(row.get("size_type"), row.at("size_type"), out),
        fullEmpty: fullEmpty(row.get("full_empty")),
      },
    );
    shipment.containers.push(container);
  }
  for (const seal of (row.get("seal") ?? "")
    .split(/[;|]/)
    .map((s) => s.trim())
    .filter((s) => s !== "")) {
    if (!container.seals.includes(seal)) {
      container.seals.push(seal);
    }
  }
  return container;
}

function fullEmpty(raw: string | undefined): FullEmpty | undefined {
  const value = raw?.toUpperCase();
  if (value === "F" || value === "FULL" || value === "5") {
    return "full";
  }
  return value === "E" || value === "EMPTY" || value === "4" ? "empty" : undefined;
}

function addGoods(
  row: CsvRow,
  shipment: ManifestShipment,
  container: ContainerRef | undefined,
  out: DiagnosticCollector,
): void {
  if (!row.get("hs_code") && !row.get("description") && !row.get("packages") && !row.get("gross_weight_kg")) {
    return;
  }
  const goods: GoodsLine = assignDefined<GoodsLine>(
    { lineNumber: shipment.goods.length + 1, containerNumbers: container?.number ? [container.number] : [] },
    {
      hsCode: checkHsCode(row.get("hs_code"), row.at("hs_code"), out),
      description: row.get("description"),
      packages: readNumber(row, "packages", out),
      packageType: row.get("package_type"),
      grossWeightKg: readNumber(row, "gross_weight_kg", out),
    },
  );
  shipment.goods.push(goods);
}

function readNumber(row: CsvRow, field: CsvField, out: DiagnosticCollector): number | undefined {
  const raw = row.get(field);
  if (!raw) {
    return undefined;
  }
  const value = Number(raw.replace(/[\s,]/g, ""));
  if (!Number.isFinite(value) || value < 0) {
    out.error("csv.invalid_number", `${field} "${raw}" is not a non-negative number`, row.at(field));
    return undefined;
  }
  return value;
}
