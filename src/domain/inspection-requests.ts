// The browser app's path to the request view type (web/src/api.ts imports this file); the
// capability itself is the inspection-requests/ folder, entered through its index.ts.
export type { InspectionRequestView } from "./inspection-requests/views.ts";
