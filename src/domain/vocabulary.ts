// The words of an inspection request, defined once for the schemas, the database and the screens.
// Plain constants only: the browser app imports this file.

/** Every state a request passes through. */
export const REQUEST_STATUSES = ["requested", "accepted", "declined", "withdrawn", "scheduled", "scanning", "results_recorded", "dispositioned", "closed"] as const;
/** What is asked: an examination, information, or that the container not be loaded until cleared. */
export const REQUEST_TYPES = ["inspection", "information", "hold"] as const;
export const PRIORITIES = ["routine", "high", "urgent"] as const;
export const SCAN_TYPES = ["radiation_portal", "isotope_id", "xray_image", "physical_exam"] as const;
export const DISPOSITIONS = ["cleared", "hold", "do_not_load", "referred"] as const;
/** Reasons a host gives when it declines. */
export const DECLINE_CODES = ["already_loaded", "insufficient_information", "outside_agreement", "no_capacity", "duplicate_request", "examined_domestically", "other"] as const;
/** Reasons a targeter gives when it asks. */
export const REASON_CODES = ["radiological", "watchlist_party", "manifest_discrepancy", "high_risk_route", "intelligence", "random_selection", "other"] as const;

export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export type RequestType = (typeof REQUEST_TYPES)[number];
export type ScanType = (typeof SCAN_TYPES)[number];
export type Disposition = (typeof DISPOSITIONS)[number];
