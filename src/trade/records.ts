/**
 * The typed record model every trade parser produces (EDIFACT, X12, CSV).
 * Records are plain JSON-serialisable objects: absent data is an absent property, times are
 * ISO 8601 local date-times as sent ("2022-09-01T08:07", no zone: EDI rarely states one),
 * weights are kilograms, codes are uppercase. Invalid identifiers are kept and flagged
 * (`isValid: false` plus an error diagnostic) so an ingest pipeline never loses them.
 */

import type { Diagnostic } from "./diagnostics.ts";

/** The file formats the trade library reads, as a user names them when telling it which one a file is in. */
export const FILE_FORMATS = [
  "cuscar",
  "iftmin",
  "baplie",
  "coarri",
  "codeco",
  "coprar",
  "iftsta",
  "x12-309",
  "x12-315",
  "x12-310",
  "csv",
] as const;

/** Every input format the trade library recognises. */
export type TradeFormat = (typeof FILE_FORMATS)[number] | "json" | "unknown";

/** Where a record came from, so it can be traced back to the file and message. */
export interface RecordSource {
  format: TradeFormat;
  file?: string;
  /** UNH/ST control reference, or the CSV message_ref column. */
  messageRef?: string;
  /** UNB/ISA control reference. */
  interchangeRef?: string;
  sender?: string;
  recipient?: string;
  /** 1-based segment number (EDI) where the record starts. */
  segment?: number;
  /** 1-based line (EDI) or first data row (CSV) where the record starts. */
  line?: number;
}

/** Message purpose: a new declaration, a replacement of an earlier one, or its cancellation. */
export type MessageFunction = "original" | "replace" | "cancel";

/** A vessel as identified in the message. */
export interface Vessel {
  name?: string;
  /** IMO number, only when the check digit is correct. */
  imo?: string;
  callSign?: string;
  /** Any other or invalid identifier as sent (e.g. a Lloyd's code failing the IMO check). */
  otherId?: string;
  /** Flag state, ISO 3166 alpha-2. */
  flag?: string;
}

/** A trade party (shipper, consignee, notify, carrier). */
export interface Party {
  /** The name as filed; romanised for Japanese parties on most manifests. */
  name?: string;
  /** The same party's name in its own script (株式会社ヤマト) when the file gives one beside `name`. */
  nativeName?: string;
  /** Coded identifier as sent (GLN, customs id, DUNS…), with its agency/list when given. */
  id?: string;
  idAgency?: string;
  /** Street lines, in order. */
  address: string[];
  city?: string;
  region?: string;
  postalCode?: string;
  /** ISO 3166 alpha-2. */
  country?: string;
}

/** Full or empty equipment. */
export type FullEmpty = "full" | "empty";

/** A piece of equipment (normally an ISO 6346 container) on a shipment. */
export interface ContainerRef {
  /** Normalised id (uppercase, no spaces); kept even when invalid. */
  number: string;
  /** True when the id is a well-formed ISO 6346 number with a correct check digit. */
  isValid: boolean;
  /** Equipment qualifier: "CN" container, or the message's code for other equipment. */
  equipmentType: string;
  /** ISO 6346 size/type (22G1, 45R1) or legacy code (4510) as sent. */
  sizeType?: string;
  seals: string[];
  fullEmpty?: FullEmpty;
  grossWeightKg?: number;
}

/** One goods line of a bill of lading. */
export interface GoodsLine {
  lineNumber?: number;
  /** HS/HTS code, digits only (no dots), as many digits as sent. */
  hsCode?: string;
  description?: string;
  marks?: string;
  packages?: number;
  packageType?: string;
  grossWeightKg?: number;
  /** Containers this line is stowed in. */
  containerNumbers: string[];
}

/** One bill of lading (consignment) from a cargo manifest. */
export interface ManifestShipment {
  source: RecordSource;
  messageRef: string;
  function: MessageFunction;
  billOfLading?: string;
  bookingNumber?: string;
  carrierScac?: string;
  vessel: Vessel;
  voyage?: string;
  /** UN/LOCODE when the source gave one; other codes (Schedule D/K) are kept with a warning. */
  portOfLoading?: string;
  portOfDischarge?: string;
  finalDestination?: string;
  placeOfReceipt?: string;
  /** Estimated (or actual) departure from the port of loading. */
  etd?: string;
  parties: { shipper?: Party; consignee?: Party; notify?: Party };
  goods: GoodsLine[];
  containers: ContainerRef[];
}

/** What happened to a container; "on-board" is a bay plan reporting it stowed on the vessel. */
export type ContainerEventType =
  "gate-in" | "gate-out" | "loaded" | "on-board" | "discharged" | "departed" | "arrived" | "other";

/** A container status event (gate, load, discharge, vessel movement). */
export interface ContainerEvent {
  source: RecordSource;
  container: string;
  containerValid: boolean;
  eventType: ContainerEventType;
  /** The status code as sent (315 B403, STS code, BGM document code). */
  statusCode?: string;
  statusText?: string;
  /** True for orders and estimates (COPRAR, estimated dates), false for reported facts. */
  isPlanned: boolean;
  time?: string;
  /** UN/LOCODE of the event place when known. */
  place?: string;
  /** Place name or non-LOCODE place code as sent. */
  placeName?: string;
  vessel: Vessel;
  voyage?: string;
  billOfLading?: string;
  bookingNumber?: string;
  sizeType?: string;
  fullEmpty?: FullEmpty;
  portOfLoading?: string;
  portOfDischarge?: string;
  finalDestination?: string;
  /** Stowage cell BBBRRTT when the event names one. */
  cell?: string;
}

/** Movement status of a container on board. */
export type MovementStatus = "import" | "export" | "transshipment" | "other";

/** One occupied (or reported) stowage cell from a bay plan. */
export interface StowageRecord {
  source: RecordSource;
  container: string;
  containerValid: boolean;
  /** Cell as sent, normally BBBRRTT (bay, row, tier). */
  cell: string;
  bay?: string;
  row?: string;
  tier?: string;
  portOfLoading?: string;
  portOfDischarge?: string;
  placeOfDelivery?: string;
  weightKg?: number;
  vgmKg?: number;
  sizeType?: string;
  fullEmpty?: FullEmpty;
  movement?: MovementStatus;
  movementCode?: string;
  /** Container operator code (NAD+CA / NAD+CF). */
  operator?: string;
  vessel: Vessel;
  voyage?: string;
  /** UN/LOCODE of the port the plan describes the vessel leaving (LOC+5). */
  placeOfDeparture?: string;
  /**
   * When the plan reports the cell so: the plan's preparation time (DTM+137, or the interchange's
   * own time when that is more precise), else its actual departure or arrival.
   */
  reportedAt?: string;
  billOfLading?: string;
  bookingNumber?: string;
  remarks?: string[];
}

/** Everything parsed from one input text. */
export interface ParseResult {
  format: TradeFormat;
  shipments: ManifestShipment[];
  containerEvents: ContainerEvent[];
  stowage: StowageRecord[];
  diagnostics: Diagnostic[];
  /** Number of messages/transaction sets seen (UNH or ST); rows are not counted for CSV. */
  messages: number;
}

/** An empty result for a format, to be filled in by a parser. */
export function emptyParseResult(format: TradeFormat): ParseResult {
  return { format, shipments: [], containerEvents: [], stowage: [], diagnostics: [], messages: 0 };
}

/** Copy only the defined, non-empty values onto target, so records carry no `undefined` properties. */
export function assignDefined<T extends object>(target: T, values: Partial<T>): T {
  // A plain loop and a direct write: this runs for every record of every file.
  const out = target as Record<string, unknown>;
  for (const key in values) {
    const value = (values as Record<string, unknown>)[key];
    if (value !== undefined && value !== "") {
      out[key] = value;
    }
  }
  return target;
}
