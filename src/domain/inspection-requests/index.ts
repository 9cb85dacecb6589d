// Inspection requests: a partner asks, the host decides, scans and dispositions. The one entry
// point for the rest of the app; the files behind it are the vocabulary, the queries (repository),
// the presenter, the state machine and one file per use case. The shapes are the contract's
// (src/contract/inspection-requests.ts).

export * from "./vocabulary.ts";
export type {
  ClearanceFinding,
  ClearanceOverride,
  DispositionOverride,
  InspectionRequestView,
  RequestCargo,
  ScanView,
  TimelineStep,
} from "../../contract/inspection-requests.ts";
export { checkClearance, clearanceFindings, nuclideLabels, reachBackOf } from "./clearance-guard.ts";
export { raiseSnmAlert, snmAlertMessage, snmAlertOf, type SnmAlert } from "./snm-alert.ts";
export { lockRequest, type LockedRequest } from "./repository.ts";
export { listScans, loadRequest } from "./load.ts";
export { assertMayAct, RULES, transition, type Action } from "./state-machine.ts";
export { createInspectionRequest, type NewInspectionRequest } from "./create.ts";
export { listInspectionRequests, listRequestsForShipment, type RequestQuery } from "./list.ts";
export { getInspectionRequest } from "./get.ts";
export { decideInspectionRequest, type Decision } from "./decide.ts";
export { withdrawInspectionRequest } from "./withdraw.ts";
export { scheduleInspection } from "./schedule.ts";
export { startScanning } from "./start-scan.ts";
export { applyDisposition, dispositionInspectionRequest } from "./disposition.ts";
export { liftHold } from "./lift-hold.ts";
export { closeInspectionRequest } from "./close.ts";
export { answerInformationRequest } from "./answer-information.ts";
export { assertMayRecordScan, recordScan, type NewScan } from "./record-scan.ts";
