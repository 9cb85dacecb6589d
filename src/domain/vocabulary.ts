// The words and limits the API is written in: the contract's schemas, the database types and the
// browser app all take them from here (web/src imports this file). Plain values, no imports but
// the inspection-request vocabulary, which is defined in inspection-requests/vocabulary.ts.
export * from "./inspection-requests/vocabulary.ts";

/** Roles a user may hold; an agency grants them to its own staff only. */
export const ROLES = ["targeter", "supervisor", "scan_officer", "admin", "auditor", "ingest"] as const;
export type Role = (typeof ROLES)[number];

/** Roles an administrator may give; machine accounts get theirs with their API token. */
export const ASSIGNABLE_ROLES = ["targeter", "supervisor", "scan_officer", "admin", "auditor"] as const;

/** The languages the screens and the server's messages come in. */
export const LANGUAGES = ["en", "ja"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Kinds of device: each makes one kind of scan (a physical exam needs none). */
export const DEVICE_TYPES = ["radiation_portal", "isotope_id", "xray_image"] as const;
/** A kind of device. */
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** Columns a shipment list may be sorted by. */
export const SHIPMENT_SORTS = ["etd", "filed_at", "bill_of_lading", "port_of_discharge", "score"] as const;
export type ShipmentSort = (typeof SHIPMENT_SORTS)[number];

/** Default and maximum page sizes for every list endpoint. */
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** Largest instrument file or image accepted, in bytes. */
export const MAX_FILE_BYTES = 25 * 1024 * 1024;

/** The most events one CSV export of the audit log holds; narrow the filters for more. */
export const MAX_EXPORT_ROWS = 10_000;

/** How long an API token lasts unless the admin says otherwise, and the longest it may last (days). */
export const API_TOKEN_DEFAULT_DAYS = 90;
export const API_TOKEN_MAX_DAYS = 365;
/** Longest token name, after normalisation (the route bounds what is sent to the same). */
export const API_TOKEN_NAME_MAX = 60;

/** Where an API token stands: usable, past its expiry, or revoked (revocation wins). */
export const API_TOKEN_STATES = ["active", "expired", "revoked"] as const;
export type ApiTokenState = (typeof API_TOKEN_STATES)[number];

/** A stored rule set version's standing: one active per agency, drafts waiting, earlier ones retired. */
export const RULE_SET_STATUSES = ["draft", "active", "retired"] as const;
export type RuleSetStatus = (typeof RULE_SET_STATUSES)[number];

/** What an agency's own watchlist entry names. */
export const WATCHLIST_KINDS = ["party", "vessel", "container"] as const;
export type WatchlistKind = (typeof WATCHLIST_KINDS)[number];

/** The most envelopes one delivery to a node's inbox carries. */
export const MAX_INBOX_BATCH = 200;
/** The largest envelope a receiver reads (the portal feed's N42 file is the large part). */
export const MAX_ENVELOPE_CHARS = 1_500_000;
