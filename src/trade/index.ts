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

// --- EDI parsers (edifact/, x12/, csv/, records.ts): exports added by the lead on merge ---

// --- EDI writers (write-* owner): CUSCAR, default-layout CSV, X12 315 ---
export { writeCuscar } from "./edifact/write-cuscar.ts";
export type { CuscarWriteOptions } from "./edifact/write-cuscar.ts";
export { writeManifestCsv } from "./csv/write-manifest-csv.ts";
export { write315 } from "./x12/write-315.ts";
export type { X12WriteOptions } from "./x12/write-x12.ts";
