import type { ColumnType, Generated, Insertable, Selectable } from "kysely";
import type {
  DeclineCode,
  Disposition,
  Priority,
  RequestStatus,
  RequestType,
  ScanOutcome,
  ScanType,
} from "../domain/inspection-requests/vocabulary.ts";

/** Timestamps are read as Date and may be written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp the database fills in by default. */
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** Numeric columns come back as strings on both engines. */
type Numeric = ColumnType<string, number | string, number | string>;

export interface AgencyTable {
  id: Generated<string>;
  code: string;
  name: string;
  country: string;
}

export interface SiteTable {
  id: Generated<string>;
  agency_id: string;
  locode: string;
  name: string;
}

export interface AppUserTable {
  id: Generated<string>;
  agency_id: string;
  username: string;
  display_name: string;
  password_hash: string;
  roles: string[];
  site_id: string | null;
  is_demo: Generated<boolean>;
  is_service: Generated<boolean>;
  is_active: Generated<boolean>;
  /** The account's screen language: "en" or "ja". */
  language: Generated<string>;
  created_at: GeneratedTimestamp;
}

export interface UserSessionTable {
  token_hash: string;
  user_id: string;
  created_at: GeneratedTimestamp;
  expires_at: Timestamp;
}

/** Per-account login back-off and lockout (migration 0007). */
export interface LoginThrottleTable {
  username_key: string;
  failures: Generated<number>;
  last_failed_at: Timestamp | null;
  blocked_until: Timestamp | null;
  attempt_started_at: Timestamp | null;
  updated_at: Timestamp;
}

/** Recent failed logins per client address (migration 0007). */
export interface LoginAddressFailureTable {
  id: Generated<string>;
  address: string;
  attempted_at: Timestamp;
}

export interface AgreementTable {
  id: Generated<string>;
  code: string;
  provider_agency_id: string;
  recipient_agency_id: string;
  destination_countries: string[];
  legal_basis: string;
  valid_from: ColumnType<Date, string, string>;
  valid_until: ColumnType<Date | null, string | null, string | null>;
  is_active: Generated<boolean>;
}

export interface VesselTable {
  imo: string;
  name: string;
  flag: string | null;
}

export interface VoyageTable {
  id: Generated<string>;
  /** The agency whose schedule this is; another agency's is never read for its shipments (migration 0011). */
  agency_id: string;
  vessel_imo: string;
  voyage_no: string;
  carrier_scac: string;
  port_of_loading: string;
  etd: Timestamp;
  loading_cutoff: Timestamp;
  is_cutoff_estimated: Generated<boolean>;
}

export interface ShipmentTable {
  id: Generated<string>;
  owner_agency_id: string;
  bill_of_lading: string;
  carrier_scac: string;
  voyage_id: string | null;
  port_of_loading: string;
  port_of_discharge: string;
  final_destination: string | null;
  discharge_country: ColumnType<string, never, never>;
  destination_country: ColumnType<string, never, never>;
  shipper_name: string;
  shipper_address: string | null;
  shipper_country: string | null;
  consignee_name: string;
  consignee_address: string | null;
  consignee_country: string | null;
  notify_name: string | null;
  /** The parties' names in their own script (migrations/0026), when the manifest gave them. */
  shipper_name_native: ColumnType<string | null, string | null | undefined, string | null>;
  consignee_name_native: ColumnType<string | null, string | null | undefined, string | null>;
  notify_name_native: ColumnType<string | null, string | null | undefined, string | null>;
  etd: Timestamp | null;
  filed_at: Timestamp;
  version: Generated<number>;
  search_text: Generated<string>;
  is_cancelled: Generated<boolean>;
  last_message_ref: string | null;
  created_at: GeneratedTimestamp;
}

export interface ShipmentGoodsTable {
  id: Generated<string>;
  shipment_id: string;
  line_no: number;
  hs_code: string;
  description: string;
  packages: number | null;
  package_type: string | null;
  gross_weight_kg: Numeric | null;
  container_no: string | null;
}

export interface ShipmentContainerTable {
  id: Generated<string>;
  shipment_id: string;
  container_no: string;
  size_type: string;
  seal_no: string | null;
  is_full: Generated<boolean>;
}

export interface InspectionRequestTable {
  id: Generated<string>;
  reference: string;
  shipment_id: string;
  container_no: string;
  agreement_id: string;
  requesting_agency_id: string;
  host_agency_id: string;
  status: RequestStatus;
  priority: Priority;
  reason: string;
  scans_requested: ScanType[];
  requested_by: string;
  requested_at: Timestamp;
  deadline: Timestamp | null;
  /** The deadline order's key, written by the database: the deadline, or 9999-12-31 without one (migrations/0041). */
  deadline_key: ColumnType<Date, never, never>;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_reason: string | null;
  disposition: Disposition | null;
  dispositioned_by: string | null;
  dispositioned_at: Timestamp | null;
  updated_at: Timestamp;
  request_type: Generated<RequestType>;
  reason_codes: Generated<string[]>;
  legal_basis: string | null;
  decision_code: DeclineCode | null;
  scheduled_for: Timestamp | null;
  hold_active: Generated<boolean>;
  hold_lifted_at: Timestamp | null;
  escalated_at: Timestamp | null;
  missed_at: Timestamp | null;
  miss_reason: string | null;
  first_result_at: Timestamp | null;
  closed_at: Timestamp | null;
  information_response: string | null;
}

/** The last request number each requesting agency used in a year (migration 0011). */
export interface InspectionRequestCounterTable {
  agency_id: string;
  year: number;
  last_number: number;
}

export interface RequestTransitionTable {
  id: ColumnType<string, never, never>;
  request_id: string;
  from_status: string | null;
  to_status: string;
  action: string;
  actor_user_id: string | null;
  note: string | null;
  at: Timestamp;
}

/** A host supervisor's override that cleared a request against its scans' findings (migration 0013). */
export interface DispositionOverrideTable {
  id: Generated<string>;
  request_id: string;
  transition_id: string;
  disposition: string;
  reason: string;
  findings: ColumnType<unknown, string, never>;
  overridden_by: string;
  overridden_at: Timestamp;
}

export interface NotificationDismissalTable {
  notification_id: string;
  user_id: string;
  agency_id: string;
  dismissed_at: Timestamp;
}

export interface NotificationTable {
  id: Generated<string>;
  agency_id: string;
  role: string;
  kind: string;
  request_id: string | null;
  message: string;
  /** The wording's parameters (migrations/0026); null on notifications written before. */
  params: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: Timestamp;
  read_at: Timestamp | null;
}

export interface SigningKeyTable {
  key_id: string;
  agency_id: string;
  public_key_pem: string;
  private_key_pem: string;
  created_at: GeneratedTimestamp;
}

export interface StoredFileTable {
  sha256: string;
  size_bytes: number;
  media_type: string;
  content: Uint8Array;
  created_at: GeneratedTimestamp;
}

export interface ScanTable {
  id: Generated<string>;
  request_id: string;
  container_no: string;
  scan_type: ScanType;
  outcome: ScanOutcome;
  notes: Generated<string>;
  officer_id: string;
  site_id: string | null;
  scanned_at: Timestamp;
  file_sha256: string | null;
  file_name: string | null;
  recorded_at: Timestamp;
  device: string | null;
  device_id: string | null;
  started_at: Timestamp | null;
  analysis: ColumnType<unknown, string | null, string | null>;
  verdict: string | null;
  is_inconsistent: Generated<boolean>;
  inconsistency: string | null;
}

export interface AuditEventTable {
  seq: ColumnType<string, never, never>;
  occurred_at: GeneratedTimestamp;
  agency_ids: string[];
  actor_user_id: string | null;
  actor_agency_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  payload: ColumnType<unknown, string, never>;
  prev_hash: ColumnType<string | null, never, never>;
  hash: ColumnType<string, never, never>;
}

/** An event's place in one agency's own chain (written by the database only). */
export interface AuditAgencyLinkTable {
  agency_id: ColumnType<string, never, never>;
  seq: ColumnType<string, never, never>;
  event_seq: ColumnType<string, never, never>;
  prev_hash: ColumnType<string | null, never, never>;
  hash: ColumnType<string, never, never>;
}

export interface ApiTokenTable {
  id: Generated<string>;
  token_hash: string;
  user_id: string;
  name: string;
  created_by: string | null;
  created_at: GeneratedTimestamp;
  expires_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
}

export interface IngestBatchTable {
  id: Generated<string>;
  agency_id: string;
  file_name: string;
  format: string;
  content_sha256: string;
  size_bytes: ColumnType<string, number, number>;
  received_by: string | null;
  received_at: Timestamp;
  status: Generated<string>;
  messages: Generated<number>;
  shipments: Generated<number>;
  containers: Generated<number>;
  events: Generated<number>;
  errors: Generated<number>;
  warnings: Generated<number>;
  report: ColumnType<unknown, string | undefined, string>;
  completed_at: Timestamp | null;
  /** Touched by the running process after each stored chunk (migration 0008). */
  heartbeat_at: GeneratedTimestamp;
}

export interface IngestMessageTable {
  agency_id: string;
  message_key: string;
  content_sha256: string;
  batch_id: string;
  received_at: Timestamp;
}

export interface ShipmentVersionTable {
  shipment_id: string;
  version: number;
  function: string;
  message_ref: string | null;
  batch_id: string | null;
  snapshot: ColumnType<unknown, string, never>;
  diff: ColumnType<unknown, string, never>;
  recorded_at: Timestamp;
}

export interface ContainerEventTable {
  id: Generated<string>;
  agency_id: string;
  container_no: string;
  event_type: string;
  event_time: Timestamp | null;
  place: string | null;
  vessel_imo: string | null;
  voyage_no: string | null;
  bill_of_lading: string | null;
  status_code: string | null;
  is_planned: boolean;
  batch_id: string | null;
  message_ref: string | null;
  recorded_at: Timestamp;
}

export interface QuarantineRecordTable {
  id: Generated<string>;
  agency_id: string;
  batch_id: string;
  format: string;
  location: string;
  reasons: ColumnType<unknown, string, string>;
  raw_text: string;
  record: ColumnType<unknown, string | null, string | null>;
  status: Generated<string>;
  resolved_batch_id: string | null;
  resolved_by: string | null;
  resolved_at: Timestamp | null;
  created_at: Timestamp;
}

export interface RuleSetTable {
  id: Generated<string>;
  agency_id: string;
  version: number;
  name: string;
  definition: ColumnType<unknown, string, string>;
  status: Generated<string>;
  created_by: string | null;
  created_at: Timestamp;
  activated_at: Timestamp | null;
  activated_by: string | null;
}

export interface ShipmentScoreTable {
  shipment_id: string;
  agency_id: string;
  rule_set_id: string;
  shipment_version: number;
  score: Numeric;
  level: string;
  hits: ColumnType<unknown, string, string>;
  is_random_selected: Generated<boolean>;
  scored_at: Timestamp;
}

/** One row per agency and shipment it may see, with the work list's sort keys (written by triggers only). */
export interface ShipmentListingTable {
  agency_id: string;
  shipment_id: string;
  is_own: boolean;
  via_agreements: string[];
  etd_key: Timestamp;
  filed_at: Timestamp;
  bill_of_lading: string;
  port_of_discharge: string;
  score_key: number;
  level: string | null;
  hit_count: number;
  container_count: number;
  hs_codes: string[];
  /** The shipment's search text, copied so that the list's text filter reads it from this row (migrations/0029). */
  search_text: Generated<string>;
  // The rest of what a work-list row shows, copied from the shipment, its voyage and vessel (migrations/0038).
  owner_agency_id: string;
  carrier_scac: string;
  port_of_loading: string;
  final_destination: string | null;
  shipper_name: string;
  shipper_name_native: string | null;
  consignee_name: string;
  consignee_name_native: string | null;
  vessel_name: string | null;
  voyage_no: string | null;
  loading_cutoff: Timestamp | null;
}

export interface WatchlistEntryTable {
  id: Generated<string>;
  agency_id: string;
  kind: string;
  value: string;
  country: string | null;
  reason: string;
  created_by: string | null;
  created_at: Timestamp;
  is_active: Generated<boolean>;
}

/** The database as Kysely sees it. */
export interface DeviceTable {
  id: Generated<string>;
  agency_id: string;
  device_type: "radiation_portal" | "isotope_id" | "xray_image";
  model: string;
  serial: string;
  site_id: string | null;
  is_active: Generated<boolean>;
  created_at: Timestamp;
}

export interface DB {
  device: DeviceTable;
  agency: AgencyTable;
  site: SiteTable;
  app_user: AppUserTable;
  user_session: UserSessionTable;
  login_throttle: LoginThrottleTable;
  login_address_failure: LoginAddressFailureTable;
  agreement: AgreementTable;
  vessel: VesselTable;
  voyage: VoyageTable;
  shipment: ShipmentTable;
  shipment_goods: ShipmentGoodsTable;
  shipment_container: ShipmentContainerTable;
  inspection_request: InspectionRequestTable;
  inspection_request_counter: InspectionRequestCounterTable;
  stored_file: StoredFileTable;
  scan: ScanTable;
  audit_event: AuditEventTable;
  audit_agency_link: AuditAgencyLinkTable;
  api_token: ApiTokenTable;
  ingest_batch: IngestBatchTable;
  ingest_message: IngestMessageTable;
  shipment_version: ShipmentVersionTable;
  container_event: ContainerEventTable;
  quarantine_record: QuarantineRecordTable;
  request_transition: RequestTransitionTable;
  notification: NotificationTable;
  disposition_override: DispositionOverrideTable;
  signing_key: SigningKeyTable;
  rule_set: RuleSetTable;
  shipment_score: ShipmentScoreTable;
  notification_dismissal: NotificationDismissalTable;
  shipment_listing: ShipmentListingTable;
  watchlist_entry: WatchlistEntryTable;
}

export type Shipment = Selectable<ShipmentTable>;
export type NewShipment = Insertable<ShipmentTable>;
export type InspectionRequestRow = Selectable<InspectionRequestTable>;
export type ScanRow = Selectable<ScanTable>;
