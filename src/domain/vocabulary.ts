// The browser app's path to the inspection-request vocabulary (web/src imports this file); the
// words themselves are defined in inspection-requests/vocabulary.ts.
export * from "./inspection-requests/vocabulary.ts";
