// The words of an inspection request, defined once for the schemas, the database types and the
// screens. Plain constants only: the browser app imports this file.

/** Every state a request passes through. */
export const REQUEST_STATUSES = [
  "requested",
  "accepted",
  "declined",
  "withdrawn",
  "scheduled",
  "scanning",
  "results_recorded",
  "dispositioned",
  "closed",
] as const;
/** Statuses in which a request still waits for the host. */
export const OPEN_STATUSES = ["requested", "accepted", "scheduled", "scanning", "results_recorded"] as const;
/** Statuses in which a request still waits for its first result, against the deadline. */
export const AWAITING_RESULT_STATUSES = ["requested", "accepted", "scheduled", "scanning"] as const;
/** What is asked: an examination, information, or that the container not be loaded until cleared. */
export const REQUEST_TYPES = ["inspection", "information", "hold"] as const;
export const PRIORITIES = ["routine", "high", "urgent"] as const;
export const SCAN_TYPES = ["radiation_portal", "isotope_id", "xray_image", "physical_exam"] as const;
/** Outcomes an officer can record. */
export const SCAN_OUTCOMES = ["no_alarm", "alarm", "anomaly", "no_anomaly", "inconclusive"] as const;
/** The outcome after the results: cleared, hold, do not load, or referred for further examination. */
export const DISPOSITIONS = ["cleared", "hold", "do_not_load", "referred"] as const;
/** Reasons a host gives when it declines. */
export const DECLINE_CODES = [
  "already_loaded",
  "insufficient_information",
  "outside_agreement",
  "no_capacity",
  "duplicate_request",
  "examined_domestically",
  "other",
] as const;
/** Reasons a targeter gives when it asks. */
export const REASON_CODES = [
  "radiological",
  "watchlist_party",
  "manifest_discrepancy",
  "high_risk_route",
  "intelligence",
  "random_selection",
  "other",
] as const;

/** Why a scan stands in the way of a one-click clearance. */
export const CLEARANCE_REASONS = ["snm", "reach_back", "industrial", "investigate", "inconsistent"] as const;
/** The longest override reason kept. */
export const MAX_OVERRIDE_REASON = 2000;

export type ClearanceReason = (typeof CLEARANCE_REASONS)[number];

export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export type OpenStatus = (typeof OPEN_STATUSES)[number];
export type RequestType = (typeof REQUEST_TYPES)[number];
export type Priority = (typeof PRIORITIES)[number];
export type ScanType = (typeof SCAN_TYPES)[number];
export type ScanOutcome = (typeof SCAN_OUTCOMES)[number];
export type Disposition = (typeof DISPOSITIONS)[number];
export type DeclineCode = (typeof DECLINE_CODES)[number];
export type ReasonCode = (typeof REASON_CODES)[number];

/** True while the request still waits for the host. */
export function isOpenStatus(status: RequestStatus): boolean {
  return (OPEN_STATUSES as readonly RequestStatus[]).includes(status);
}

/** Why a request missed its deadline: the code screens word it by, and the English kept in the record. */
export const MISS_REASON_CODES = ["loaded_before_result", "cutoff_passed"] as const;
export type MissReason = (typeof MISS_REASON_CODES)[number];
export const MISS_REASONS = {
  loaded_before_result: "container loaded before a result was shared",
  cutoff_passed: "loading cut-off passed before a result was shared",
} as const satisfies Record<MissReason, string>;

/** The code of a stored miss reason (records keep the English sentence), or null for another text. */
export function missReasonOf(text: string | null): MissReason | null {
  const found = Object.entries(MISS_REASONS).find(([, sentence]) => sentence === text);
  return found ? (found[0] as MissReason) : null;
}
