/**
 * CSV manifest layouts: our field names (the default header, see README.md) and mapping files
 * that rename them to another system's column headers.
 */

import { DiagnosticCollector } from "../diagnostics.ts";
import type { Diagnostic } from "../diagnostics.ts";

/** Our CSV fields, in the order of the default layout. */
export const CSV_FIELDS = [
  "bill_of_lading",
  "message_ref",
  "function",
  "booking_number",
  "carrier_scac",
  "vessel_name",
  "vessel_imo",
  "voyage",
  "port_of_loading",
  "port_of_discharge",
  "final_destination",
  "etd",
  "shipper_name",
  "shipper_address",
  "shipper_country",
  "consignee_name",
  "consignee_address",
  "consignee_country",
  "notify_name",
  "notify_address",
  "notify_country",
  "container_number",
  "size_type",
  "seal",
  "full_empty",
  "hs_code",
  "description",
  "packages",
  "package_type",
  "gross_weight_kg",
  // A party's name in its own script (株式会社ヤマト) beside the romanised one; optional columns.
  "shipper_name_native",
  "consignee_name_native",
  "notify_name_native",
] as const;

/** The optional columns of native-script party names, written only when a shipment has one. */
export const NATIVE_NAME_FIELDS: readonly CsvField[] = [
  "shipper_name_native",
  "consignee_name_native",
  "notify_name_native",
];

/** One of our CSV field names. */
export type CsvField = (typeof CSV_FIELDS)[number];

/** Our field → their column header (case-insensitive). Unmapped fields use their own name. */
export type CsvMapping = Partial<Record<CsvField, string>>;

/** A parsed mapping file. */
export interface CsvLayout {
  mapping: CsvMapping;
  delimiter: string;
}

/** The default layout: headers are our field names, comma-delimited. */
export const DEFAULT_LAYOUT: Readonly<CsvLayout> = Object.freeze({ mapping: {}, delimiter: "," });

function isCsvField(name: string): name is CsvField {
  return (CSV_FIELDS as readonly string[]).includes(name);
}

/**
 * Read a mapping file: `{"columns": {"bill_of_lading": "BL No", …}, "delimiter": ";"}` or the
 * flat form `{"bill_of_lading": "BL No", …}`. Unknown fields and non-string values are errors.
 */
export function parseCsvMapping(json: unknown, file?: string): { layout: CsvLayout; diagnostics: Diagnostic[] } {
  const out = new DiagnosticCollector(file);
  const layout: CsvLayout = { mapping: {}, delimiter: "," };
  let value: unknown = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json) as unknown;
    } catch (error) {
      out.error(
        "csv.mapping_invalid_json",
        `mapping is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      );
      return { layout, diagnostics: out.list };
    }
  }
  if (!isRecord(value)) {
    out.error("csv.mapping_not_object", "mapping must be a JSON object");
    return { layout, diagnostics: out.list };
  }
  if (typeof value.delimiter === "string" && value.delimiter.length === 1) {
    layout.delimiter = value.delimiter;
  }
  const columns = isRecord(value.columns) ? value.columns : value;
  for (const [field, header] of Object.entries(columns)) {
    if (field === "delimiter" || field === "columns") {
      continue;
    }
    if (!isCsvField(field)) {
      out.error("csv.mapping_unknown_field", `"${field}" is not a CSV manifest field`, { column: field });
    } else if (typeof header !== "string" || !header.trim()) {
      out.error("csv.mapping_invalid_header", `header for "${field}" must be a non-empty string`, { column: field });
    } else {
      layout.mapping[field] = header.trim();
    }
  }
  return { layout, diagnostics: out.list };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Resolve which column index holds each field, given the header row. */
export function resolveColumns(header: readonly string[], mapping: CsvMapping): Map<CsvField, number> {
  const byName = new Map(header.map((name, index) => [name.trim().toLowerCase(), index]));
  const columns = new Map<CsvField, number>();
  for (const field of CSV_FIELDS) {
    const wanted = (mapping[field] ?? field).toLowerCase();
    const index = byName.get(wanted);
    if (index !== undefined) {
      columns.set(field, index);
    }
  }
  return columns;
}
