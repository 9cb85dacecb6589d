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
