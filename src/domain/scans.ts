// The browser app's path to the scan types (web/src imports this file); scans are recorded and
// read by the inspection-request use cases in inspection-requests/.
export type { ScanView } from "./inspection-requests/views.ts";
export type { ScanOutcome } from "./inspection-requests/vocabulary.ts";
