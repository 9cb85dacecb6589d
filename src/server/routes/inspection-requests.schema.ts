import { z } from "zod";
import { DISPOSITIONS, PRIORITIES, REQUEST_STATUSES, SCAN_TYPES } from "../../domain/inspection-requests.ts";
import { SCAN_OUTCOMES } from "../../domain/scans.ts";
import { ContainerNo, PageQuery } from "../schemas.ts";

export const ScanSchema = z.object({
  id: z.uuid(),
  scanType: z.enum(SCAN_TYPES),
  outcome: z.enum(SCAN_OUTCOMES),
  notes: z.string(),
  officer: z.string(),
  /** UN/LOCODE of the site where the scan was done. */
  site: z.string().nullable(),
  scannedAt: z.string(),
  recordedAt: z.string(),
  /** Evidence file, addressed by its sha256 (chain of custody). */
  file: z.object({ sha256: z.string(), name: z.string().nullable(), mediaType: z.string(), sizeBytes: z.number().int() }).nullable(),
});

export const InspectionRequestSchema = z.object({
  id: z.uuid(),
  reference: z.string(),
  shipmentId: z.uuid(),
  billOfLading: z.string(),
  containerNo: z.string(),
  status: z.enum(REQUEST_STATUSES),
  priority: z.enum(PRIORITIES),
  reason: z.string(),
  scansRequested: z.array(z.enum(SCAN_TYPES)),
  agreementCode: z.string(),
  requestingAgency: z.string(),
  hostAgency: z.string(),
  requestedBy: z.string(),
  requestedAt: z.string(),
  /** The loading cut-off of the container's voyage: the request must be answered before it. */
  deadline: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionReason: z.string().nullable(),
  disposition: z.enum(DISPOSITIONS).nullable(),
  dispositionedAt: z.string().nullable(),
  scans: z.array(ScanSchema),
});

export const CreateRequestBody = z.object({
  shipmentId: z.uuid(),
  containerNo: ContainerNo,
  /** Why the targeter wants this container examined. */
  reason: z.string().trim().min(3).max(2000),
  priority: z.enum(PRIORITIES).default("routine"),
  scansRequested: z.array(z.enum(SCAN_TYPES)).min(1).default(["radiation_portal"]),
});

export const DecisionBody = z.object({
  decision: z.enum(["accept", "decline"]),
  /** Required when declining. */
  reason: z.string().trim().max(2000).optional(),
});

export const ScanBody = z.object({
  scanType: z.enum(SCAN_TYPES),
  outcome: z.enum(SCAN_OUTCOMES),
  notes: z.string().max(5000).default(""),
  scannedAt: z.coerce.date().optional(),
  /** Instrument file or image, base64-encoded. */
  attachment: z
    .object({
      fileName: z.string().min(1).max(255),
      mediaType: z.string().min(3).max(100),
      contentBase64: z.string().min(1),
    })
    .optional(),
  disposition: z.enum(DISPOSITIONS).optional(),
});

export const RequestListQuery = PageQuery.extend({
  /** Comma-separated statuses. */
  status: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(",").map((x) => x.trim()) : undefined))
    .pipe(z.array(z.enum(REQUEST_STATUSES)).optional()),
  shipmentId: z.uuid().optional(),
});
