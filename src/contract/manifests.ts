import { z } from "zod";
import { PageQuery } from "./common.ts";

// Manifest ingest: the report of a file, the batches, the quarantine and a shipment's versions.

/** A finding in a report: where, a stable code, and what is wrong. */
export const FindingSchema = z.object({ where: z.string(), code: z.string(), message: z.string() });
export type Finding = z.infer<typeof FindingSchema>;

/** Records set aside for one reason: neither stored nor quarantined, and why. */
export const SetAsideSchema = z.object({ code: z.string(), message: z.string(), count: z.number().int() });
export type SetAside = z.infer<typeof SetAsideSchema>;

/**
 * Every record a file held, accounted for: read = landed + quarantined + setAside. Records are the
 * shipments, container events and bay-plan cells the parsers read, and the items they read but
 * could not make a record of (a row without a bill of lading, a message of a type not mapped).
 */
export const RecordCountsSchema = z.object({
  read: z.number().int(),
  /** Stored, or found stored already (the same message again); in a dry run, would be stored. */
  landed: z.number().int(),
  quarantined: z.number().int(),
  /** Neither stored nor quarantined; the report's `setAside` says why. */
  setAside: z.number().int(),
});
export type RecordCounts = z.infer<typeof RecordCountsSchema>;

/** The batch report: the same shape `reciprocity ingest --json` prints per file. */
export const FileReportSchema = z.object({
  file: z.string(),
  format: z.string(),
  messages: z.number().int(),
  shipments: z.number().int(),
  containers: z.number().int(),
  /** Container events newly recorded (bay-plan cells among them). */
  events: z.number().int(),
  /** Bay-plan cells that landed as "on-board" events. */
  stowage: z.number().int(),
  /** Landed events and cells whose container is on no shipment the agency can see. */
  unmatched: z.number().int(),
  /** Every record of the file accounted for: read = landed + quarantined + setAside. */
  records: RecordCountsSchema,
  /** Why records were set aside, one entry per reason. */
  setAside: z.array(SetAsideSchema),
  errors: z.array(FindingSchema),
  warnings: z.array(FindingSchema),
  batchId: z.string().nullable(),
  inserted: z.number().int(),
  replaced: z.number().int(),
  cancelled: z.number().int(),
  unchanged: z.number().int(),
  duplicates: z.number().int(),
  quarantined: z.number().int(),
});
/** A file's report as the API answers it. */
export type FileReportView = z.infer<typeof FileReportSchema>;

/** A batch as listed. */
export const BatchSummarySchema = z.object({
  id: z.uuid(),
  fileName: z.string(),
  format: z.string(),
  /** running, completed, rejected (nothing could be used) or failed. */
  status: z.string(),
  receivedAt: z.string(),
  receivedBy: z.string().nullable(),
  messages: z.number().int(),
  shipments: z.number().int(),
  containers: z.number().int(),
  events: z.number().int(),
  errors: z.number().int(),
  warnings: z.number().int(),
});
export type BatchSummary = z.infer<typeof BatchSummarySchema>;

/** The quarantine's filters. */
export const QuarantineQuery = PageQuery.extend({ status: z.enum(["open", "resubmitted", "dismissed"]).optional() });

/** A record held back from ingest, with why and the text it came from. */
export const QuarantineItemSchema = z.object({
  id: z.uuid(),
  batchId: z.uuid(),
  format: z.string(),
  location: z.string(),
  reasons: z.array(z.object({ code: z.string(), message: z.string() })),
  rawText: z.string(),
  status: z.string(),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
  resolvedBatchId: z.string().nullable(),
});
export type QuarantineItem = z.infer<typeof QuarantineItemSchema>;

/** Corrected text for a quarantined record. */
export const ResubmissionBody = z.object({
  text: z
    .string()
    .min(1)
    .max(10 * 1024 * 1024),
});

/** What a resubmission did: the new batch's report, and whether the record is resolved. */
export const ResubmissionSchema = z.object({ report: FileReportSchema, isResolved: z.boolean() });
export type Resubmission = z.infer<typeof ResubmissionSchema>;

/** One version of a shipment with the fields it changed. */
export const ShipmentVersionSchema = z.object({
  version: z.number().int(),
  function: z.string(),
  messageRef: z.string().nullable(),
  recordedAt: z.string(),
  diff: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
});
export type ShipmentVersion = z.infer<typeof ShipmentVersionSchema>;
